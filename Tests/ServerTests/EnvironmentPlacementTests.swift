import EnvClient
import EnvProtocol
import EnvServer
import EnvTesting
import NIOCore
import NIOWebSocket
import Testing

/// Where environment code runs on the `/ws` path (docs/ARCHITECTURE.md, "Where environment
/// code runs"): off the I/O event loop unless the environment declared itself cheap
/// (`TimedStepEnvironment`). Each case serves every connection on one event loop, so a step run
/// on the loop would hold up everything else the loop does. Run with
/// `swift test --filter EnvironmentPlacementTests`.
@Suite("Where environment code runs", .serialized, .timeLimit(.minutes(2)))
struct EnvironmentPlacementTests {
    /// One event loop: every connection of the test shares it.
    private var oneLoop: ServerConfiguration {
        var configuration = ServerConfiguration(maxConcurrentEnvs: 4)
        configuration.eventLoopThreads = 1
        return configuration
    }

    @Test("a step burning CPU does not hold up a ping, another session's reply or its closing handshake on the same loop")
    func heavyStepLeavesTheLoopFree() async throws {
        let probe = EnvironmentProbe()
        try await withTestServer(oneLoop, environment: HeavyStepEnvironment.hosted(probe)) { endpoint, _ in
            try await withSession(endpoint) { heavy in
                try await withSession(endpoint) { other in
                    _ = try await other.request(#"{"type":"reset","data":{}}"#)
                    try await heavy.send(text: #"{"type":"step","data":{}}"#)
                    // The step is burning CPU from here until `release()`.
                    try await waitUntil { probe.stepsBegun == 1 }

                    try await other.send(frame(.ping, [7, 8]))
                    #expect(try await other.receive() == .pong([7, 8]))
                    #expect(probe.stepsEnded == 0, "the pong came only after the heavy step's reply")

                    let state = try await other.request(#"{"type":"state"}"#)
                    #expect(state["type"] == "state", "\(state)")
                    #expect(probe.stepsEnded == 0, "another session's reply came only after the heavy step's reply")

                    try await other.close()
                    #expect(try await other.closeCode() == 1000)
                    #expect(probe.stepsEnded == 0, "the closing handshake came only after the heavy step's reply")
                }
                probe.release()
                let step = try await heavy.nextJSON()
                #expect(step["type"] == "observation", "\(step)")
                #expect(probe.stepsEnded == 1)
            }
        }
        #expect(probe.onEventLoop == ["reset": false, "step": false, "state": false], "\(probe.onEventLoop)")
    }

    @Test("an environment declared cheap (TimedStepEnvironment) is served entirely on the event loop")
    func cheapEnvironmentOnTheLoop() async throws {
        let probe = EnvironmentProbe()
        try await withTestServer(oneLoop, environment: CheapTimedEnvironment.hosted(probe)) { endpoint, _ in
            try await withSession(endpoint) { session in
                for message in [#"{"type":"reset","data":{}}"#, #"{"type":"step","data":{}}"#, #"{"type":"state"}"#] {
                    let reply = try await session.request(message)
                    #expect(reply["type"] == "observation" || reply["type"] == "state", "\(message) → \(reply)")
                }
            }
        }
        #expect(
            probe.onEventLoop == ["reset": true, "stepWait": true, "step": true, "state": true],
            "\(probe.onEventLoop)"
        )
    }
}
