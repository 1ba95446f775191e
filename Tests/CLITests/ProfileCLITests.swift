import BenchResults
import EnvProtocol
import EnvTesting
import Foundation
import Histogram
import LoadGen
import Testing

/// The trainer profiles as a user runs them: the built `openenv-bench` against its embedded
/// server, its rows, its `--summary-json` measures and its `.hlog`, and the counting rules:
/// one row per session, steps counted per episode, slot waits only under `oversubscribe`.
@Suite("openenv-bench profiles", .serialized, .timeLimit(.minutes(3)))
struct ProfileCLITests {
    /// What one profile run left: its status, output, rows, `--summary-json` run and its
    /// measures, and interval log.
    struct Run {
        var status: Int32
        var output: String
        var rows: [SessionResult]
        var summary: JSONValue
        var measures: JSONValue
        var log: String
        var directory: URL
    }

    func profile(_ arguments: [String]) async throws -> Run {
        let directory = temporaryDirectory()
        let json = directory.appendingPathComponent("summary.json")
        let (status, output) = try await LaunchedProcess.run(
            "openenv-bench",
            arguments + ["-o", directory.path, "--summary-json", json.path]
        )
        let rows = try String(contentsOf: directory.appendingPathComponent("raw.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try SessionResult(jsonLine: String($0)) }
        let document = try JSONCoding.parse(try Data(contentsOf: json))
        let summary = try #require(document["runs"]?.arrayValue?.first, "\(output)")
        let measures = try #require(summary["measures"], "\(output)")
        let logs = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".hlog") }
        #expect(logs.count == 1, "one interval log per run: \(logs)")
        let log = try String(contentsOf: directory.appendingPathComponent(logs.first ?? "none"), encoding: .utf8)
        return Run(status: status, output: output, rows: rows, summary: summary, measures: measures, log: log, directory: directory)
    }

    @Test("pool: N sessions, one row each, episodes back to back; steps counted per episode; the .hlog holds every step")
    func pool() async throws {
        let run = try await profile([
            "--profile", "pool", "-n", "4", "--steps", "3", "--think", "0.05", "-w", "0", "--duration", "1.5",
            "--window", "0.5",
        ])
        defer { try? FileManager.default.removeItem(at: run.directory) }
        #expect(run.status == 0, "\(run.output)")
        #expect(run.rows.count == 4 && run.rows.allSatisfy(\.success), "one row per session, not per episode")
        let answered = try #require(run.measures["steps_answered"]?.integerValue)
        let episodes = try #require(run.measures["episodes"]?.integerValue)
        #expect(run.measures["steps_sent"]?.integerValue == answered && episodes >= 4)
        // Every finished episode has 3 steps; each session may end inside one more.
        #expect(answered >= 3 * episodes && answered < 3 * (episodes + 4), "\(answered) steps, \(episodes) episodes")
        #expect(run.measures["slot_wait"]?["count"] == 0, "no slot waits outside oversubscribe")
        #expect(run.measures["step_latency"]?["p99"]?.numberValue ?? 0 > 0)
        #expect(run.measures["peak_held"] == 4)
        let intervals = try IntervalLog.decode(run.log)
        #expect(intervals.count >= 3 && intervals.allSatisfy { $0.tag == nil && $0.length == 0.5 })
        #expect(intervals.map { Int($0.histogram.totalCount) }.reduce(0, +) == answered)
        let read = try IntervalLog.measures(run.log, window: 0.5)
        #expect(read.total.stepsSent == answered && read.total.episodes == episodes)
        #expect(run.output.contains("held: peak 4 sessions open at once of 4; steps answered \(answered)/\(answered)"), "\(run.output)")
        // The report and the log entry read the same .hlog: its totals and a row per window.
        let (reportStatus, report) = try await LaunchedProcess.run(
            "openenv-bench",
            ["report", "pool=\(run.directory.path)", "--format", "markdown"]
        )
        #expect(reportStatus == 0 && report.contains("| pool | \(answered) / \(answered) | \(episodes) |"), "\(report)")
        let (entryStatus, entry) = try await LaunchedProcess.run("openenv-bench", ["log-entry", run.directory.path, "--infra", "here"])
        let windowRows = entry.split(separator: "\n").filter { $0.hasPrefix("| here | ") && $0.split(separator: "|").count == 4 }
        #expect(entryStatus == 0 && windowRows.count == intervals.filter { $0.histogram.totalCount > 0 }.count, "\(entry)")
    }

