import BenchmarkEnvironment
import EnvServer
import Testing

/// `SO_REUSEPORT` is opt-in: worker processes share a port, unrelated servers do not.
@Suite("Port sharing", .timeLimit(.minutes(1)))
struct SharedPortListenerTests {
    private func configuration(port: Int, reusePort: Bool) -> ServerConfiguration {
        var configuration = ServerConfiguration(host: "127.0.0.1", port: port)
        configuration.reusePort = reusePort
        return configuration
    }

    @Test("a second server on a busy port fails to start instead of silently taking half the load")
    func busyPortIsRefused() async throws {
        _ = try await OpenEnvServer(configuration: configuration(port: 0, reusePort: false), environment: .benchmark()).withRunning { port in
            await #expect(throws: (any Error).self) {
                _ = try await OpenEnvServer(configuration: configuration(port: port, reusePort: false), environment: .benchmark()).withRunning { _ in
                }
            }
        }
    }

    @Test("servers that both ask for port sharing bind the same port")
    func sharedPortIsAccepted() async throws {
        try await OpenEnvServer(configuration: configuration(port: 0, reusePort: true), environment: .benchmark()).withRunning { port in
            let second = try await OpenEnvServer(configuration: configuration(port: port, reusePort: true), environment: .benchmark())
                .withRunning { secondPort in secondPort }
            #expect(second == port)
        }
    }
}
