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
        #expect(probe.onEventLoop == ["make": false, "reset": false, "step": false, "state": false], "\(probe.onEventLoop)")
    }

    @Test(
        "a slow factory runs off the loop: another connection is upgraded meanwhile, and a reset sent before the environment exists is answered after it"
    )
    func slowFactoryLeavesTheLoopFree() async throws {
        let probe = EnvironmentProbe()
        let reset = #"{"type":"reset","data":{}}"#
        try await withTestServer(oneLoop, environment: SlowFactoryEnvironment.hosted(probe)) { endpoint, server in
            try await withSession(endpoint) { first in
                // The first factory is burning CPU from here until `release()`; the session's
                // input waits for its environment.
                try await waitUntil { probe.factoriesBegun == 1 }
                try await first.send(text: reset)
                try await withSession(endpoint) { second in
                    #expect(!probe.slowFactoryDone, "the second connection was upgraded only after the first factory had run")
                    #expect(server.slots.activeCount == 2, "a slot is taken while its environment is made")
                    probe.release()
                    let firstReset = try await first.nextJSON()
                    #expect(firstReset["type"] == "observation", "\(firstReset)")
                    let secondReset = try await second.request(reset)
                    #expect(secondReset["type"] == "observation", "\(secondReset)")
                }
            }
        }
        #expect(probe.onEventLoop["make"] == false && probe.onEventLoop["reset"] == false, "\(probe.onEventLoop)")
    }

    @Test("a factory that throws: FACTORY_ERROR, then close 1011, and the slot is given back")
    func failingFactory() async throws {
        struct Refused: Error {}
        let failing = HostedEnvironment(
            metadata: EnvironmentMetadata(name: "failing_factory", description: "A test environment."),
            make: { _ -> HeavyStepEnvironment in throw Refused() }
        )
        try await withTestServer(oneLoop, environment: failing) { endpoint, server in
            try await withSession(endpoint) { session in
                let error = try await session.nextJSON()
                #expect(error["type"] == "error" && error["data"]?["code"] == "FACTORY_ERROR", "\(error)")
                guard case .close(let code, _) = try await session.receive() else {
                    Issue.record("no close frame after FACTORY_ERROR")
                    return
                }
                #expect(code == 1011)
            }
            try await waitUntil { server.slots.activeCount == 0 }
        }
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
            probe.onEventLoop == ["make": true, "reset": true, "stepWait": true, "step": true, "state": true],
            "\(probe.onEventLoop)"
        )
    }
}
