import EnvClient
import EnvProtocol
import EnvTesting
import NIOWebSocket
import Testing

/// PROTOCOL.md §5, cases 17–28: a WebSocket session's happy path.
@Suite("WebSocket", .serverHoldsTheSuites, .timeLimit(.minutes(2)))
struct WebSocketTests {
    @Test("17 · upgrade to /ws → 101, then the session answers a reset (as every client begins)")
    func upgrade() async throws {
        try await ServerUnderTest.withServer { endpoint in
            // withConnection throws notUpgraded unless the server answered 101; reset() checks
            // the reply is an observation. State before a reset is case 74's.
            _ = try await withSession(endpoint) { try await $0.reset() }
        }
    }

    @Test("18 · reset → observation envelope (the benchmark's: step_count 0, 12-hex session_hash, reward null)")
    func reset() async throws {
        let environment = await EnvironmentUnderTest.current()
        try await ServerUnderTest.withServer { endpoint in
            let sent = #"{"type":"reset","data":{}}"#
            let reply = try await withSession(endpoint) { try await $0.request(sent) }
            #expect(reply["type"] == "observation", "rule: a reset is answered with an observation; sent \(sent) → \(reply)")
            let data = try #require(reply["data"]?.objectValue, "rule: an observation carries data; sent \(sent) → \(reply)")
            #expect(
                data["done"]?.boolValue != nil && data["observation"]?.objectValue != nil,
                "rule: the envelope has a boolean done and an object observation; sent \(sent) → \(data)"
            )
            environment.expectConforms(envelope: .object(data), isReset: true)
            expectResetDone(data, isBenchmark: environment.isBenchmark, sent: sent)
            guard environment.isBenchmark else { return }
            #expect(data["reward"] == .null)
            #expect(data["observation"]?["step_count"]?.numberValue == 0)
            #expect(isSessionHash(data["observation"]?["session_hash"]))
        }
    }

    @Test("19 · reset without data → observation")
    func resetWithoutData() async throws {
        try await ServerUnderTest.withServer { endpoint in
            let reply = try await withSession(endpoint) { try await $0.request(#"{"type":"reset"}"#) }
            #expect(reply["type"] == "observation")
        }
    }

    @Test("20 · reset with unknown option keys → observation (keys ignored)")
    func resetIgnoresUnknownOptions() async throws {
        try await ServerUnderTest.withServer { endpoint in
            let reply = try await withSession(endpoint) {
                try await $0.request(#"{"type":"reset","data":{"difficulty":"hard","level":3}}"#)
            }
            #expect(reply["type"] == "observation")
        }
    }

    @Test("21 · step wait 0.05 → waited 0.05, step_count 1, same session_hash", .benchmarkOnly)
    func step() async throws {
        try await ServerUnderTest.withServer { endpoint in
            try await withSession(endpoint) { session in
                let reset = try await session.reset()
                let step = try await session.step(wait: 0.05)
                #expect(step["waited_seconds"]?.numberValue == 0.05)
                #expect(step["step_count"]?.numberValue == 1)
                #expect(isSessionHash(step["session_hash"]))
                #expect(step["session_hash"] == reset["session_hash"])
            }
        }
    }

    @Test("22 · a step takes at least the requested wait", .benchmarkOnly)
    func stepWaits() async throws {
        try await ServerUnderTest.withServer { endpoint in
            try await withSession(endpoint) { session in
                _ = try await session.reset()
                let clock = ContinuousClock()
                let start = clock.now
                _ = try await session.step(wait: 0.3)
                let elapsed = clock.now - start
                #expect(elapsed >= .milliseconds(300), "step returned after \(elapsed)")
            }
        }
    }

    @Test("23 · state after one step → type state, step_count 1")
    func stateAfterStep() async throws {
        try await ServerUnderTest.withServer { endpoint in
            try await withSession(endpoint) { session in
                _ = try await session.reset()
                _ = try await session.stepValid()
                let state = try await session.state()
                #expect(state["step_count"]?.numberValue == 1)
            }
        }
    }

    @Test("24 · reset after steps → step_count 0, same session_hash", .benchmarkOnly)
    func resetAfterSteps() async throws {
        try await ServerUnderTest.withServer { endpoint in
            try await withSession(endpoint) { session in
                let first = try await session.reset()
                _ = try await session.step()
                _ = try await session.step()
                let second = try await session.reset()
                #expect(second["step_count"]?.numberValue == 0)
                #expect(second["session_hash"] == first["session_hash"])
            }
        }
    }

    @Test("25 · ten steps → step_count 1…10 in order", .benchmarkOnly)
    func tenSteps() async throws {
        try await ServerUnderTest.withServer { endpoint in
            try await withSession(endpoint) { session in
                _ = try await session.reset()
                var counts: [Double] = []
                for _ in 1...10 {
                    counts.append(try await session.step()["step_count"]?.numberValue ?? -1)
                }
                #expect(counts == (1...10).map(Double.init))
            }
        }
    }

    @Test("26 · pipelined step + state → two replies, in order")
    func pipelined() async throws {
        try await ServerUnderTest.withServer { endpoint in
            try await withSession(endpoint) { session in
                _ = try await session.reset()
                try await session.send(text: try await EnvironmentUnderTest.current().stepMessage())
                try await session.send(text: #"{"type":"state"}"#)
                let first = try await session.nextJSON()
                let second = try await session.nextJSON()
                #expect(first["type"] == "observation")
                #expect(second["type"] == "state")
                #expect(second["data"]?["step_count"]?.numberValue == 1, "state answered after the step")
            }
        }
    }

    @Test("27 · close → no reply, close code 1000")
    func close() async throws {
        try await ServerUnderTest.withServer { endpoint in
            let event = try await withSession(endpoint) { session in
                _ = try await session.reset()
                try await session.send(text: #"{"type":"close"}"#)
                return try await session.receive()
            }
            guard case .close(let code, _) = event else {
                Issue.record("expected a close frame, got \(event)")
                return
            }
            #expect(code == 1000)
        }
    }

    @Test("28 · ping → pong with the same payload")
    func ping() async throws {
        try await ServerUnderTest.withServer { endpoint in
            let event = try await withSession(endpoint) { session in
                try await session.send(frame(.ping, Array("are you there".utf8)))
                return try await session.receive()
            }
            #expect(event == .pong(Array("are you there".utf8)))
        }
    }
}
