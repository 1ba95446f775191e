import BenchResults
import EnvClient
import EnvProtocol
import EnvTesting
import Foundation
import Testing

/// `openenv-bench` as a user runs it: the built binary, its output, its files and its exit code.
@Suite("openenv-bench CLI", .serialized, .timeLimit(.minutes(2)))
struct OpenEnvBenchCLITests {
    /// Runs the built `openenv-bench` (next to the test bundle) with `arguments`.
    private func bench(
        _ arguments: [String],
        environment: [String: String]? = nil,
        directory: URL? = nil
    ) async throws -> (status: Int32, output: String) {
        try await LaunchedProcess.run("openenv-bench", arguments, environment: environment, directory: directory)
    }

    @Test("with no --url it serves itself, sweeps, prints the table and writes the files")
    func embeddedServer() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (status, output) = try await bench(["--requests-grid", "4,8", "-w", "0.05", "--reps", "2", "-o", directory.path])
        #expect(status == 0, "\(output)")
        #expect(output.contains("Embedded Swift server on http://127.0.0.1:"))
        #expect(output.contains("[4/4] [WS] N=8"))
        #expect(output.contains("ws wait=0.05s: max batch 8, latency-bounded 8"))
        let raw = try String(contentsOf: directory.appendingPathComponent("raw.jsonl"), encoding: .utf8)
        #expect(raw.split(separator: "\n").count == (4 + 8) * 2)
        let summary = try String(contentsOf: directory.appendingPathComponent("summary.csv"), encoding: .utf8)
        #expect(summary.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 5)
    }

    @Test("--summary-json: every run of summary.csv with the same figures, the capacity analysis, the verdicts")
    func summaryJSON() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathExtension("json")
        defer { try? FileManager.default.removeItem(at: file) }
        let (status, output) = try await bench([
            "--requests-grid", "4,8", "-w", "0.05", "--reps", "2", "--cores", "2", "-o", directory.path,
            "--summary-json", file.path,
        ])
        #expect(status == 0, "\(output)")
        #expect(output.contains("Summary written to \(file.path)"), "\(output)")
        let document = try JSONCoding.parse(try Data(contentsOf: file))
        let runs = try #require(document["runs"]?.arrayValue)
        let csv = try RunSummary.read(resultsDirectory: directory)
        #expect(runs.count == csv.count && csv.count == 4)
        #expect(runs.allSatisfy { Set($0.objectValue?.keys ?? [:].keys) == Set(RunSummary.columns) }, "the summary.csv columns")
        #expect(try runs.map(RunSummary.init(jsonFigures:)) == csv)
        #expect(runs.first?["num_requests"] == .integer(4) && runs.first?["wait_seconds"]?.numberValue == 0.05)
        let capacity = try #require(document["capacity"]?["configurations"]?.arrayValue)
        #expect(capacity.count == 1 && capacity[0]["mode"] == "ws" && capacity[0]["wait_seconds"]?.numberValue == 0.05)
        #expect(capacity[0]["max_batch"] == 8 && capacity[0]["latency_bounded_capacity"] == 8)
        #expect(capacity[0]["batch_per_core"]?.numberValue == 4, "max batch 8 over --cores 2")
        #expect(document["checks"] == ["passed": true, "violations": [], "host_warnings": []])
        #expect(document["complete"] == true && document["interruption"] == .null)
        #expect(document["tool"] == "openenv-bench" && document["version"]?.stringValue?.isEmpty == false)
        let started = try #require(document["started_at"]?.stringValue)
        let finished = try #require(document["finished_at"]?.stringValue)
        #expect(started.hasSuffix("Z") && started <= csv[0].timestamp && csv[3].timestamp <= finished)
    }

    @Test("--summary-json against a server at --url: each run carries the load generator's own CPU and peak RSS")
    func ownCost() async throws {
        try await withTestServer { endpoint, _ in
            let file = temporaryDirectory().appendingPathExtension("json")
            defer { try? FileManager.default.removeItem(at: file) }
            let (status, output) = try await bench(["--url", endpoint.httpURL, "-n", "64", "-w", "0", "--summary-json", file.path])
            #expect(status == 0, "\(output)")
            let document = try JSONCoding.parse(try Data(contentsOf: file))
            let client = try #require(document["runs"]?.arrayValue?.first?["client"], "\(document)")
            let cpu = try #require(client["cpu_seconds"]?.numberValue)
            let user = try #require(client["cpu_user_seconds"]?.numberValue)
            let system = try #require(client["cpu_system_seconds"]?.numberValue)
            #expect(cpu > 0 && abs(cpu - user - system) < 1e-9, "\(client)")
            #expect(client["cpu_us_per_session"]?.numberValue == (cpu * 1e6 / 64).rounded(), "\(client)")
            #expect(client["cpu_us_per_step"] == .null, "a burst keeps no step measures: \(client)")
            #expect((client["peak_rss_kib"]?.integerValue ?? 0) > 1024, "\(client)")
        }
    }

    @Test("a broken threshold exits 3 and says which run broke it; --summary-json records the verdict")
    func thresholds() async throws {
        let file = temporaryDirectory().appendingPathExtension("json")
        defer { try? FileManager.default.removeItem(at: file) }
        let (status, output) = try await bench(["-n", "4", "-w", "0.05", "--max-p99", "0.001", "--summary-json", file.path])
        #expect(status == 3, "\(output)")
        #expect(output.contains("Checks failed:") && output.contains("ws N=4 wait=0.05s rep=1: p99"))
        let document = try JSONCoding.parse(try Data(contentsOf: file))
        #expect(document["checks"]?["passed"] == false && document["complete"] == true)
        let violations = (document["checks"]?["violations"]?.arrayValue ?? []).compactMap(\.stringValue)
        #expect(violations.count == 1 && violations.allSatisfy { output.contains("  \($0)") }, "\(violations)")
    }

    @Test("a bad number is a usage error in the server's words: exit 64, the flag, the value and what it takes")
    func badNumber() async throws {
        for (arguments, flag, value, expected) in [
            (["-n", "0"], "-n", "0", "an integer ≥ 1"), (["--wait=-1"], "--wait", "-1", "a finite number of seconds ≥ 0"),
        ] {
            let (status, output) = try await bench(arguments)
            #expect(status == 64, "\(output)")
            #expect(output.contains("The value '\(value)' is invalid for '\(flag) <") && output.contains("': expected \(expected)"), "\(output)")
        }
    }

    @Test("a server that is not there: every session is a ConnectionRefused row, and --min-success fails")
    func refused() async throws {
        let (status, output) = try await bench(["--url", "http://127.0.0.1:1", "-n", "3", "-v", "--min-success", "0.95"])
        #expect(status == 3, "\(output)")
        #expect(output.contains("0/3 success"))
        #expect(output.components(separatedBy: "ConnectionRefused").count == 4, "one line per failed session")
    }

    @Test("--expected-hosts warns when fewer hosts served a run; --require-hosts makes it fail")
    func hostChecks() async throws {
        let (warned, warning) = try await bench(["-n", "4", "-w", "0", "--expected-hosts", "2"])
        #expect(
            warned == 0 && warning.contains("warning: run 1: ws N=4 wait=0.0s rep=1: 1 distinct host_url values served it, expected 2"),
            "\(warning)"
        )
        let (failed, failure) = try await bench(["-n", "4", "-w", "0", "--expected-hosts", "2", "--require-hosts"])
        #expect(failed == 3 && failure.contains("Checks failed:"), "\(failure)")
    }

    @Test(
        "bad arguments are rejected before anything runs",
        arguments: [
            ["--requests-grid", "1,x"], ["--hold"], ["--arrival-rate", "5"], ["--url", "ftp://host"], ["-n", "0"],
        ]
    )
    func badArguments(arguments: [String]) async throws {
        let (status, output) = try await bench(arguments)
        #expect(status != 0 && status != 3, "\(output)")
        #expect(!output.contains("Sweep:"), "nothing ran")
    }

    /// The report fixtures (`Tests/ReportsTests/Fixtures`) and the checked-in baselines.
    private static let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    private static let tinyRun = tests.appendingPathComponent("ReportsTests/Fixtures/tiny-run").path
    private static let tinyBaseline = tests.appendingPathComponent("ReportsTests/Fixtures/tiny-baseline.json").path
    private static let baselines = tests.deletingLastPathComponent().appendingPathComponent("baselines").path

    @Test("diff prints the regression table and exits 3 on a regression, 0 without one")
    func diff() async throws {
        let (status, output) = try await bench(["diff", Self.tinyBaseline, Self.tinyRun])
        #expect(status == 3, "\(output)")
        #expect(output.contains("| ws · wait 0.5 s · batch 64 | success | 90.0% |") && output.contains("| regression |"))
        let (clean, cleanOutput) = try await bench(["diff", "local-swift", Self.tinyRun])
        #expect(clean == 0 && cleanOutput.contains("No regression against 'local-swift'."), "\(cleanOutput)")
    }

    @Test("diff judges results only against a baseline of the workload they sent (run-state.json says which)")
    func diffChecksWorkload() async throws {
        let directory = temporaryDirectory()
        try FileManager.default.copyItem(at: URL(fileURLWithPath: Self.tinyRun), to: directory)
        defer { try? FileManager.default.removeItem(at: directory) }
        let runs = ["ws N=16 wait=0.5 rep=1"]
        try SweepState(runs: runs, workload: "tool:echo_message").save(to: directory)
        let (status, output) = try await bench(["diff", "local-swift", directory.path])
        #expect(status == 1, "\(output)")
        #expect(
            output.contains("recorded with workload 'benchmark', the results sent 'tool:echo_message'")
                && output.split(separator: "\n").count == 1,
            "one line naming both workloads: \(output)"
        )
        try SweepState(runs: runs, workload: "benchmark").save(to: directory)
        let (same, sameOutput) = try await bench(["diff", "local-swift", directory.path])
        #expect(same == 0 && sameOutput.hasPrefix("Workload: benchmark (as the baseline's)"), "\(sameOutput)")
    }

    @Test("report writes one HTML page; --format markdown prints the tables; log-entry prints the template")
    func reportAndLogEntry() async throws {
        let directory = temporaryDirectory()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = directory.appendingPathComponent("report.html")
        let (status, output) = try await bench([
            "report", "mine=\(Self.tinyRun)", "--baseline", "slurm-multi", "--baselines", Self.baselines, "--cores", "2",
            "-o", page.path,
        ])
        #expect(status == 0, "\(output)")
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(html.contains("id=\"fig-comparison\"") && html.contains("mine") && html.contains("slurm-multi"))
        let (_, markdown) = try await bench(["report", Self.tinyRun, "--format", "markdown"])
        #expect(markdown.contains("| tiny-run | ws | 0.5 | 16 | 0.80s | 100% | 16.0 |"), "\(markdown)")
        let (_, entry) = try await bench(["log-entry", Self.tinyRun, "--infra", "local-test"])
        #expect(entry.hasPrefix("## Run: 2026-11-20-local-test\n"), "\(entry)")
    }

    @Test(
        "what cannot be read is a runtime error: exit 1 and one line naming it, no usage text",
        arguments: [
            (["report", "/nonexistent-results"], "no summary.csv"),
            (["diff", "no-such-baseline", "/tmp"], "baseline 'no-such-baseline': not in"),
            (["diff", "local-swift", "/nonexistent-results"], "no summary.csv"),
            (["log-entry", "/nonexistent-results", "--infra", "x"], "no summary.csv"),
            (["merge", "/nonexistent-results", "--output", "/nonexistent-merged"], "no summary.csv"),
        ]
    )
    func unreadable(arguments: [String], message: String) async throws {
        let (status, output) = try await bench(arguments)
        #expect(status == 1, "\(output)")
        #expect(output.contains(message), "\(output)")
        #expect(!output.contains("USAGE:") && !output.contains("Usage:"), "a runtime error prints no usage: \(output)")
        #expect(output.split(separator: "\n").count == 1, "one line: \(output)")
    }

    @Test(
        "a usage error exits 64 with ArgumentParser's usage text",
        arguments: [
            ["report", "--baseline", "local-swift", "--compare", "a"], ["diff"], ["--requests-grid", "1,x"], ["--bogus-flag"],
            ["merge", "--output", "/tmp/merged"], ["merge", "/tmp/shard"],
        ]
    )
    func usageErrors(arguments: [String]) async throws {
        let (status, output) = try await bench(arguments)
        #expect(status == 64, "\(output)")
        #expect(output.contains("Usage:") || output.contains("USAGE:"), "\(output)")
    }

    @Test("merge: two shards started together become one run per grid point holding every row; report reads it")
    func mergeShards() async throws {
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let (a, b, other, merged) = (
            root.appendingPathComponent("a"), root.appendingPathComponent("b"), root.appendingPathComponent("other"),
            root.appendingPathComponent("merged")
        )
        let start = String(Int(Date().timeIntervalSince1970))
        for (shard, grid) in [(a, "3,5"), (b, "3,5"), (other, "3")] {
            let (status, output) = try await bench(["--requests-grid", grid, "-w", "0.05", "--pause", "0", "--start-at", start, "-o", shard.path])
            #expect(status == 0, "\(output)")
        }
        let json = root.appendingPathComponent("merged.json")
        let (status, output) = try await bench(["merge", a.path, b.path, "--output", merged.path, "--summary-json", json.path])
        #expect(status == 0, "\(output)")
        #expect(output.contains("[2/2] [WS] N=10, wait=0.05s, rep=1 -> 10/10 success"), "\(output)")
        #expect(output.contains("Merged 2 shards: 2 runs, 16 rows"), "\(output)")
        let summaries = try RunSummary.read(resultsDirectory: merged)
        #expect(summaries.map(\.numRequests) == [6, 10] && summaries.allSatisfy { $0.successful == $0.numRequests })
        func rows(_ directory: URL) throws -> Int {
            try String(contentsOf: directory.appendingPathComponent("raw.jsonl"), encoding: .utf8).split(separator: "\n").count
        }
        #expect(try rows(merged) == 16 && rows(a) + rows(b) == 16)
        let document = try JSONCoding.parse(try Data(contentsOf: json))
        #expect(try (document["runs"]?.arrayValue ?? []).map(RunSummary.init(jsonFigures:)) == summaries)
        let (reported, markdown) = try await bench(["report", "merged=\(merged.path)", "--format", "markdown"])
        #expect(reported == 0 && markdown.contains("| merged | ws | 0.05 | 10 |"), "\(markdown)")

        let (mismatch, message) = try await bench(["merge", a.path, other.path, "--output", root.appendingPathComponent("x").path])
        #expect(mismatch == 1 && message.contains("1 finished runs") && message.split(separator: "\n").count == 1, "\(message)")
        let (again, exists) = try await bench(["merge", a.path, b.path, "--output", merged.path])
        #expect(again == 1 && exists.contains("already exists"), "\(exists)")
        #expect(try rows(merged) == 16, "never appended to")
    }

    @Test("named baselines resolve from any working directory; --baselines and OPENENV_BASELINES override")
    func baselinesFromAnywhere() async throws {
        let elsewhere = temporaryDirectory()
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        let (status, output) = try await bench(
            ["report", "--baseline", "slurm-single", "--format", "markdown"],
            directory: elsewhere
        )
        #expect(status == 0 && output.contains("slurm-single"), "\(output)")
        let (overridden, message) = try await bench(["diff", "slurm-single", Self.tinyRun, "--baselines", elsewhere.path])
        #expect(overridden == 1 && message.contains("not in \(elsewhere.path)"), "\(message)")
        let (fromVariable, variableMessage) = try await bench(
            ["diff", "slurm-single", Self.tinyRun],
            environment: ProcessInfo.processInfo.environment.merging(["OPENENV_BASELINES": elsewhere.path]) { $1 }
        )
        #expect(fromVariable == 1 && variableMessage.contains("not in \(elsewhere.path)"), "\(variableMessage)")
    }
}

/// A fresh directory name under the temporary directory.
func temporaryDirectory() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("openenv-cli-\(UUID().uuidString)")
}
