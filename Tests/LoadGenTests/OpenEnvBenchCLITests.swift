import Foundation
import Testing

/// `openenv-bench` as a user runs it: the built binary, its output, its files and its exit code.
@Suite("openenv-bench CLI", .serialized, .timeLimit(.minutes(2)))
struct OpenEnvBenchCLITests {
    /// Runs the built `openenv-bench` (next to the test bundle) with `arguments`.
    private func bench(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = try builtExecutable("openenv-bench")
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

    /// The report fixtures (`Tests/ReportsTests/Fixtures`) and the checked-in baselines.
    private static let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    private static let tinyRun = tests.appendingPathComponent("ReportsTests/Fixtures/tiny-run").path
    private static let tinyBaseline = tests.appendingPathComponent("ReportsTests/Fixtures/tiny-baseline.json").path
    private static let baselines = tests.deletingLastPathComponent().appendingPathComponent("baselines").path

    @Test("diff prints the regression table and exits 3 on a regression, 0 without one")
    func diff() throws {
        let (status, output) = try bench(["diff", Self.tinyBaseline, Self.tinyRun])
        #expect(status == 3, "\(output)")
        #expect(output.contains("| ws · wait 0.5 s · batch 64 | success | 90.0% |") && output.contains("| regression |"))
        let (clean, cleanOutput) = try bench(["diff", "local-swift", Self.tinyRun, "--baselines-dir", Self.baselines])
        #expect(clean == 0 && cleanOutput.contains("No regression against 'local-swift'."), "\(cleanOutput)")
    }

    @Test("report writes one HTML page; --format markdown prints the tables; log-entry prints the template")
    func reportAndLogEntry() throws {
        let directory = temporaryDirectory()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = directory.appendingPathComponent("report.html")
        let (status, output) = try bench([
            "report", "mine=\(Self.tinyRun)", "--baseline", "slurm-multi", "--baselines-dir", Self.baselines, "--cores", "2",
            "-o", page.path,
        ])
        #expect(status == 0, "\(output)")
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(html.contains("id=\"fig-comparison\"") && html.contains("mine") && html.contains("slurm-multi"))
        let (_, markdown) = try bench(["report", Self.tinyRun, "--format", "markdown"])
        #expect(markdown.contains("| tiny-run | ws | 0.5 | 16 | 0.80s | 100% | 16.0 |"), "\(markdown)")
        let (_, entry) = try bench(["log-entry", Self.tinyRun, "--infra", "local-test"])
        #expect(entry.hasPrefix("## Run: 2026-11-20-local-test\n"), "\(entry)")
    }

    @Test("report and diff reject what they cannot read, naming it", arguments: [
        (["report", "/nonexistent-results"], "no summary.csv"), (["diff", "no-such-baseline", "/tmp"], "no baseline 'no-such-baseline'"),
        (["report", "--baseline", "local-swift", "--compare", "a"], "--compare takes two names"),
    ])
    func unreadable(arguments: [String], message: String) throws {
        let (status, output) = try bench(arguments)
        #expect(status != 0 && status != 3, "\(output)")
        #expect(output.contains(message), "\(output)")
    }
}

/// A fresh directory name under the temporary directory.
func temporaryDirectory() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("openenv-cli-\(UUID().uuidString)")
}
