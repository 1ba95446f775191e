import BenchResults
import Benchmark
import CostGateSupport
import EnvClient
import LoadGen
import Synchronization

/// Whole loopback sessions, one per iteration, as `openenv-bench` runs them (`SessionDriver`):
/// connect → reset → step(wait_seconds 0) → close, against the benchmark environment.
///
/// Malloc counts are per process, so one process cannot tell server from client apart. Two
/// gates give both: the in-process server with the client (the whole session), and the client
/// alone against `openenv-server` in a child process; the server's share is the difference.
func registerSessionBenchmarks() {
    registerSession("session-server+client") { try await InProcessServer.start() }
    registerSession("session-client") { try await ChildServer.start() }
}

private func registerSession(_ name: String, start: @escaping @Sendable () async throws -> any SessionServer) {
    let server = ServerSlot()
    let driver = SessionDriver(mode: .ws, wait: 0, timeout: .seconds(10), batchSize: 1, hardware: "cost-gates")
    let configuration = CostGate.configuration(
        warmup: 5,
        maxIterations: 200,
        maxDuration: .seconds(5),
        setup: { try await server.start(start) },
        teardown: { try await server.shutDown() }
    )
    Benchmark(name, configuration: configuration) { benchmark in
        let endpoint = try server.endpoint()
        for index in benchmark.scaledIterations {
            for _ in 0..<CostGate.repeats {
                let row = await driver.run(requestID: index, endpoint: endpoint, http: nil)
                guard row.success else {
                    throw SessionGateFailure(detail: "\(row.errorType?.rawValue ?? "?"): \(row.errorMessage ?? "")")
                }
            }
        }
    }
}

/// The server of one session benchmark, between its setup and its teardown.
private final class ServerSlot: Sendable {
    private let server = Mutex<(any SessionServer)?>(nil)

    func start(_ start: () async throws -> any SessionServer) async throws {
        let started = try await start()
        server.withLock { $0 = started }
    }

    func endpoint() throws -> ServerEndpoint {
        guard let endpoint = server.withLock({ $0?.endpoint }) else {
            throw SessionGateFailure(detail: "no server: the benchmark's setup did not run")
        }
        return endpoint
    }

    func shutDown() async throws {
        let running = server.withLock { server in
            defer { server = nil }
            return server
        }
        try await running?.shutDown()
    }
}

/// A session of a cost gate failed: its count would not be a session's.
struct SessionGateFailure: Error, CustomStringConvertible {
    let detail: String
    var description: String { "cost-gate session failed: \(detail)" }
}
