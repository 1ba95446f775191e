import EnvClient
import EnvProtocol
import EnvTesting
import Testing

/// docs/PROTOCOL.md cases 52–54: the ORS task API of openenv ≥ 0.4.1 (PROTOCOL-0.10.md row 4).
/// Before it, every task route is a plain 404.
@Suite("Task API", .serverHoldsTheSuites, .timeLimit(.minutes(2)))
struct TaskAPITests {
    @Test("52 · GET /list_environments → 200 with the environment names (0.3: 404)")
    func listEnvironments() async throws {
        let profile = await ServerUnderTest.protocolProfile()
        try await ServerUnderTest.withServer { endpoint in
            let reply = try await Exchange.http(endpoint, .GET, "/list_environments")
            guard profile.taskAPI else {
                #expect(reply.status == 404, "\(profile) has no task API: \(reply.body)")
                return
            }
            #expect(reply.status == 200)
            let names = try #require(reply.json?.arrayValue, "a JSON array: \(reply.body)")
            #expect(!names.isEmpty && names.allSatisfy { $0.stringValue?.isEmpty == false }, "\(names)")
        }
    }

    @Test("53 · /{name}/splits answers the listed name in any case (200 or 501 with a detail); another name → 404 naming it")
    func splits() async throws {
        let profile = await ServerUnderTest.protocolProfile()
        try await ServerUnderTest.withServer { endpoint in
            guard profile.taskAPI else {
                #expect(try await Exchange.http(endpoint, .GET, "/BenchmarkEnvironment/splits").status == 404)
                return
            }
            let name = try #require(try await Exchange.http(endpoint, .GET, "/list_environments").json?.arrayValue?.first?.stringValue)
            for spelling in [name, name.lowercased(), name.uppercased()] {
                let reply = try await Exchange.http(endpoint, .GET, "/\(spelling)/splits")
                #expect([200, 501].contains(reply.status), "/\(spelling)/splits → \(reply.status) \(reply.body)")
                if reply.status == 501 {
                    #expect(reply.json?["detail"]?.stringValue?.contains("not supported") == true, "\(reply.body)")
                }
            }
            let unknown = try await Exchange.http(endpoint, .GET, "/no-such-env/splits")
            #expect(unknown.status == 404)
            #expect(unknown.json?["detail"] == "unknown environment 'no-such-env'", "\(unknown.body)")
        }
    }

    @Test("54 · task request bodies are validated first: missing split or index, extra keys → 422 at body.<field>")
    func taskBodies() async throws {
        let profile = await ServerUnderTest.protocolProfile()
        guard profile.taskAPI else { return }
        try await ServerUnderTest.withServer { endpoint in
            let name = try #require(try await Exchange.http(endpoint, .GET, "/list_environments").json?.arrayValue?.first?.stringValue)
            let cases: [(path: String, body: String?, located: [JSONValue], type: String)] = [
                ("/\(name)/tasks", "{}", ["body", "split"], "missing"),
                ("/\(name)/num_tasks", "{}", ["body", "split"], "missing"),
                ("/\(name)/task", #"{"split":"test"}"#, ["body", "index"], "missing"),
                ("/\(name)/task_range", #"{"split":"test","bogus":1}"#, ["body", "bogus"], "extra_forbidden"),
                ("/\(name)/tasks", nil, ["body"], "missing"),
                // Validation comes before the name: an unknown environment with a bad body is a 422.
                ("/no-such-env/tasks", "{}", ["body", "split"], "missing"),
            ]
            for item in cases {
                let reply = try await Exchange.http(endpoint, .POST, item.path, body: item.body)
                #expect(reply.status == 422, "\(item.path) \(item.body ?? "(no body)") → \(reply.status) \(reply.body)")
                let issues = reply.json?["detail"]?.arrayValue ?? []
                #expect(
                    issues.contains { $0["loc"]?.arrayValue == item.located && $0["type"]?.stringValue == item.type },
                    "\(item.path): \(reply.body)"
                )
            }
            let valid = try await Exchange.http(endpoint, .POST, "/\(name)/task", body: #"{"split":"test","index":0}"#)
            #expect([200, 400, 501].contains(valid.status), "a valid body is answered by the environment: \(valid.body)")
        }
    }
}
