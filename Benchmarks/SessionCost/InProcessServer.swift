import EnvClient
import EnvServer
import EnvTesting

/// Our server (the benchmark environment) on 127.0.0.1, port 0, in this process, kept running
/// across a benchmark's iterations: started in its setup, shut down gracefully in its teardown.
/// `withTestServer` scopes a server to one closure; this holds that closure open on a task.
final class InProcessServer: Sendable {
    let endpoint: ServerEndpoint
    private let stop: AsyncStream<Void>.Continuation
    private let running: Task<Void, any Error>

    private init(endpoint: ServerEndpoint, stop: AsyncStream<Void>.Continuation, running: Task<Void, any Error>) {
        self.endpoint = endpoint
        self.stop = stop
        self.running = running
    }

    /// Returns once the server listens; throws what kept it from starting.
    static func start() async throws -> InProcessServer {
        let (stopped, stop) = AsyncStream<Void>.makeStream()
        let (listening, announce) = AsyncStream<ServerEndpoint>.makeStream()
        let running = Task {
            defer { announce.finish() }
            try await withTestServer { endpoint, _ in
                announce.yield(endpoint)
                for await _ in stopped {}
            }
        }
        for await endpoint in listening {
            return InProcessServer(endpoint: endpoint, stop: stop, running: running)
        }
        try await running.value
        throw ServerStartError.stoppedBeforeBinding
    }

    func shutDown() async throws {
        stop.finish()
        try await running.value
    }
}
