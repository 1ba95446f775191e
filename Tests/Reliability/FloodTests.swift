import BenchResults
import EnvClient
import EnvProtocol
import EnvServer
import EnvTesting
import LoadGen
import NIOCore
import NIOWebSocket
import Testing

/// Floods on one socket: the server answers every message, in order, holds no more memory
/// afterwards than before, and keeps serving others.
@Suite("Floods", .serialized, .timeLimit(.minutes(10)), .enabled(if: ReliabilityLoad.isSelected, ReliabilityLoad.note))
struct FloodTests {
    /// Messages in flight at once: enough to keep the server's queue full, few enough that
    /// replies fit in the socket buffers while the client is still sending.
    static let window = 500

    @Test("100,000 small messages on one socket are all answered, in order")
    func messageFlood() async throws {
        let total = 100_000
        try await withTestServer { endpoint, server in
            let before = residentBytes()
            var answered = 0
            try await withSession(endpoint) { session in
                while answered < total {
                    let batch = min(Self.window, total - answered)
                    for _ in 0..<batch { try await session.send(text: #"{"type":"step","data":{"wait_seconds":0}}"#) }
                    for _ in 0..<batch {
                        let reply = try await session.nextJSON()
                        answered += 1
                        // step_count counts the session's steps: any lost, doubled or reordered
                        // reply breaks the sequence.
                        guard reply["data"]?["observation"]?["step_count"]?.numberValue == Double(answered) else {
                            Issue.record("reply \(answered) out of order: \(reply)")
                            return
                        }
                    }
                }
            }
            #expect(answered == total)
            try await expectServing(endpoint)
            try await waitUntil { server.slots.activeCount == 0 }
            if let before, let after = residentBytes() {
                #expect(after - before < 96 << 20, "resident memory grew \((after - before) >> 20) MB")
            }
        }
    }

    @Test("10,000 pings on one socket are each answered with a pong, and the session still works")
    func pingFlood() async throws {
        let total = 10_000
        try await withTestServer { endpoint, _ in
            try await withSession(endpoint) { session in
                var pongs = 0
                while pongs < total {
                    let batch = min(Self.window, total - pongs)
                    for index in 0..<batch {
                        try await session.send(frame(.ping, Array("p\(pongs + index)".utf8)))
                    }
                    for _ in 0..<batch {
                        let event = try await session.receive()
                        #expect(event == .pong(Array("p\(pongs)".utf8)), "pong \(pongs) echoes its ping")
                        pongs += 1
                    }
                }
                #expect(pongs == total)
                try await session.expectAlive()
            }
            try await expectServing(endpoint)
        }
    }
}