    @Test("refill: each episode its own session and row, replaced as it ends; no slot waits")
    func refill() async throws {
        let run = try await profile([
            "--profile", "refill", "-n", "3", "--steps", "2", "-w", "0.05", "--duration", "1",
        ])
        defer { try? FileManager.default.removeItem(at: run.directory) }
        #expect(run.status == 0, "\(run.output)")
        let episodes = try #require(run.measures["episodes"]?.integerValue)
        #expect(run.rows.count > 3 && run.rows.allSatisfy(\.success))
        // One episode per session; the 3 in flight when the run ends stop after their step.
        #expect(run.rows.count >= episodes && run.rows.count <= episodes + 3, "\(run.rows.count) rows, \(episodes) episodes")
        #expect(Set(run.rows.map(\.requestID)).count == run.rows.count)
        let answered = try #require(run.measures["steps_answered"]?.integerValue)
        #expect(answered >= 2 * episodes && answered <= 2 * episodes + 3)
        #expect(run.measures["slot_wait"]?["count"] == 0)
    }

    @Test("oversubscribe: over capacity, CAPACITY_REACHED is retried and the slot waits measured")
    func oversubscribe() async throws {
        let run = try await profile([
            "--profile", "oversubscribe", "-n", "6", "--server-capacity", "2", "--steps", "1", "-w", "0.2",
            "--capacity-retry", "0.05-0.1", "--duration", "2",
        ])
        defer { try? FileManager.default.removeItem(at: run.directory) }
        #expect(run.status == 0, "\(run.output)")
        let slotWaits = try #require(run.measures["slot_wait"]?["count"]?.integerValue)
        #expect(slotWaits > 0 && run.measures["reconnects"]?.integerValue ?? 0 > 0)
        #expect(run.measures["peak_held"]?.integerValue ?? 0 <= 2)
        // Sessions still waiting when the run ended say so; every other one was served.
        let unserved = run.rows.filter { !$0.success }
        #expect(unserved.allSatisfy { $0.errorType == "CAPACITY_REACHED" }, "\(unserved.map(\.errorMessage))")
        #expect(run.rows.filter(\.success).count == slotWaits, "a slot wait per served session")
        #expect(try IntervalLog.decode(run.log).contains { $0.tag == IntervalLog.slotWaitTag })
    }

    @Test("refill over capacity does not retry: CAPACITY_REACHED rows and no slot waits")
    func refillOverCapacity() async throws {
        let run = try await profile([
            "--profile", "refill", "-n", "4", "--server-capacity", "2", "--steps", "1", "-w", "0.2", "--duration", "0.5",
        ])
        defer { try? FileManager.default.removeItem(at: run.directory) }
        #expect(run.rows.contains { $0.errorType == "CAPACITY_REACHED" })
        #expect(run.measures["slot_wait"]?["count"] == 0 && run.measures["reconnects"] == 0)
    }

    @Test(
        "bad profile flags are usage errors (exit 64) naming the flag",
        arguments: [
            (["--profile", "pool"], "--duration"),
            (["--profile", "nope", "--duration", "1"], "profile"),
            (["--profile", "pool", "--duration", "1", "--think", "gauss:1"], "--think"),
            (["--profile", "oversubscribe", "--duration", "1", "--capacity-retry", "5-1"], "--capacity-retry"),
            (["--profile", "pool", "--duration", "1", "--mode", "http"], "--mode ws"),
            (["--profile", "pool", "--duration", "1", "--max-slot-wait", "0"], "--max-slot-wait"),
            // Values that would overflow a time or allocate a window per microsecond.
            (["--profile", "pool", "--duration", "1", "--max-slot-wait", "inf"], "--max-slot-wait"),
            (["--profile", "pool", "--duration", "1", "--think", "1e10"], "--think"),
            (["--profile", "pool", "--duration", "1", "--think", "exp:1e12"], "--think"),
            (["--profile", "oversubscribe", "--duration", "1", "--capacity-retry", "0-1e10"], "--capacity-retry"),
            (["--profile", "pool", "--duration", "1", "--window", "1e-9"], "--window"),
        ]
    )
    func badFlags(arguments: [String], flag: String) async throws {
        let (status, output) = try await LaunchedProcess.run("openenv-bench", ["run"] + arguments)
        #expect(status == 64, "\(output)")
        #expect(output.contains(flag), "\(output)")
    }

