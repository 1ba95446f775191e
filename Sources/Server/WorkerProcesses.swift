#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Logging
import ServiceLifecycle

/// The extra processes of `openenv-server --workers N`: copies of this executable that listen
/// on the same port (`SO_REUSEPORT`, see ``SharedPortListener``), so the kernel spreads
/// connections over N processes. One process is capped by its file-descriptor limit (20,000
/// here) and its share of the cores; N processes are not. Each reports its own `pid`.
///
/// The first process serves too and supervises: the workers start once it knows its port (so
/// port 0 works), get SIGTERM when it shuts down, and die with it if it is killed. A worker
/// that fails (non-zero exit) is a fault: the others are stopped and the server fails loudly rather
/// than serving at part strength unnoticed.
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
        var pids: [pid_t] = []
        defer { pids.forEach { kill($0, SIGTERM) } }  // harmless for workers that already exited
        for index in 1...count {
            let worker = Process()
            worker.executableURL = URL(fileURLWithPath: Self.executablePath)
            worker.arguments = arguments + ["--port", String(port)]
            var environment = ProcessInfo.processInfo.environment
            environment[Self.parentVariable] = String(getpid())
            worker.environment = environment
            worker.terminationHandler = { exited.yield(WorkerExit(pid: $0.processIdentifier, status: $0.terminationStatus)) }
            try worker.run()
            pids.append(worker.processIdentifier)
            logger.info("Started worker \(index) of \(count) (pid \(worker.processIdentifier)) on port \(port)")
        }
        let workers = pids
        try await withGracefulShutdownHandler {
            var running = Set(workers)
            for await exit in exits {
                running.remove(exit.pid)
                // A clean exit is a worker told to stop (e.g. SLURM or systemd signalling every
                // process at once): the supervisor follows once all have. Anything else is a fault.
                guard Task.isShuttingDownGracefully || exit.status == 0 else { throw exit }
                if running.isEmpty { return }
            }
        } onGracefulShutdown: {
            workers.forEach { kill($0, SIGTERM) }
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
struct WorkerExit: Error, CustomStringConvertible {
    let pid: pid_t
    let status: Int32
    var description: String { "worker pid \(pid) exited with status \(status) while serving" }
}
