import EnvClient
import EnvProtocol
import EnvTesting
import Foundation
import Testing

/// `openenv-server` as a script runs it: the ready line, and the exit code of each failure kind.
@Suite("openenv-server CLI", .serialized, .timeLimit(.minutes(2)))
struct ServerCLITests {
    @Test("--port 0 prints one ready line naming the bound port and pid; SIGTERM exits 0")
    func readyLine() async throws {
        try await LaunchedProcess.with("openenv-server", ["--host", "127.0.0.1", "--port", "0"]) { server in
            let ready = try await server.readyLines(1)
            #expect(ready.count == 1 && ready[0].port > 0 && ready[0].pid == Int(server.pid), "\(ready)")
            #expect(ready[0].url == "http://127.0.0.1:\(ready[0].port)")
            let health = try await HTTPProbe.get(try ServerEndpoint(parsing: ready[0].url), "/health")
            #expect(health.status == 200)
            server.send(SIGTERM)
            #expect(try await server.waitForExit(within: .seconds(10)) == 0)
        }
    }

    @Test("a bad environment variable is a runtime error: exit 1, one line naming it")
    func badEnvironmentVariable() async throws {
        var environment = ProcessInfo.processInfo.environment
        environment["PORT"] = "http"
        let (status, output) = try await LaunchedProcess.run("openenv-server", ["--host", "127.0.0.1"], environment: environment)
        #expect(status == 1, "\(output)")
        #expect(output.contains("The value 'http' is invalid for 'PORT': expected an integer in 0...65535"), "\(output)")
        #expect(!output.contains("USAGE:") && !output.contains("Usage:"), "\(output)")
    }

    @Test("a bad flag is a usage error: exit 64")
    func badFlag() async throws {
        for value in ["70000", "http"] {
            let (status, output) = try await LaunchedProcess.run("openenv-server", ["--port", value])
            #expect(status == 64, "\(output)")
            #expect(output.contains("The value '\(value)' is invalid for '--port <port>': expected an integer in 0...65535"), "\(output)")
        }
    }
}
