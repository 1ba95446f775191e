import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// An executable of this package, built next to the test bundle (`swift build` or `swift test`).
func builtExecutable(_ name: String) throws -> URL {
    let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let candidates = [directory, directory.deletingLastPathComponent()].map { $0.appendingPathComponent(name) }
    return try #require(
        candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) },
        "\(name) is built next to the tests (swift build)")
}

/// Waits for `process` to exit without blocking a thread; past `limit` it is killed and the
/// test fails, so a broken signal path fails instead of hanging the suite.
func waitForExit(_ process: Process, within limit: Duration = .seconds(60)) async throws {
    let deadline = ContinuousClock.now + limit
    while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
    if process.isRunning {
        kill(process.processIdentifier, SIGKILL)
        Issue.record("pid \(process.processIdentifier) did not exit within \(limit)")
        process.waitUntilExit()
    }
}
