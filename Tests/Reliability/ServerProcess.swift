import EnvClient
import EnvProtocol
import EnvTesting
import Foundation
import Testing

/// An `openenv-server` process started by a test, and what it holds, read from outside it
/// (`/proc` and `/metrics`): the endurance suites measure the server alone, not the test
/// process that loads it.
struct ServerProcess: Sendable {
    let pid: Int32
    let endpoint: ServerEndpoint

    /// Starts `openenv-server` on a free loopback port with `arguments`, runs `body`, and stops
    /// it with SIGTERM (killed if still running afterwards, also when `body` throws).
    static func with<Result>(_ arguments: [String], _ body: (ServerProcess) async throws -> Result) async throws -> Result {
        try await LaunchedProcess.with("openenv-server", ["--host", "127.0.0.1", "--port", "0"] + arguments) { launched in
            let ready = try await launched.readyLines(1)[0]
            let server = ServerProcess(pid: launched.pid, endpoint: ServerEndpoint(host: "127.0.0.1", port: ready.port))
            let result = try await body(server)
            launched.send(SIGTERM)
            try await launched.waitForExit()
            return result
        }
    }

    /// Its open descriptors (`/proc/PID/fd`).
    var descriptors: Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? 0
    }

    /// Its resident set in KiB (`VmRSS`), `nil` where there is no procfs.
    var residentKiB: Int? { ReliabilityTests.residentKiB(process: "\(pid)") }

    /// The value of the sample `name` (with its labels) in its `/metrics`; `nil` when absent.
    func metric(_ name: String) async throws -> Double? {
        let reply = try await HTTPProbe.get(endpoint, "/metrics")
        return reply.body.split(separator: "\n")
            .first { $0.hasPrefix(name + " ") }
            .flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    /// Waits until it holds at most `count` descriptors (it closes asynchronously), for up to
    /// `limit`, and returns how many it holds then.
    func descriptors(fallingTo count: Int, within limit: Duration = .seconds(10)) async throws -> Int {
        let deadline = ContinuousClock.now + limit
        while descriptors > count, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(200)) }
        return descriptors
    }
}
