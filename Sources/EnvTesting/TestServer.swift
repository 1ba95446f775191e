public import BenchmarkEnvironment
public import EnvClient
public import EnvProtocol
public import EnvServer
import Logging

/// Runs `body` against an in-process server bound to 127.0.0.1 on a free port, then shuts the
/// server down gracefully — whether `body` returned or threw.
///
/// ```swift
/// try await withTestServer(ServerConfiguration(maxConcurrentEnvs: 2)) { endpoint, server in
///     #expect(server.slots.activeCount == 0)
/// }
/// ```
///
/// - Parameter environment: what the server hosts; default the benchmark environment.
public func withTestServer<Result: Sendable>(
    _ configuration: ServerConfiguration = ServerConfiguration(),
    environment: HostedEnvironment = .benchmark(),
    _ body: (ServerEndpoint, OpenEnvServer) async throws -> Result
) async throws -> Result {
    var configuration = configuration
    configuration.host = "127.0.0.1"
    configuration.port = 0
    var logger = Logger(label: "openenv-test-server")
    logger.logLevel = .critical
    let server = OpenEnvServer(configuration: configuration, environment: environment, logger: logger)
    return try await server.withRunning { port in
        try await body(ServerEndpoint(host: "127.0.0.1", port: port), server)
    }
}
