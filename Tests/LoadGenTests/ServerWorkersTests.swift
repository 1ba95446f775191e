import EnvTesting
import Foundation
import BenchResults
import EnvClient
import LoadGen
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `openenv-server --workers N`: N processes on one port, each serving its share of sessions.
@Suite("openenv-server --workers", .serialized, .timeLimit(.minutes(2)))
struct ServerWorkersTests {
    /// A running `openenv-server --workers N` on a free loopback port.
    private struct RunningServer {
        let launched: LaunchedProcess
        let port: Int
        var process: Process { launched.process }
    }

    private func isAlive(_ pid: Int) -> Bool { kill(pid_t(pid), 0) == 0 }

    /// Runs `body` with a started server (port 0, read back from the ready lines), which is
    /// killed afterwards, also when an expectation throws early.
    private func withServer(workers: Int, _ body: (RunningServer) async throws -> Void) async throws {
        try await LaunchedProcess.with(
            "openenv-server", ["--host", "127.0.0.1", "--port", "0", "--workers", String(workers)]
        ) { launched in
            let ready = try await launched.readyLines(workers)
            #expect(Set(ready.map(\.port)).count == 1, "every worker listens on the same port: \(ready)")
            #expect(Set(ready.map(\.pid)).count == workers, "each process prints its own pid: \(ready)")
            try await body(RunningServer(launched: launched, port: ready[0].port))
        }
    }

    /// A burst of `count` sessions (reset, step with no wait) against the server's port.
    private func burst(_ count: Int, against server: RunningServer) async -> [SessionResult] {
        let driver = SessionDriver(mode: .ws, wait: 0, timeout: .seconds(20), batchSize: count, hardware: "test")
        return await Burst(
            endpoints: [ServerEndpoint(host: "127.0.0.1", port: server.port)], sessions: count, driver: driver
        ).run().results
    }

    @Test("two workers share one port: sessions are served by both pids; SIGTERM stops both")
    func sharedPort() async throws {
        try await withServer(workers: 2) { server in
            let rows = await burst(64, against: server)
            #expect(rows.count == 64 && rows.allSatisfy(\.success))
            let pids = Set(rows.map(\.pid))
            // The kernel hashes each connection to a listener: 64 landing on one of two is 2⁻⁶³ unlikely.
            #expect(pids.count == 2, "pids that served: \(pids)")
            #expect(pids.contains(Int(server.process.processIdentifier)), "the supervisor serves too")

            server.launched.send(SIGTERM)
            #expect(try await server.launched.waitForExit(within: .seconds(10)) == 0)
            let worker = try #require(pids.first { $0 != Int(server.process.processIdentifier) })
            #expect(!isAlive(worker), "the worker \(worker) stopped with the supervisor")
        }
    }

    @Test("a worker whose supervisor is killed outright does not live on holding the port")
    func orphanedWorkerStops() async throws {
        try await withServer(workers: 2) { server in
            let rows = await burst(32, against: server)
            let worker = try #require(rows.map(\.pid).first { $0 != Int(server.process.processIdentifier) })
            server.launched.send(SIGKILL)
            try await server.launched.waitForExit(within: .seconds(10))
            for _ in 0..<200 where isAlive(worker) { try await Task.sleep(for: .milliseconds(50)) }
            #expect(!isAlive(worker), "worker \(worker) exits once its supervisor is gone")
        }
    }
}
