import BenchmarkEnvironment
import EnvProtocol
import EnvServer
import Testing

/// The WebSocket message rules without a socket: one environment instance, replies in order.
@Suite("Message dispatcher")
struct MessageDispatcherTests {
    private func session() throws -> any EnvironmentSession {
        try HostedEnvironment.benchmark(maxWaitSeconds: 5).session(for: ServingProcess(hostURL: "test:1"))
    }

    @Test("reset, step and state share one environment; close has no reply")
    func episode() async throws {
        var session = try session()
        let reset = await MessageDispatcher.answer(#"{"type":"reset"}"#, session: &session)
        guard case .observation(let envelope)? = reset else {
            Issue.record("reset answered \(String(describing: reset))")
            return
        }
        #expect(envelope.observation["host_url"] == "test:1")
        _ = await MessageDispatcher.answer(#"{"type":"step","data":{}}"#, session: &session)
        let state = await MessageDispatcher.answer(#"{"type":"state"}"#, session: &session)
        #expect(state == .state(["episode_id": session.state()["episode_id"] ?? .null, "step_count": 1]))
        #expect(await MessageDispatcher.answer(#"{"type":"close"}"#, session: &session) == nil)
    }

    @Test("a rejected action and a too-long wait are VALIDATION_ERRORs; mcp gets a JSON-RPC error")
    func errors() async throws {
        var session = try session()
        for text in [#"{"type":"step","data":{"x":1}}"#, #"{"type":"step","data":{"wait_seconds":6}}"#] {
            let reply = await MessageDispatcher.answer(text, session: &session)
            guard case .error(let error)? = reply else {
                Issue.record("\(text) answered \(String(describing: reply))")
                continue
            }
            #expect(error.code == .validationError && error.errors?.isEmpty == false)
        }
        let mcp = await MessageDispatcher.answer(
            #"{"type":"mcp","data":{"jsonrpc":"2.0","id":7,"method":"tools/list"}}"#,
            session: &session
        )
        guard case .mcp(let response)? = mcp else {
            Issue.record("mcp answered \(String(describing: mcp))")
            return
        }
        #expect(response["jsonrpc"] == "2.0" && response["id"] == 7 && response["error"]?["code"] == -32603)
    }
}