    @Test("merge adds the shards' interval logs exactly: every histogram count and window count")
    func mergeLogs() async throws {
        let start = String(Date().timeIntervalSince1970 + 2)
        let flags = ["--profile", "pool", "-n", "2", "--steps", "2", "-w", "0.01", "--duration", "1", "--start-at", start]
        async let first = profile(flags)
        async let second = profile(flags)
        let shards = try await [first, second]
        defer { for shard in shards { try? FileManager.default.removeItem(at: shard.directory) } }
        let merged = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: merged) }
        let (status, output) = try await LaunchedProcess.run(
            "openenv-bench",
            ["merge", shards[0].directory.path, shards[1].directory.path, "-o", merged.path]
        )
        #expect(status == 0, "\(output)")
        let logs = try FileManager.default.contentsOfDirectory(atPath: merged.path).filter { $0.hasSuffix(".hlog") }
        let log = try String(contentsOf: merged.appendingPathComponent(try #require(logs.first)), encoding: .utf8)
        let total = try IntervalLog.measures(log, window: 10).total
        let parts = try shards.map { try IntervalLog.measures($0.log, window: 10).total }
        #expect(total.stepsAnswered == parts.map(\.stepsAnswered).reduce(0, +) && total.stepsAnswered > 0)
        #expect(total.stepsSent == parts.map(\.stepsSent).reduce(0, +))
        #expect(total.episodes == parts.map(\.episodes).reduce(0, +))
        #expect(total.stepLatency.max == parts.map(\.stepLatency.max).max())
    }
}

/// `openenv-bench capacity` with the built binary against its embedded server.
@Suite("openenv-bench capacity", .serialized, .timeLimit(.minutes(3)))
struct CapacityCLITests {
    @Test("doubling reaches the limit when every probe passes; each probe is in --summary-json")
    func reachesLimit() async throws {
        let file = temporaryDirectory().appendingPathExtension("json")
        defer { try? FileManager.default.removeItem(at: file) }
        let (status, output) = try await LaunchedProcess.run(
            "openenv-bench",
            [
                "capacity", "--profile", "pool", "--start", "2", "--limit", "8", "--duration", "0.5", "-w", "0.01", "--steps", "2",
                "--summary-json", file.path,
            ]
        )
        #expect(status == 0, "\(output)")
        #expect(output.contains("Sustainable concurrency: 8 (pool"), "\(output)")
        let document = try JSONCoding.parse(try Data(contentsOf: file))
        #expect(document["sustainable_concurrency"] == 8 && document["step_p99_bound"]?.numberValue == 0.52)
        let probes = try #require(document["probes"]?.arrayValue)
        #expect(probes.map { $0["sessions"] } == [2, 4, 8] && probes.allSatisfy { $0["passed"] == true })
        #expect(probes.allSatisfy { $0["run"]?["measures"]?["steps_answered"]?.integerValue ?? 0 > 0 })
    }

    @Test("a bound no run can keep: exit 3, saying not even the start passed")
    func nothingPasses() async throws {
        let (status, output) = try await LaunchedProcess.run(
            "openenv-bench",
            ["capacity", "--start", "2", "--limit", "8", "--duration", "0.5", "-w", "0.05", "--max-step-p99", "0.001"]
        )
        #expect(status == 3, "\(output)")
        #expect(output.contains("N=2: fail — step p99") && output.contains("Not even 2 sessions passed"), "\(output)")
    }
}
