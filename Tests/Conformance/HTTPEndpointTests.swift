import EnvClient
import EnvProtocol
import EnvTesting
import Testing

/// PROTOCOL.md §5, cases 6–16: the stateless HTTP simulation endpoints.
@Suite("HTTP", .serverHoldsTheSuites, .timeLimit(.minutes(2)))
struct HTTPEndpointTests {
    @Test("6 · POST /reset {} → envelope (the benchmark's: done false, reward null); metadata as the protocol writes it")
    func resetEmpty() async throws {
        let profile = await ServerUnderTest.protocolProfile()
        let isBenchmark = await EnvironmentUnderTest.current().isBenchmark
        try await ServerUnderTest.withServer { endpoint in
            let reply = try await Exchange.http(endpoint, .POST, "/reset", body: "{}")
            let body = try #require(
                reply.json?.objectValue,
                "rule: POST /reset answers a JSON envelope; POST /reset {} → \(Exchange.describe(reply))"
            )
            #expect(reply.status == 200, "rule: POST /reset answers 200; POST /reset {} → \(Exchange.describe(reply))")
            expectResetDone(body, isBenchmark: isBenchmark, sent: "POST /reset {}")
            // Present: null for the benchmark; any environment may reward a reset.
            #expect(isBenchmark ? body["reward"] == .null : body.keys.contains("reward"), "reward: \(body)")
            #expect(body["observation"]?.objectValue != nil)
            expectMetadataEnvelope(body, profile, .http)
        }
    }

    @Test("7 · POST /reset with no body → 200")
    func resetNoBody() async throws {
        try await ServerUnderTest.withServer { endpoint in
            let reply = try await Exchange.http(endpoint, .POST, "/reset", body: nil)
            #expect(reply.status == 200, "body: \(reply.body)")
        }
    }

    @Test("8 · POST /reset with seed and episode_id → 200")
    func resetWithOptions() async throws {
        try await ServerUnderTest.withServer { endpoint in
            let reply = try await Exchange.http(endpoint, .POST, "/reset", body: #"{"seed":42,"episode_id":"ep1"}"#)
            #expect(reply.status == 200, "body: \(reply.body)")
        }
    }

    @Test("9 · POST /reset {seed: -1} → 422")
    func resetNegativeSeed() async throws {
        try await ServerUnderTest.withServer { endpoint in
            let reply = try await Exchange.http(endpoint, .POST, "/reset", body: #"{"seed":-1}"#)
            #expect(reply.status == 422)
            #expect(reply.json?["detail"]?.arrayValue?.isEmpty == false)
        }
    }

    @Test("10 · POST /step wait 0.1 → waited_seconds 0.1, step_count 1", .benchmarkOnly)
    func step() async throws {
        try await ServerUnderTest.withServer { endpoint in
            let reply = try await Exchange.http(endpoint, .POST, "/step", body: #"{"action":{"wait_seconds":0.1}}"#)
            #expect(reply.status == 200)
            let observation = reply.json?["observation"]
            #expect(observation?["waited_seconds"]?.numberValue == 0.1)
            #expect(observation?["step_count"]?.numberValue == 1)
        }
    }

    @Test("11 · two POST /reset → different session_hash (stateless)", .benchmarkOnly)
    func resetIsStateless() async throws {
        try await ServerUnderTest.withServer { endpoint in
            let first = try await Exchange.http(endpoint, .POST, "/reset", body: "{}").json?["observation"]?["session_hash"]
            let second = try await Exchange.http(endpoint, .POST, "/reset", body: "{}").json?["observation"]?["session_hash"]
            #expect(isSessionHash(first) && isSessionHash(second))
            #expect(first != second)
        }
    }

    @Test("12 · POST /step with invalid JSON → 422")
    func stepInvalidJSON() async throws {
        try await ServerUnderTest.withServer { endpoint in
            let reply = try await Exchange.http(endpoint, .POST, "/step", body: "{not json")
            #expect(reply.status == 422)
        }
    }

    @Test("13 · POST /step {} (no action) → 422")
    func stepMissingAction() async throws {
        try await ServerUnderTest.withServer { endpoint in
            let reply = try await Exchange.http(endpoint, .POST, "/step", body: "{}")
            #expect(reply.status == 422)
            #expect(reply.body.contains("action"))
        }
    }

    @Test("14 · POST /step with an unknown action field → 422 naming it", .benchmarkOnly)
    func stepUnknownField() async throws {
        try await ServerUnderTest.withServer { endpoint in
            let reply = try await Exchange.http(endpoint, .POST, "/step", body: #"{"action":{"bogus_field":1}}"#)
            #expect(reply.status == 422)
            #expect(reply.body.contains("bogus_field"))
        }
    }

    @Test("15 · POST /step wait_seconds \"abc\" → 422", .benchmarkOnly)
    func stepWrongType() async throws {
        try await ServerUnderTest.withServer { endpoint in
            let reply = try await Exchange.http(endpoint, .POST, "/step", body: #"{"action":{"wait_seconds":"abc"}}"#)
            #expect(reply.status == 422)
        }
    }

    @Test("16 · GET /state → step_count integer ≥ 0 (a 5xx there is case 75's verdict)")
    func state() async throws {
        try await ServerUnderTest.withServer { endpoint in
            guard let reply = try await sessionlessHTTP(endpoint, .GET, "/state", case: 16) else { return }
            #expect(reply.status == 200, "rule: GET /state answers 200; GET /state → \(Exchange.describe(reply))")
            guard case .integer(let count)? = reply.json?["step_count"] else {
                Issue.record("rule: a state has an integer step_count; GET /state → \(Exchange.describe(reply))")
                return
            }
            #expect(count >= 0)
        }
    }
}
