import BenchResults
import EnvClient
import Foundation
import Histogram
import LoadGen
import NIOCore
import NIOEmbedded
import Testing

/// The session handler through `EmbeddedChannel`s on an `EmbeddedEventLoop`: the clock is the
/// loop's, moved by the test, so think times, backoffs and the run's end are exact.
@Suite("Load session handler")
struct LoadSessionHandlerTests {
    static let observation = WebSocketEvent.text(#"{"type":"observation","data":{"observation":{"pid":7,"waited_seconds":0}}}"#)
    static let capacity = WebSocketEvent.text(#"{"type":"error","data":{"code":"CAPACITY_REACHED","message":"full"}}"#)

    /// A run's sessions on one embedded loop; each connection is an `EmbeddedChannel`.
    struct Harness {
        let loop = EmbeddedEventLoop()
        let channels: NIOLoopBoundBox<[EmbeddedChannel]>
        let rows = SessionRows()
        let plan: SessionPlan

        init(_ script: (NIODeadline) -> SessionScript, refills: Bool = false, refuse: Bool = false) {
            loop.advanceTime(by: .seconds(1000))
            let channels = NIOLoopBoundBox<[EmbeddedChannel]>([], eventLoop: loop)
            self.channels = channels
            let loop = self.loop
            let connector = SessionConnector { _, eventLoop, created, upgraded in
                if refuse { return eventLoop.makeFailedFuture(IOError(errnoCode: ECONNREFUSED, reason: "connect")) }
                let channel = EmbeddedChannel(loop: loop)
                created(channel)
                do {
                    try upgraded(channel)
                    channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 9), promise: nil)
                } catch {
                    return eventLoop.makeFailedFuture(error)
                }
                channels.value.append(channel)
                return eventLoop.makeSucceededFuture(())
            }
            plan = SessionPlan(
                script: script(loop.now),
                connector: connector,
                rows: rows,
                measures: RunMeasures(origin: loop.now, window: 1),
                progress: nil,
                batchSize: 1,
                hardware: "h",
                refills: refills,
                firstRefillID: 1
            )
        }

        func start() {
            rows.reserve(1)
            LoadSessionHandler.start(plan, requestID: 0, reserved: true, loop: loop, startedAt: .now)
        }

        /// What the session wrote on connection `index` since the last look.
        func sent(_ index: Int = 0) throws -> [String] {
            var messages: [String] = []
            while let buffer = try channels.value[index].readOutbound(as: ByteBuffer.self) { messages.append(String(buffer: buffer)) }
            return messages
        }

        func reply(_ event: WebSocketEvent, on index: Int = 0) throws {
            try channels.value[index].writeInbound(event)
        }
    }

    static func script(_ workload: Workload, _ configure: (inout SessionScript) -> Void = { _ in }) -> SessionScript {
        var script = SessionScript.oneEpisode(workload, timeout: .seconds(10))
        configure(&script)
        return script
    }

    @Test("pool: think times on the loop's clock, episodes back to back, a close at the run's end, one row")
    func pool() throws {
        let harness = Harness { now in
            Self.script(Workload(step: .benchmarkWait(seconds: 0), steps: 2, think: .constant(0.5))) {
                $0.repeatsEpisodes = true
                $0.runEnd = now + .milliseconds(1200)
            }
        }
        harness.start()
        #expect(try harness.sent() == [#"{"type":"reset","data":{}}"#])
        try harness.reply(Self.observation)
        harness.loop.advanceTime(by: .milliseconds(499))
        #expect(try harness.sent().isEmpty, "still thinking")
        harness.loop.advanceTime(by: .milliseconds(1))
        #expect(try harness.sent() == [#"{"type":"step","data":{"wait_seconds":0.0}}"#])
        try harness.reply(Self.observation)
        harness.loop.advanceTime(by: .milliseconds(500))
        #expect(try harness.sent().count == 1)
        try harness.reply(Self.observation)
        #expect(try harness.sent() == [#"{"type":"reset","data":{}}"#], "the next episode at once")
        try harness.reply(Self.observation)
        harness.loop.advanceTime(by: .seconds(1))
        #expect(try harness.sent() == [#"{"type":"close"}"#], "the run ended during the think time")
        #expect(harness.rows.results.isEmpty)
        try harness.reply(.close(code: 1000, reason: ""))
        let rows = harness.rows.results
        #expect(rows.count == 1 && rows[0].success && rows[0].pid == 7)
        let measures = try #require(harness.plan.measures?.snapshot)
        #expect(measures.total.stepsAnswered == 2 && measures.total.stepsSent == 2 && measures.total.episodes == 1)
        #expect(measures.peakHeld == 1)
        #expect(!harness.channels.value[0].isActive, "the connection is closed")
    }

