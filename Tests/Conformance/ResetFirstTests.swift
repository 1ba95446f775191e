import EnvClient
import EnvProtocol
import EnvTesting
import Testing

/// docs/PROTOCOL.md cases 74–75: what a session does before its first reset. Many real
/// environments (a REPL, a game dealt at reset) cannot give a state or take a step before one;
/// clients always reset first, so the other cases do, and these two judge the rest on their own.
@Suite("Before a reset", .serverHoldsTheSuites, .timeLimit(.minutes(2)))
struct ResetFirstTests {
    @Test(
        "74 · state or step before any reset → a reply (the state, an observation, or an error naming its cause); the session then resets and steps"
    )
    func beforeReset() async throws {
        let environment = await EnvironmentUnderTest.current()
        let step = try environment.stepMessage()
        try await ServerUnderTest.withServer { endpoint in
            for (first, answer) in [(#"{"type":"state"}"#, "state"), (step, "observation")] {
                try await withSession(endpoint) { session in
                    let reply = try await session.request(first)
                    let sent = Exchange.excerpt(first, limit: 200)
                    let type = reply["type"]?.stringValue
                    if type == answer, answer == "state" {
                        environment.expectConforms(state: reply["data"] ?? .null)
                    } else if type == answer, let data = reply["data"] {
                        environment.expectConforms(envelope: data, isReset: false)
                    } else if type == "error" {
                        #expect(
                            reply["data"]?["message"]?.stringValue?.isEmpty == false,
                            "rule: an error reply names its cause; sent \(sent) before any reset → \(reply)"
                        )
                        print(
                            "case 74: the environment needs a reset first: sent \(sent) → \(Exchange.excerpt("\(reply)")). Clients reset first; not a failure."
                        )
                    } else {
                        Issue.record(
                            "rule: a message before the first reset is answered (its reply, or an error naming the cause); sent \(sent) → \(reply)"
                        )
                    }
                    _ = try await session.reset()
                    _ = try await session.stepValid()
                }
            }
        }
    }

    @Test(
        "75 · session-less HTTP: POST /step (a valid action) and GET /state with no reset → 200, else a 4xx naming the cause; a 500 is the environment's exception"
    )
    func sessionlessRoutes() async throws {
        let environment = await EnvironmentUnderTest.current()
        let body = stepBody(try environment.action.get())
        try await ServerUnderTest.withServer { endpoint in
            for (method, path, body) in [(Exchange.HTTPMethodName.POST, "/step", Optional(body)), (.GET, "/state", nil)] {
                let reply = try await Exchange.http(endpoint, method, path, body: body)
                let sent = "\(method.rawValue) \(path)\(body.map { " " + $0 } ?? "") with no session"
                switch reply.status {
                case 200..<300:
                    guard let json = reply.json else {
                        Issue.record("rule: a 200 carries JSON; \(sent) → \(Exchange.describe(reply))")
                        continue
                    }
                    if path == "/state" {
                        environment.expectConforms(state: json)
                    } else {
                        environment.expectConforms(envelope: json, isReset: false)
                    }
                case 400..<500:
                    #expect(reply.json?["detail"] != nil, "rule: a refusal names its cause in a JSON detail; \(sent) → \(Exchange.describe(reply))")
                default:
                    let what =
                        "\(sent) → \(Exchange.describe(reply)): the environment raised an exception (the reply's text: \"\(Exchange.excerpt(reply.body, limit: 200))\")"
                    if ServerUnderTest.isReferenceProfile {
                        Issue.record(
                            "\(what). openenv 0.10 itself causes this: its HTTP /step and /state build a fresh environment for every request (stateless HTTP), so an environment that needs a reset first raises; clients use /ws, where reset comes first (warning)",
                            severity: .warning
                        )
                    } else {
                        Issue.record(
                            "rule: a session-less HTTP route answers 200, or a 4xx whose detail says a reset is needed — never a 500; \(what)"
                        )
                    }
                }
            }
        }
    }
}
