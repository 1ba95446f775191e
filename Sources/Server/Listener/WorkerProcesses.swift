package import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The extra processes of `openenv-server --workers N`: copies of this executable that listen
/// on the same port (`SO_REUSEPORT`, see ``SharedPortListener``), so the kernel spreads
/// connections over N processes. One process is capped by its file-descriptor limit (20,000
/// here) and its share of the cores; N processes are not. Each reports its own `pid`.
///
/// The first process serves too and supervises: the workers start once it knows its port (so
/// port 0 works), get SIGTERM when it shuts down, and die with it if it is killed. A worker that
/// dies (a signal such as SIGKILL, or a non-zero exit) is restarted, as uvicorn and gunicorn do,
/// so the other processes' sessions are unaffected: after 0.5 s, doubling for each crash in a
/// row up to 30 s. A worker that keeps dying within ``CrashLoop/quickDeath`` of its start
/// ``CrashLoop/limit`` times in a row is a crash loop: the server stops and fails loudly
/// rather than spin. A worker that exits cleanly (status 0) was told to stop (SLURM or systemd
/// signalling every process), and the supervisor follows once all have.
public struct WorkerProcesses: Service {
    /// Set in a worker's environment to the supervisor's pid.
    public static let parentVariable = "OPENENV_WORKER_PARENT_PID"

    let count: Int
    let arguments: [String]
    let boundPort: @Sendable () async -> Int?
    let logger: Logger

    /// - Parameters:
    ///   - count: processes to start besides this one.
    ///   - arguments: this executable's arguments; the workers get them plus `--port <bound port>`.
    ///   - boundPort: waits for this process's bound port; `nil` if it never bound.
    public init(count: Int, arguments: [String], logger: Logger, boundPort: @escaping @Sendable () async -> Int?) {
        self.count = count
        self.arguments = arguments
        self.boundPort = boundPort
        self.logger = logger
    }

    public func run() async throws {
        guard count > 0, let port = await boundPort() else { return }
        let (exits, exited) = AsyncStream.makeStream(of: WorkerExit.self)
        let live = LiveWorkers()
        defer { live.signalAll(SIGTERM) }  // harmless for workers that already exited
        let start = { @Sendable (slot: Int) throws in
            let worker = Process()
            worker.executableURL = URL(fileURLWithPath: Self.executablePath)
            worker.arguments = arguments + ["--port", String(port)]
            var environment = ProcessInfo.processInfo.environment
            environment[Self.parentVariable] = String(getpid())
            worker.environment = environment
            let started = ContinuousClock.now
            worker.terminationHandler = { process in
                exited.yield(
                    WorkerExit(
                        slot: slot,
                        pid: process.processIdentifier,
                        status: process.terminationStatus,
                        bySignal: process.terminationReason == .uncaughtSignal,
                        lived: ContinuousClock.now - started
                    )
                )
            }
            try worker.run()
            live.started(worker.processIdentifier, slot: slot)
            logger.info("Started worker \(slot) of \(count) (pid \(worker.processIdentifier)) on port \(port)")
        }
        for slot in 1...count { try start(slot) }
        try await withGracefulShutdownHandler {
            var crashes = CrashLoop()
            for await exit in exits {
                live.exited(exit.pid)
                if Task.isShuttingDownGracefully || (exit.status == 0 && !exit.bySignal) {
                    if live.isEmpty { return }
                    continue
                }
                guard let delay = crashes.record(exit) else {
                    logger.error("\(exit); crash loop: stopping the server")
                    throw WorkerCrashLoop(last: exit, restarts: CrashLoop.limit)
                }
                logger.error("\(exit); restarting it in \(delay)")
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: delay) }
                if Task.isShuttingDownGracefully { continue }
                try start(exit.slot)
            }
        } onGracefulShutdown: {
            live.signalAll(SIGTERM)
        }
    }

    /// Call first thing in a worker: it shuts down gracefully when its supervisor is gone,
    /// instead of living on as an orphan holding the port. No-op in a process that is not a worker.
    public static func bindLifetimeToSupervisor() {
        guard let parent = ProcessInfo.processInfo.environment[parentVariable].flatMap(Int32.init) else { return }
        // A dead parent reparents us; checking once a second is cheap and needs no C shim
        // (prctl(PR_SET_PDEATHSIG) is variadic, so Swift cannot call it).
        Task.detached {
            while getppid() == parent {
                try? await Task.sleep(for: .seconds(1))
            }
            kill(getpid(), SIGTERM)
        }
    }

    /// This executable, by its real path so `ps` shows workers by name.
    static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// Whether this process was started by a supervisor as one of its workers.
    public static var isWorker: Bool { ProcessInfo.processInfo.environment[parentVariable] != nil }
}

/// A worker exited while the server was not shutting down.
package struct WorkerExit: Error, CustomStringConvertible {
    let slot: Int
    let pid: pid_t
    /// The exit status, or the signal's number when `bySignal`.
    let status: Int32
    let bySignal: Bool
    let lived: Duration

    package init(slot: Int, pid: pid_t, status: Int32, bySignal: Bool, lived: Duration) {
        self.slot = slot
        self.pid = pid
        self.status = status
        self.bySignal = bySignal
        self.lived = lived
    }

    package var description: String {
        "worker \(slot) (pid \(pid)) " + (bySignal ? "was killed by signal \(status)" : "exited with status \(status)")
            + " while serving, after \(lived.formatted(.units(allowed: [.seconds, .milliseconds], width: .narrow)))"
    }
}

/// Restart delays per worker slot, and when to give up.
package struct CrashLoop {
    /// Deaths in a row, each this soon after its start, make a crash loop.
    package static let quickDeath: Duration = .seconds(10)
    package static let limit = 5
    private var quickDeaths: [Int: Int] = [:]

    package init() {}

    /// The delay before restarting `exit`'s slot, or `nil` for a crash loop.
    package mutating func record(_ exit: WorkerExit) -> Duration? {
        let inARow = exit.lived < Self.quickDeath ? quickDeaths[exit.slot, default: 0] + 1 : 1
        quickDeaths[exit.slot] = exit.lived < Self.quickDeath ? inARow : 0
        if inARow >= Self.limit { return nil }
        return min(.milliseconds(500) * (1 << (inARow - 1)), .seconds(30))
    }
}

/// A worker slot died ``CrashLoop/limit`` times in a row, each soon after it started.
struct WorkerCrashLoop: Error, CustomStringConvertible {
    let last: WorkerExit
    let restarts: Int
    var description: String {
        "worker \(last.slot) died \(restarts) times in a row within \(CrashLoop.quickDeath) of starting (last: \(last)); not restarting it again"
    }
}

/// The pids of the running workers, for signalling them from the shutdown handler.
final class LiveWorkers: Sendable {
    private let pids = Mutex<[pid_t: Int]>([:])

    func started(_ pid: pid_t, slot: Int) { pids.withLock { $0[pid] = slot } }
    func exited(_ pid: pid_t) { _ = pids.withLock { $0.removeValue(forKey: pid) } }
    var isEmpty: Bool { pids.withLock { $0.isEmpty } }
    func signalAll(_ signal: Int32) { for pid in pids.withLock({ Array($0.keys) }) { kill(pid, signal) } }
}
