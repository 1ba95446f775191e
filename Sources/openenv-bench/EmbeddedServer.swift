import BenchmarkEnvironment
import EnvClient
import EnvProtocol
import EnvServer
import Foundation
import Logging

/// The embedded Swift server that `run` and `capacity` start when no `--url` is given: the
/// benchmark environment on a free loopback port, announced with its ready line.
enum EmbeddedServer {
    static func withRunning(capacity: Int, _ body: (ServerEndpoint) async throws -> Void) async throws {
        var logger = Logger(label: "openenv-bench.embedded-server")
        logger.logLevel = .error
        let server = OpenEnvServer(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0, maxConcurrentEnvs: capacity),
            environment: .benchmark(),
            logger: logger
        )
        try await server.withRunning { port in
            let endpoint = ServerEndpoint(host: "127.0.0.1", port: port)
            print("Embedded Swift server on \(endpoint.httpURL) (capacity \(capacity))")
            ReadyLine(scheme: "http", host: "127.0.0.1", port: port, pid: Int(getpid())).print()
            try await body(endpoint)
        }
    }
}
