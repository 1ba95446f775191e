import Foundation
import Testing

/// `openenv-bench` as a user runs it: the built binary, its output, its files and its exit code.
@Suite("openenv-bench CLI", .serialized, .timeLimit(.minutes(2)))
struct OpenEnvBenchCLITests {
    /// Runs the built `openenv-bench` (next to the test bundle) with `arguments`.
    private func bench(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = try openEnvBenchBinary()
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    @Test("with no --url it serves itself, sweeps, prints the table and writes the files")
    func embeddedServer() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (status, output) = try bench(["--requests-grid", "4,8", "-w", "0.05", "--reps", "2", "-o", directory.path])
        #expect(status == 0, "\(output)")
        #expect(output.contains("Embedded Swift server on http://127.0.0.1:"))
        #expect(output.contains("[4/4] [WS] N=8"))
        #expect(output.contains("ws wait=0.05s: max batch 8, latency-bounded 8"))
        let raw = try String(contentsOf: directory.appendingPathComponent("raw.jsonl"), encoding: .utf8)
        #expect(raw.split(separator: "\n").count == (4 + 8) * 2)
        let summary = try String(contentsOf: directory.appendingPathComponent("summary.csv"), encoding: .utf8)
        #expect(summary.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 5)
    }

    @Test("a broken threshold exits 3 and says which run broke it")
    func thresholds() throws {
        let (status, output) = try bench(["-n", "4", "-w", "0.05", "--max-p99", "0.001"])
        #expect(status == 3, "\(output)")
        #expect(output.contains("Checks failed:") && output.contains("ws N=4 wait=0.05s rep=1: p99"))
    }

    @Test("a server that is not there: every session is a ConnectionRefused row, and --min-success fails")
    func refused() throws {
        let (status, output) = try bench(["--url", "http://127.0.0.1:1", "-n", "3", "-v", "--min-success", "0.95"])
        #expect(status == 3, "\(output)")
        #expect(output.contains("0/3 success"))
        #expect(output.components(separatedBy: "ConnectionRefused").count == 4, "one line per failed session")
    }

    @Test("--expected-hosts warns when fewer hosts served a run; --require-hosts makes it fail")
    func hostChecks() throws {
        let (warned, warning) = try bench(["-n", "4", "-w", "0", "--expected-hosts", "2"])
        #expect(warned == 0 && warning.contains("warning: run 1: 1 distinct host_url values served it, expected 2"))
        let (failed, failure) = try bench(["-n", "4", "-w", "0", "--expected-hosts", "2", "--require-hosts"])
        #expect(failed == 3 && failure.contains("Checks failed:"), "\(failure)")
    }

    @Test("bad arguments are rejected before anything runs", arguments: [
        ["--requests-grid", "1,x"], ["--hold"], ["--arrival-rate", "5"], ["--url", "ftp://host"], ["-n", "0"],
    ])
    func badArguments(arguments: [String]) throws {
        let (status, output) = try bench(arguments)
        #expect(status != 0 && status != 3, "\(output)")
        #expect(!output.contains("Sweep:"), "nothing ran")
    }
}

/// The built `openenv-bench`, next to the test bundle.
func openEnvBenchBinary() throws -> URL {
    let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let candidates = [directory, directory.deletingLastPathComponent()].map { $0.appendingPathComponent("openenv-bench") }
    return try #require(
        candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) },
        "openenv-bench is built next to the tests (swift build)")
}

/// A fresh directory name under the temporary directory.
func temporaryDirectory() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("openenv-cli-\(UUID().uuidString)")
}