    @Test("refill: each finished episode is replaced by a new session until the run ends; a row each")
    func refill() throws {
        let harness = Harness(
            { now in Self.script(Workload(step: .benchmarkWait(seconds: 0), steps: 1)) { $0.runEnd = now + .seconds(1) } },
            refills: true
        )
        harness.start()
        var served = 0
        while served < harness.channels.value.count {
            #expect(try harness.sent(served).first == #"{"type":"reset","data":{}}"#)
            try harness.reply(Self.observation, on: served)
            harness.loop.advanceTime(by: .milliseconds(300))
            try harness.reply(Self.observation, on: served)
            try harness.reply(.close(code: 1000, reason: ""), on: served)
            harness.loop.run()  // the refill begins on the next tick
            served += 1
        }
        let rows = harness.rows.results
        // Finished at 0.3, 0.6, 0.9 (each replaced) and 1.2 s (after the end: not replaced).
        #expect(served == 4)
        #expect(rows.count == 4 && rows.allSatisfy(\.success) && rows.map(\.requestID) == [0, 1, 2, 3])
        #expect(try #require(harness.plan.measures?.snapshot).total.episodes == 4)
    }

    @Test("refill: a session that cannot connect is not replaced (no refill loop against a server that is gone)")
    func refillAfterConnectFailure() throws {
        let harness = Harness(
            { now in Self.script(Workload(step: .benchmarkWait(seconds: 0), steps: 1)) { $0.runEnd = now + .seconds(1) } },
            refills: true,
            refuse: true
        )
        harness.start()
        harness.loop.run()
        let rows = harness.rows.results
        #expect(rows.count == 1 && rows[0].errorType == .connectionRefused, "\(rows.map { $0.errorType?.rawValue ?? "ok" })")
    }

    @Test("oversubscribe: CAPACITY_REACHED drops the connection, a new one follows the backoff, one row")
    func oversubscribe() throws {
        let harness = Harness { _ in
            Self.script(Workload(step: .benchmarkWait(seconds: 0), steps: 1)) {
                $0.capacityRetry = .init(backoff: 1...2, maxSlotWait: .seconds(60))
            }
        }
        harness.start()
        _ = try harness.sent()
        try harness.reply(Self.capacity)
        #expect(!harness.channels.value[0].isActive)
        harness.loop.advanceTime(by: .milliseconds(999))
        #expect(harness.channels.value.count == 1, "still backing off")
        harness.loop.advanceTime(by: .seconds(1))
        #expect(harness.channels.value.count == 2)
        #expect(try harness.sent(1) == [#"{"type":"reset","data":{}}"#])
        try harness.reply(Self.observation, on: 1)
        try harness.reply(Self.observation, on: 1)
        try harness.reply(.close(code: 1000, reason: ""), on: 1)
        let rows = harness.rows.results
        #expect(rows.count == 1 && rows[0].success)
        let total = try #require(harness.plan.measures?.snapshot).total
        #expect(total.reconnects == 1 && total.slotWait.totalCount == 1 && total.slotWait.min >= 1_000_000)
    }

    @Test("a refused connect and an interrupt each end the session in exactly one row")
    func oneRow() throws {
        let refused = Harness({ _ in Self.script(.benchmark) }, refuse: true)
        refused.start()
        #expect(refused.rows.results.map(\.errorType) == [.connectionRefused])
        let interrupted = Harness { _ in Self.script(.benchmark) }
        interrupted.start()
        interrupted.rows.interrupt()
        interrupted.loop.run()
        interrupted.loop.advanceTime(by: .seconds(60))
        #expect(interrupted.rows.results.map(\.errorType) == [.interrupted])
    }
}
