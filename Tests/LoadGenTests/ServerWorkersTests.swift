import Foundation
import LoadGen
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `openenv-server --workers N`: N processes on one port, each serving its share of sessions.
@Suite("openenv-server --workers", .serialized, .timeLimit(.minutes(2)))
struct ServerWorkersTests {
    /// A running `openenv-server --workers 2` on a free loopback port, and its log.
    private struct RunningServer {
        let process: Process
        let port: Int
        let log: URL
    }

    private func startServer(workers: Int) async throws -> RunningServer {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("openenv-workers-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = try builtExecutable("openenv-server")
        process.arguments = ["--host", "127.0.0.1", "--port", "0", "--workers", String(workers)]
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = process.standardOutput
        try process.run()
        for _ in 0..<200 {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            let ports = text.split(separator: "\n").compactMap { line in
                line.split(separator: "Listening on 127.0.0.1:").dropFirst().first.flatMap { Int($0) }
            }
            if ports.count == workers, let port = ports.first {
                #expect(Set(ports).count == 1, "every worker listens on the same port: \(text)")
                return RunningServer(process: process, port: port, log: log)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.terminate()
        throw ServerNeverListened(log: (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }

    private struct ServerNeverListened: Error { let log: String }

    private func isAlive(_ pid: Int) -> Bool { kill(pid_t(pid), 0) == 0 }

    /// Runs `body` with a started server, which is killed and its log removed afterwards,
    /// also when an expectation throws early.
    private func withServer(workers: Int, _ body: (RunningServer) async throws -> Void) async throws {
        let server = try await startServer(workers: workers)
        defer {
            kill(server.process.processIdentifier, SIGKILL)
            try? FileManager.default.removeItem(at: server.log)
        }
        try await body(server)
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

            server.process.terminate()
            try await waitForExit(server.process, within: .seconds(10))
            #expect(server.process.terminationStatus == 0)
            let worker = try #require(pids.first { $0 != Int(server.process.processIdentifier) })
            #expect(!isAlive(worker), "the worker \(worker) stopped with the supervisor")
        }
    }

    @Test("a worker whose supervisor is killed outright does not live on holding the port")
    func orphanedWorkerStops() async throws {
        try await withServer(workers: 2) { server in
            let rows = await burst(32, against: server)
            let worker = try #require(rows.map(\.pid).first { $0 != Int(server.process.processIdentifier) })
            kill(server.process.processIdentifier, SIGKILL)
            try await waitForExit(server.process, within: .seconds(10))
            for _ in 0..<200 where isAlive(worker) { try await Task.sleep(for: .milliseconds(50)) }
            #expect(!isAlive(worker), "worker \(worker) exits once its supervisor is gone")
        }
    }
}
