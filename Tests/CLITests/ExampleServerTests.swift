import EnvClient
import EnvProtocol
import EnvTesting
import Foundation
import Testing

/// Examples/CounterServer, as an environment author runs it: the built binary serves their
/// environment with every protocol rule, from ServerOptions alone.
@Suite("Example: counter-server", .serialized, .timeLimit(.minutes(2)))
struct ExampleServerTests {
    @Test("serves its own environment over HTTP and /ws, validates actions, and stops on SIGTERM")
    func counterServer() async throws {
        try await LaunchedProcess.with("counter-server", ["--host", "127.0.0.1", "--port", "0"]) { server in
            let endpoint = try ServerEndpoint(parsing: try await server.readyLines(1)[0].url)
            let step = try await HTTPProbe.post(endpoint, "/step", body: #"{"action":{"increment":3}}"#)
            #expect(step.status == 200 && step.json?["observation"]?["count"] == 3 && step.json?["reward"] == 3, "\(step.body)")
            let bad = try await HTTPProbe.post(endpoint, "/step", body: #"{"action":{"increment":11}}"#)
            #expect(bad.status == 422, "\(bad.body)")
            let done = try await withSession(endpoint) { session in
                _ = try await session.reset()
                _ = try await session.request(#"{"type":"step","data":{"increment":6}}"#)
                return try await session.request(#"{"type":"step","data":{"increment":4}}"#)
            }
            #expect(done["data"]?["done"] == true && done["data"]?["observation"]?["count"] == 10, "\(done)")
            server.send(SIGTERM)
            #expect(try await server.waitForExit(within: .seconds(10)) == 0)
        }
    }
}
