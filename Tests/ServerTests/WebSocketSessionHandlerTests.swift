import BenchmarkEnvironment
import EnvProtocol
import EnvServer
import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

/// The `/ws` session handler on an `EmbeddedChannel`: frames in, frames out, and the event
/// loop's clock advanced by the test, so every deadline is checked to the tick without real
/// time. The environment is the benchmark's (a step's wait is a timer of the loop). Run with
/// `swift test --filter WebSocketSessionHandlerTests`.
@Suite("WebSocket session handler")
struct WebSocketSessionHandlerTests {
    /// A connected channel serving one session, and the slots it counts against.
    private struct Connection {
        let channel = EmbeddedChannel()
        let slots: SessionSlots

        init(_ configure: (inout ServerConfiguration) -> Void = { _ in }, capacity: Int = 1, slots: SessionSlots? = nil) throws {
            var configuration = ServerConfiguration(maxConcurrentEnvs: capacity)
            configuration.pingInterval = nil
            configuration.sessionTimeout = nil
            configuration.closeTimeout = .seconds(5)
            configuration.replyWriteTimeout = .seconds(30)
            configure(&configuration)
            self.slots = slots ?? SessionSlots(capacity: capacity)
            let services = WebSocketSessionServices(
                environment: .benchmark(),
                configuration: configuration,
                slots: self.slots
            )
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
            try channel.pipeline.syncOperations.addHandler(WebSocketSessionHandler(services: services, attachTo: nil))
        }

