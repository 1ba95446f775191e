import EnvClient
import EnvProtocol
import EnvTesting
import Foundation

/// The release `openenv-server` built next to this executable, in a child process on
/// 127.0.0.1 port 0: a session against it counts only the client's mallocs in this process.
///
/// `@unchecked Sendable`: the launched process is only read after `start()` returned and is
/// stopped once, from the benchmark's teardown; the benchmark runner runs those in order.
final class ChildServer: @unchecked Sendable {
    let endpoint: ServerEndpoint
    private let process: LaunchedProcess

    private init(endpoint: ServerEndpoint, process: LaunchedProcess) {
        self.endpoint = endpoint
        self.process = process
    }

    /// Returns once the server printed its ready line.
    static func start() async throws -> ChildServer {
        // Next to this executable (/proc/self/exe): the runner does not start it by its path.
        let directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        let process = try LaunchedProcess(
            executable: directory.appendingPathComponent("openenv-server"),
            ["--host", "127.0.0.1", "--port", "0"]
        )
        let ready = try await process.readyLines(1, within: .seconds(30))[0]
        return ChildServer(endpoint: ServerEndpoint(host: "127.0.0.1", port: ready.port), process: process)
    }

    /// SIGTERM, which the server answers with a graceful stop; SIGKILL after 30 s.
    func shutDown() async throws {
        process.send(SIGTERM)
        let deadline = ContinuousClock.now + .seconds(30)
        while process.process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        if process.process.isRunning { process.send(SIGKILL) }
    }
}
