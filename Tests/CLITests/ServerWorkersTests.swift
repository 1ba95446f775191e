import BenchResults
import EnvClient
import EnvProtocol
import EnvServer
import EnvTesting
import Foundation
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
            "openenv-server",
            ["--host", "127.0.0.1", "--port", "0", "--workers", String(workers)]
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
            endpoints: [ServerEndpoint(host: "127.0.0.1", port: server.port)],
            sessions: count,
            driver: driver
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

    @Test("a worker killed with SIGKILL is restarted; sessions on the other processes are unaffected")
    func killedWorkerRestarts() async throws {
        try await withServer(workers: 3) { server in
            let endpoint = ServerEndpoint(host: "127.0.0.1", port: server.port)
            let supervisor = Int(server.process.processIdentifier)
            let before = try await server.launched.readyLines(3).map(\.pid)
            let victim = try #require(before.first { $0 != supervisor })
            // Sessions held open across the kill: each resets (learning the pid that serves it),
            // waits at the gate while the worker is killed and restarted, then steps.
            let gate = Gate(expected: 24)
            let outcomes = try await withThrowingTaskGroup(of: (pid: Int, stepped: Bool).self) { group in
                for _ in 0..<24 {
                    group.addTask {
                        try await withSession(endpoint) { session in
                            let pid = try await session.reset()["pid"]?.integerValue ?? 0
                            await gate.arriveAndWait()
                            return (pid, (try? await session.step()) != nil)
                        }
                    }
                }
                await gate.allArrived()
                let killedAt = ContinuousClock.now
                kill(pid_t(victim), SIGKILL)
                let after = try await server.launched.readyLines(4, within: .seconds(30)).map(\.pid)
                let restarted = try #require(after.last)
                #expect(!before.contains(restarted) && isAlive(restarted), "a new worker: \(after)")
                print("worker restart: killed pid \(victim), pid \(restarted) serving \(ContinuousClock.now - killedAt) later")
                await gate.open()
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(outcomes.map(\.pid)).count >= 2, "sessions spread over the processes: \(outcomes.map(\.pid))")
            let survivors = outcomes.filter { $0.pid != victim }
            let survivorFailures = survivors.filter { !$0.stepped }.count
            let killedButStepped = outcomes.filter { $0.pid == victim && $0.stepped }.count
            #expect(survivorFailures == 0, "\(survivorFailures) of \(survivors.count) sessions on the surviving processes failed")
            #expect(killedButStepped == 0, "the killed worker's sessions cannot have stepped")
            print("worker restart: \(survivorFailures) of \(survivors.count) surviving sessions failed")
            let failed = await burst(64, against: server).filter { !$0.success }.count
            #expect(failed == 0, "the server serves at full strength again")
        }
    }

    @Test("restarts back off, doubling per quick death in a row; the fifth in a row is a crash loop; a long life resets it")
    func crashLoopBackoff() {
        var loop = CrashLoop()
        let quick = WorkerExit(slot: 1, pid: 10, status: SIGKILL, bySignal: true, lived: .seconds(1))
        let delays = (1..<CrashLoop.limit).map { _ in loop.record(quick) }
        #expect(delays == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4)])
        #expect(loop.record(quick) == nil, "the fifth quick death in a row stops the restarts")
        var other = CrashLoop()
        _ = other.record(quick)
        _ = other.record(quick)
        #expect(other.record(WorkerExit(slot: 1, pid: 11, status: 1, bySignal: false, lived: .seconds(600))) == .milliseconds(500))
        #expect(other.record(WorkerExit(slot: 2, pid: 12, status: 1, bySignal: false, lived: .seconds(1))) == .milliseconds(500), "slots count apart")
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

/// Holds tasks until all have arrived and the test opens it.
private actor Gate {
    let expected: Int
    private var arrived = 0
    private var isOpen = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private var allArrivedWaiters: [CheckedContinuation<Void, Never>] = []

    init(expected: Int) { self.expected = expected }

    func arriveAndWait() async {
        arrived += 1
        if arrived == expected {
            for waiter in allArrivedWaiters { waiter.resume() }
        }
        if isOpen { return }
        await withCheckedContinuation { waiting.append($0) }
    }

    func allArrived() async {
        if arrived >= expected { return }
        await withCheckedContinuation { allArrivedWaiters.append($0) }
    }

    func open() {
        isOpen = true
        for waiter in waiting { waiter.resume() }
        waiting = []
    }
}
