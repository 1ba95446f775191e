import EnvServer
import Logging
import LoadGen
import ServiceLifecycle

/// Runs `body` against an in-process server bound to 127.0.0.1 on a free port, then shuts the
/// server down gracefully — whether `body` returned or threw.
///
/// ```swift
/// try await withTestServer(ServerConfiguration(maxConcurrentEnvs: 2)) { endpoint, server in
///     #expect(server.slots.activeCount == 0)
/// }
/// ```
public func withTestServer<Result: Sendable>(
    _ configuration: ServerConfiguration = ServerConfiguration(),
    _ body: (ServerEndpoint, OpenEnvServer) async throws -> Result
) async throws -> Result {
    var configuration = configuration
    configuration.host = "127.0.0.1"
    configuration.port = 0
    var logger = Logger(label: "openenv-test-server")
    logger.logLevel = .critical
    let server = OpenEnvServer(configuration: configuration, logger: logger)
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    let application = server.makeApplication { port in
        portContinuation.yield(port)
    }
    let services = ServiceGroup(
        configuration: .init(services: [application], gracefulShutdownSignals: [], logger: logger))
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            // If the server cannot start, end the port stream so the caller fails instead of waiting.
            defer { portContinuation.finish() }
            try await services.run()
        }
        var portIterator = ports.makeAsyncIterator()
        guard let port = await portIterator.next() else {
            try await group.waitForAll()
            throw TestServerError(description: "the test server stopped before it bound a port")
        }
        let result: Swift.Result<Result, any Error>
        do {
            result = .success(try await body(ServerEndpoint(host: "127.0.0.1", port: port), server))
        } catch {
            result = .failure(error)
        }
        await services.triggerGracefulShutdown()
        try await group.waitForAll()
        return try result.get()
    }
}

/// The test server could not be started.
public struct TestServerError: Error, CustomStringConvertible {
    public let description: String
}
