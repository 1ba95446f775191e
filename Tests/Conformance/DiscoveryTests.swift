import EnvClient
import EnvProtocol
import EnvTesting
import Testing

/// PROTOCOL.md §5, cases 1–5: discovery endpoints.
///
/// Runs against an in-process server, or `OPENENV_URL` when set.
@Suite("Discovery", .serverHoldsTheSuites, .timeLimit(.minutes(2)))
struct DiscoveryTests {
    @Test("1 · GET /health → 200 healthy")
    func health() async throws {
        try await ServerUnderTest.withServer { endpoint in
            let reply = try await Exchange.http(endpoint, .GET, "/health")
            #expect(reply.status == 200)
            #expect(reply.json?["status"] == "healthy")
        }
    }

    @Test("2 · GET /metadata → name and description strings")
    func metadata() async throws {
        try await ServerUnderTest.withServer { endpoint in
            let reply = try await Exchange.http(endpoint, .GET, "/metadata")
            #expect(reply.status == 200)
            #expect(reply.json?["name"]?.stringValue != nil)
            #expect(reply.json?["description"]?.stringValue != nil)
        }
    }

    @Test("3 · GET /schema → action, observation, state schemas (the benchmark's action lists wait_seconds)")
    func schema() async throws {
        let isBenchmark = await EnvironmentUnderTest.current().isBenchmark
        try await ServerUnderTest.withServer { endpoint in
            let reply = try await Exchange.http(endpoint, .GET, "/schema")
            #expect(reply.status == 200)
            let schema = try #require(reply.json)
            for part in ["action", "observation", "state"] {
                #expect(schema[part]?.objectValue != nil, "\(part) is a JSON Schema object")
            }
            if isBenchmark { #expect(schema["action"]?["properties"]?["wait_seconds"] != nil) }
        }
    }

    @Test("4 · GET /openapi.json → version 1.x, paths /reset /step /state")
    func openAPI() async throws {
        try await ServerUnderTest.withServer { endpoint in
            let reply = try await Exchange.http(endpoint, .GET, "/openapi.json")
            #expect(reply.status == 200)
            let document = try #require(reply.json)
            #expect(document["info"]?["version"]?.stringValue?.hasPrefix("1.") == true)
            for path in ["/reset", "/step", "/state"] {
                #expect(document["paths"]?[path] != nil, "paths include \(path)")
            }
        }
    }

    @Test("5 · GET unknown path → 404 with a JSON body")
    func unknownPath() async throws {
        try await ServerUnderTest.withServer { endpoint in
            let reply = try await Exchange.http(endpoint, .GET, "/no-such-path")
            #expect(reply.status == 404)
            #expect(reply.json?.objectValue != nil, "body: \(reply.body)")
        }
    }
}
