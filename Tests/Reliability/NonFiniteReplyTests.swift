import EnvClient
import EnvProtocol
import EnvServer
import EnvTesting
import Testing

/// An environment that observes a NaN or an infinity: JSON cannot carry it, so the reply is an
/// error — `EXECUTION_ERROR` on `/ws` (the session goes on), 500 on HTTP — never invalid JSON
/// and never a trapped server.
@Suite("Non-finite replies", .timeLimit(.minutes(2)))
struct NonFiniteReplyTests {
    @Test("a NaN or infinite step on /ws → EXECUTION_ERROR naming where it is; the session goes on")
    func webSocket() async throws {
        try await withTestServer(environment: NonFiniteEnvironment.hosted()) { endpoint, server in
            try await withSession(endpoint) { session in
                let reset = try await session.request(#"{"type":"reset","data":{}}"#)
                #expect(reset["type"] == "observation")
                let nan = try await session.request(#"{"type":"step","data":{}}"#)
                expectError(nan, .executionError)
                #expect(nan["data"]?["message"]?.stringValue?.contains("$.data.observation.score") == true)
                let infinite = try await session.request(#"{"type":"step","data":{"infinite_reward":true}}"#)
                expectError(infinite, .executionError)
                let state = try await session.request(#"{"type":"state"}"#)
                #expect(state["data"]?["step_count"] == 2, "the session survived both steps")
            }
            try await waitUntil { server.slots.activeCount == 0 }
            try await withSession(endpoint) { session in
                let reset = try await session.request(#"{"type":"reset","data":{}}"#)
                #expect(reset["type"] == "observation")
            }
        }
    }

    @Test("a NaN step on HTTP /step → 500 with a JSON detail; the server keeps serving")
    func http() async throws {
        try await withTestServer(environment: NonFiniteEnvironment.hosted()) { endpoint, _ in
            let reset = try await HTTPProbe.post(endpoint, "/reset", body: "{}")
            #expect(reset.status == 200)
            let step = try await HTTPProbe.post(endpoint, "/step", body: #"{"action":{}}"#)
            #expect(step.status == 500)
            #expect(step.contentType == "application/json")
            let detail = step.json?["detail"]?.stringValue ?? ""
            #expect(detail.hasPrefix("Internal Server Error") && detail.contains("$.observation.score"), "\(step.body)")
            #expect(try await HTTPProbe.get(endpoint, "/health").status == 200)
        }
    }
}
