import Foundation
import Testing

/// An executable of this package, built next to the test bundle (`swift build` or `swift test`).
func builtExecutable(_ name: String) throws -> URL {
    let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let candidates = [directory, directory.deletingLastPathComponent()].map { $0.appendingPathComponent(name) }
    return try #require(
        candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) },
        "\(name) is built next to the tests (swift build)")
}