        func send(_ text: String) throws {
            try channel.writeInbound(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: text)))
        }

        func send(_ opcode: WebSocketOpcode, _ bytes: [UInt8] = []) throws {
            try channel.writeInbound(WebSocketFrame(fin: true, opcode: opcode, data: ByteBuffer(bytes: bytes)))
        }

        /// The next frame the server wrote, if any.
        func written() throws -> WebSocketFrame? {
            try channel.readOutbound(as: WebSocketFrame.self)
        }

        /// The `type` of the next reply, `close <code>` for a close frame, `nil` for nothing.
        func next() throws -> String? {
            guard let frame = try written() else { return nil }
            switch frame.opcode {
            case .text: return (try? JSONCoding.parse(String(buffer: frame.data)))?["type"]?.stringValue ?? "?"
            case .connectionClose:
                var data = frame.data
                return "close \(data.readInteger(as: UInt16.self).map(String.init) ?? "-")"
            default: return "\(frame.opcode)"
            }
        }

        func advance(_ amount: TimeAmount) {
            channel.embeddedEventLoop.advanceTime(by: amount)
        }
    }

    @Test("a session takes its slot at once and gives it back when the connection goes")
    func slotForTheConnection() throws {
        let connection = try Connection()
        #expect(connection.slots.activeCount == 1)
        _ = try connection.channel.finish()
        #expect(connection.slots.activeCount == 0)
    }

    @Test("beyond capacity: CAPACITY_REACHED, then close 1000; the slot holder is untouched")
    func capacity() throws {
        let first = try Connection()
        let second = try Connection(slots: first.slots)
        let error = try #require(try second.written())
        #expect(String(buffer: error.data).contains("CAPACITY_REACHED"))
        #expect(try second.next() == "close 1000")
        #expect(first.slots.activeCount == 1)
    }

    @Test("pipelined messages are answered strictly in order: a state sent behind a step waits for the step's wait")
    func repliesInOrder() throws {
        let connection = try Connection()
        try connection.send(#"{"type":"step","data":{"wait_seconds":1}}"#)
        try connection.send(#"{"type":"state"}"#)
        #expect(try connection.next() == nil, "nothing before the step's wait is over")
        connection.advance(.milliseconds(999))
        #expect(try connection.next() == nil)
        connection.advance(.milliseconds(1))
        #expect(try connection.next() == "observation")
        #expect(try connection.next() == "state")
    }

    @Test("the benchmark's reset is answered at once, on the loop with no task: its reply is written before the loop runs anything")
    func resetAtOnce() throws {
        let connection = try Connection()
        try connection.send(#"{"type":"reset","data":{"episode_id":"e1"}}"#)
        try connection.send(#"{"type":"state"}"#)
        let reset = try #require(try connection.written(), "no reply before the loop ran a task")
        let observation = try JSONCoding.parse(String(buffer: reset.data))
        #expect(observation["type"] == "observation" && observation["data"]?["observation"]?["step_count"] == 0, "\(observation)")
        let state = try #require(try connection.written())
        #expect(try JSONCoding.parse(String(buffer: state.data))["data"]?["episode_id"] == "e1")
    }

    @Test("a ping is answered with its data; a ping while a step waits is answered before the step")
    func pingPong() throws {
        let connection = try Connection()
        try connection.send(#"{"type":"step","data":{"wait_seconds":1}}"#)
        try connection.send(.ping, [1, 2])
        let pong = try #require(try connection.written())
        #expect(pong.opcode == .pong && pong.data == ByteBuffer(bytes: [1, 2]))
        connection.advance(.seconds(1))
        #expect(try connection.next() == "observation")
    }

    @Test("the peer's close frame: answered 1000 and the connection closed; a malformed one 1002")
    func peerClose() throws {
        let connection = try Connection()
        try connection.send(.connectionClose, [0x03, 0xE8])
        #expect(try connection.next() == "close 1000")
        #expect(!connection.channel.isActive)
        #expect(connection.slots.activeCount == 0)

        let malformed = try Connection()
        try malformed.send(.connectionClose, [0x03])
        #expect(try malformed.next() == "close 1002")
    }

    @Test("a close frame sent mid-step is answered after the step's reply, and the slot is freed then")
    func closeMidStep() throws {
        let connection = try Connection()
        try connection.send(#"{"type":"step","data":{"wait_seconds":10}}"#)
        try connection.send(.connectionClose, [0x03, 0xE8])
        connection.advance(.seconds(9))
        #expect(try connection.next() == nil)
        #expect(connection.slots.activeCount == 1)
        connection.advance(.seconds(1))
        #expect(try connection.next() == "observation")
        #expect(try connection.next() == "close 1000")
        #expect(connection.slots.activeCount == 0)
    }

    @Test("{\"type\":\"close\"}: close 1000 and the slot freed at once; a peer that never answers is dropped after the close timeout")
    func closeMessage() throws {
        let connection = try Connection()
        try connection.send(#"{"type":"close"}"#)
        #expect(try connection.next() == "close 1000")
        #expect(connection.slots.activeCount == 0, "the slot does not wait for the peer's close frame")
        connection.advance(.seconds(5) - .nanoseconds(1))
        #expect(connection.channel.isActive)
        connection.advance(.nanoseconds(1))
        #expect(!connection.channel.isActive)
    }

    @Test("a connection that goes mid-step frees its slot at once, not when the wait ends")
    func abortMidStep() throws {
        let connection = try Connection()
        try connection.send(#"{"type":"step","data":{"wait_seconds":300}}"#)
        try connection.channel.close().wait()
        #expect(connection.slots.activeCount == 0)
        connection.advance(.seconds(300))
        #expect(try connection.next() == nil, "nothing is written for the abandoned step")
    }

    @Test("protocol violations close at once: reserved bits 1002, invalid UTF-8 1007, a binary frame is an error reply")
    func violations() throws {
        let reserved = try Connection()
        var frame = WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: "{}"))
        frame.rsv1 = true
        try reserved.channel.writeInbound(frame)
        #expect(try reserved.next() == "close 1002")
        #expect(!reserved.channel.isActive)

        let utf8 = try Connection()
        try utf8.send(.text, [0xC3, 0x28])
        #expect(try utf8.next() == "close 1007")

        let binary = try Connection()
        try binary.send(.binary, [1])
        #expect(try binary.next() == "error")
        try binary.send(#"{"type":"state"}"#)
        #expect(try binary.next() == "state", "the session goes on")
    }

    @Test("pings: sent every interval to an idle peer; a peer silent for two intervals after one is dropped with 1001")
    func pingTimeout() throws {
        let connection = try Connection { $0.pingInterval = .seconds(1) }
        connection.advance(.seconds(1))
        #expect(try connection.written()?.opcode == .ping)
        connection.advance(.seconds(1))
        #expect(try connection.next() == nil)
        #expect(connection.channel.isActive)
        connection.advance(.seconds(1))
        #expect(try connection.next() == "close 1001")
        #expect(!connection.channel.isActive)
        #expect(connection.slots.activeCount == 0)
    }

    @Test("pings: a peer that answers is kept; a busy session is not pinged")
    func pingAnswered() throws {
        let connection = try Connection { $0.pingInterval = .seconds(1) }
        var pings = 0
        for _ in 0..<20 {
            connection.advance(.seconds(1))
            if let frame = try connection.written() {
                #expect(frame.opcode == .ping)
                pings += 1
                try connection.send(.pong)
            }
        }
        #expect(pings >= 5)
        #expect(connection.channel.isActive)

        let busy = try Connection({ $0.pingInterval = .seconds(1) }, slots: SessionSlots(capacity: 1))
        try busy.send(#"{"type":"step","data":{"wait_seconds":5}}"#)
        busy.advance(.seconds(5) - .nanoseconds(1))
        #expect(try busy.next() == nil, "no ping while the step runs")
        busy.advance(.nanoseconds(1))
        #expect(try busy.next() == "observation")
        #expect(busy.channel.isActive)
    }

    @Test("idle timeout: the session ends (slot freed) exactly when idle that long; activity postpones it")
    func idleTimeout() throws {
        let connection = try Connection { $0.sessionTimeout = .seconds(10) }
        connection.advance(.seconds(6))
        try connection.send(#"{"type":"state"}"#)
        #expect(try connection.next() == "state")
        connection.advance(.seconds(10) - .nanoseconds(1))
        #expect(connection.slots.activeCount == 1)
        connection.advance(.nanoseconds(1))
        #expect(connection.slots.activeCount == 0)
        let close = try #require(try connection.written())
        #expect(String(buffer: close.data).hasSuffix("session idle timeout"))
    }

    @Test("a step longer than the idle timeout is not cut; idle time starts when its reply is written")
    func idleDuringStep() throws {
        let connection = try Connection { $0.sessionTimeout = .seconds(2) }
        try connection.send(#"{"type":"step","data":{"wait_seconds":5}}"#)
        connection.advance(.seconds(5))
        #expect(try connection.next() == "observation")
        #expect(connection.slots.activeCount == 1)
        connection.advance(.seconds(2))
        #expect(connection.slots.activeCount == 0)
    }

    /// A connection (write timeout 3 s) whose socket took no more after the first of two
    /// pipelined `state` replies.
    private func stalledConnection() throws -> Connection {
        let connection = try Connection { $0.replyWriteTimeout = .seconds(3) }
        connection.channel.isWritable = false
        try connection.send(#"{"type":"state"}"#)
        try connection.send(#"{"type":"state"}"#)
        #expect(try connection.next() == "state")
        #expect(try connection.next() == nil, "the second message waits for the socket")
        return connection
    }

    @Test("a reply the socket does not take: no more input is taken, and the connection is dropped after the write timeout")
    func writeStall() throws {
        let connection = try stalledConnection()
        connection.advance(.seconds(3))
        #expect(!connection.channel.isActive)
        #expect(connection.slots.activeCount == 0)
    }

    @Test("a stalled reply that drains in time: the waiting message is answered and the connection kept")
    func writeDrains() throws {
        let connection = try stalledConnection()
        connection.advance(.seconds(2))
        connection.channel.isWritable = true
        connection.channel.pipeline.fireChannelWritabilityChanged()
        #expect(try connection.next() == "state")
        connection.advance(.seconds(10))
        #expect(connection.channel.isActive)
    }

    @Test("graceful shutdown: a step being answered is answered first, then close 1000")
    func quiesce() throws {
        let connection = try Connection()
        try connection.send(#"{"type":"step","data":{"wait_seconds":1}}"#)
        connection.channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        #expect(try connection.next() == nil)
        connection.advance(.seconds(1))
        #expect(try connection.next() == "observation")
        #expect(try connection.next() == "close 1000")
        #expect(connection.slots.activeCount == 0)
    }
}
