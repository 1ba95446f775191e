public import EnvProtocol
public import Foundation
public import Testing

#if canImport(Glibc)
import Glibc
#endif

/// An executable of this package (or any program) started by a test: its standard output and
/// error go to one temporary file, so a test can wait for its ready line (``ReadyLine``) or any
/// text, send it signals, and read its exit status, without pipes that fill up or fixed ports.
/// Its standard input is `/dev/null`, and it starts with no signal blocked, as from a shell.
///
/// ```swift
/// try await LaunchedProcess.with("openenv-server", ["--host", "127.0.0.1", "--port", "0"]) { server in
///     let ready = try await server.readyLines(1)[0]   // listening http://127.0.0.1:PORT pid=N
/// }
/// ```
public final class LaunchedProcess {
    public let process: Process
    /// Where standard output and standard error are written.
    public let log: URL

    /// Starts `product` (built next to the test bundle by `swift build` / `swift test`).
    ///
    /// - Parameter directory: its working directory (default this process's).
    public convenience init(
        _ product: String,
        _ arguments: [String],
        environment: [String: String]? = nil,
        directory: URL? = nil
    ) throws {
        try self.init(
            executable: try Self.builtExecutable(product),
            arguments,
            environment: environment,
            directory: directory
        )
    }

    /// Starts any program, e.g. `script` or `tmux` to run a product under a pseudo-terminal.
    ///
    /// - Parameter directory: its working directory (default this process's).
    public init(
        executable: URL,
        _ arguments: [String],
        environment: [String: String]? = nil,
        directory: URL? = nil
    ) throws {
        log = FileManager.default.temporaryDirectory.appendingPathComponent(
            "openenv-\(executable.lastPathComponent)-\(UUID().uuidString).log"
        )
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = directory }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handle
        process.standardError = handle
        // A child inherits the signal mask of the thread that spawns it, and Swift concurrency's
        // threads block every signal: programs that handle signals themselves (tmux waits for
        // SIGCHLD) would hang. Spawn with an empty mask, then restore this thread's.
        var empty = sigset_t()
        var previous = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: log)
    }

    /// Runs `body` with the started process, which is killed afterwards if still running, also
    /// when `body` throws.
    public static func with<Result>(
        _ product: String,
        _ arguments: [String],
        environment: [String: String]? = nil,
        _ body: (LaunchedProcess) async throws -> Result
    ) async throws -> Result {
        let launched = try LaunchedProcess(product, arguments, environment: environment)
        defer { if launched.process.isRunning { kill(launched.pid, SIGKILL) } }
        return try await body(launched)
    }

    /// Runs `product` to completion and returns its exit status and output.
    public static func run(
        _ product: String,
        _ arguments: [String],
        environment: [String: String]? = nil,
        directory: URL? = nil,
        within limit: Duration = .seconds(120)
    ) async throws -> (status: Int32, output: String) {
        let launched = try LaunchedProcess(product, arguments, environment: environment, directory: directory)
        let status = try await launched.waitForExit(within: limit)
        return (status, launched.output)
    }

    public var pid: Int32 { process.processIdentifier }

    /// Everything written so far.
    public var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Waits until `count` ready lines were printed (a supervisor and its workers print one
    /// each) and returns them.
    ///
    /// - Throws: ``LaunchFailure`` when the process exits first or `limit` passes.
    public func readyLines(_ count: Int = 1, within limit: Duration = .seconds(60)) async throws -> [ReadyLine] {
        var lines: [ReadyLine] = []
        try await waitFor("\(count) ready line(s)", within: limit) {
            lines = output.split(separator: "\n").compactMap(ReadyLine.init(parsing:))
            return lines.count >= count
        }
        return lines
    }

    /// Waits until the output contains `text`.
    public func waitForOutput(containing text: String, within limit: Duration = .seconds(60)) async throws {
        try await waitFor("'\(text)' in the output", within: limit) { output.contains(text) }
    }

    /// Sends `signal` (e.g. `SIGINT`, `SIGTERM`).
    public func send(_ signal: Int32) {
        kill(pid, signal)
    }

    /// Waits for the process to exit without blocking a thread and returns its status; past
    /// `limit` it is killed and the test fails, so a broken signal path fails instead of hanging.
    @discardableResult
    public func waitForExit(
        within limit: Duration = .seconds(60),
        sourceLocation: SourceLocation = #_sourceLocation
    )
        async throws -> Int32
    {
        let deadline = ContinuousClock.now + limit
        while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning {
            kill(pid, SIGKILL)
            Issue.record("pid \(pid) did not exit within \(limit); output:\n\(output)", sourceLocation: sourceLocation)
            process.waitUntilExit()
        }
        return process.terminationStatus
    }

    private func waitFor(_ what: String, within limit: Duration, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + limit
        while !condition() {
            if !process.isRunning, !condition() {
                throw LaunchFailure(product: process.executableURL?.lastPathComponent ?? "?", waitedFor: what, output: output, exited: true)
            }
            guard ContinuousClock.now < deadline else {
                throw LaunchFailure(product: process.executableURL?.lastPathComponent ?? "?", waitedFor: what, output: output, exited: false)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// An executable of this package, built next to the test bundle.
    public static func builtExecutable(_ name: String) throws -> URL {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [directory, directory.deletingLastPathComponent()].map { $0.appendingPathComponent(name) }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw LaunchFailure(product: name, waitedFor: "the executable (run swift build first)", output: "", exited: false)
        }
        return found
    }
}

/// A launched process that exited, or did not say what a test waited for in time.
public struct LaunchFailure: Error, CustomStringConvertible {
    public let product: String
    public let waitedFor: String
    public let output: String
    /// Whether it exited (rather than ran out of time).
    public let exited: Bool

    public var description: String {
        "\(product) \(exited ? "exited" : "timed out") before \(waitedFor); output:\n\(output)"
    }
}
