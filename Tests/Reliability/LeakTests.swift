import BenchResults
import EnvClient
import EnvServer
import EnvTesting
import LoadGen
import Testing

/// The big hostile inputs, repeated: resident memory must come back near where it was. CPU
/// heavy in a debug build, so it runs with the load-heavy suites (`ci/reliability-load`).
@Suite("Memory after big inputs", .serialized, .timeLimit(.minutes(10)), .enabled(if: ReliabilityLoad.isSelected, ReliabilityLoad.note))
struct LeakTests {
    @Test("big WebSocket inputs leave no memory behind", arguments: ["10 MB text frame", "10,000 top-level keys", "10,000-level nested arrays"])
    func webSocket(name: String) async throws {
        let input = try #require(HostileFrames.all.first { $0.name == name })
        try await withTestServer { endpoint, _ in
            try await expectNoLeak(repetitions: 8) {
                try await withSession(endpoint) { session in
                    for frame in input.frames() { try await session.send(frame) }
                    _ = try await session.receive()
                }
            }
            try await expectServing(endpoint)
        }
    }

    @Test("10 MB HTTP bodies leave no memory behind", arguments: ["/reset", "/step"])
    func httpBodies(path: String) async throws {
        try await withTestServer { endpoint, _ in
            try await expectNoLeak(repetitions: 8) {
                let reply = try await HTTPProbe.post(endpoint, path, bytes: Array(repeating: 0x20, count: 10 << 20))
                #expect(reply.status == 413)
            }
            try await expectServing(endpoint)
        }
    }
}
