public import BenchResults
public import Foundation

/// A run entry for the experiment log, in the seed's template ("Run Entry Format" in
/// `EXPERIMENT_LOG.md`), filled from a results directory instead of by hand. What the files do
/// not record (deploy command, env limit) says so; the Observations are left for a person.
public struct LogEntry: Sendable {
    public var infrastructure: String
    public var directory: String
    public var summaries: [RunSummary]
    /// Earliest session start in `raw.jsonl`; `nil` when there is no `raw.jsonl`.
    public var start: String?
    /// Latest run end (each `summary.csv` row is stamped when its run finished).
    public var end: String?
    public var deployCommand: String?
    public var maxConcurrentEnvs: String?
    /// Trainer-profile runs of the directory (its `.hlog`s) and `capacity` searches: their
    /// tables go under the Results Summary.
    public var profileRuns: [ProfileRunSource]
    public var capacities: [CapacitySearchResult]

    public init(
        results directory: URL,
        infrastructure: String,
        deployCommand: String? = nil,
        maxConcurrentEnvs: String? = nil,
        profileRuns: [ProfileRunSource] = [],
        capacities: [CapacitySearchResult] = []
    ) throws {
        self.profileRuns = profileRuns
        self.capacities = capacities
        summaries = try RunSummary.read(resultsDirectory: directory)
        self.infrastructure = infrastructure
        self.directory = directory.path
        self.deployCommand = deployCommand
        self.maxConcurrentEnvs = maxConcurrentEnvs
        end = summaries.map(\.timestamp).max()
        let rawURL = directory.appendingPathComponent("raw.jsonl")
        if let raw = try? String(contentsOf: rawURL, encoding: .utf8) {
            // A torn last line (a run killed mid-write) has no newline; every whole line must parse.
            var lines = raw.split(separator: "\n", omittingEmptySubsequences: false)
            if !(lines.last?.isEmpty ?? true) { lines.removeLast() }
            start = try lines.filter { !$0.isEmpty }.map { try SessionResult(jsonLine: String($0)).timestamp }
                .filter { !$0.isEmpty }.min()
        }
    }

    /// `2026-01-13T12:23:22.123456Z` → `2026-01-13T12:23:22Z`, as the log writes times.
    static func seconds(_ timestamp: String?) -> String {
        guard let timestamp, timestamp.count >= 19 else { return Format.notMeasured }
        return String(timestamp.prefix(19)) + "Z"
    }

    public var markdown: String {
        let date = start.map { String($0.prefix(10)) } ?? end.map { String($0.prefix(10)) } ?? "YYYY-MM-DD"
        let modes = Set(summaries.map(\.mode)).sorted { $0.rawValue < $1.rawValue }
        let batches = Set(summaries.map(\.numRequests)).sorted().map(String.init).joined(separator: ",")
        let waits = Set(summaries.map(\.waitSeconds)).sorted().map(Format.wait).joined(separator: ",")
        let reps = summaries.map(\.repetition).max() ?? 0
        let url = Set(summaries.map(\.url)).sorted().joined(separator: ",")
        let pids = summaries.map(\.uniquePIDs).max() ?? 0
        let hosts = summaries.map(\.uniqueHosts).max() ?? 0
        let source = ReportSource(summaries: summaries, name: infrastructure, directory: directory, cores: nil)
        let report = try? Report(sources: [source], profileRuns: profileRuns, capacities: capacities)
        var lines = [
            "## Run: \(date)-\(infrastructure)",
            "",
            "**Infrastructure:** \(infrastructure)  ",
            "**Start:** \(Self.seconds(start))  ",
            "**End:** \(Self.seconds(end))  ",
            "**Status:** Complete  ",  // reading throws when summary.csv holds no finished run
            "",
            "### Configuration",
            "- Workers: \(pids > 0 ? "\(pids) (distinct server PIDs seen)" : Format.notMeasured)",
            "- Max Concurrent Envs: \(maxConcurrentEnvs ?? "not recorded")",
            "- URL: \(url)",
            "- Notes: hardware tier \(Set(summaries.map(\.hardware)).sorted().joined(separator: ", ")); "
                + "\(summaries.count) runs; distinct hosts seen: \(hosts)",
            "",
            "### Command",
            "```bash",
            "# Server startup",
            deployCommand ?? "# not recorded (pass --deploy-command)",
            "",
            "# Experiment execution",
            "openenv-bench run \\",
            "    --url \(url) \\",
            "    --requests-grid \(batches) \\",
            "    --wait-grid \(waits) \\",
            "    --reps \(reps) \\",
            modes.count > 1 ? "    --compare \\" : "    --mode \(modes.first?.rawValue ?? "ws") \\",
            "    --output-dir \(directory)",
            "```",
            "",
            "### Results Summary",
            "| Mode | wait_s | Max Batch (95%+) | p99 Latency | Success % | RPS |",
            "|------|--------|------------------|-------------|-----------|-----|",
        ]
        lines += report?.resultsSummary.rows.map { "| " + $0.dropFirst().joined(separator: " | ") + " |" } ?? []
        for key in source.keys {
            lines += [
                "", source.keys.count > 1 ? "### Scaling Behavior (\(key.mode.rawValue), wait \(Format.wait(key.wait)) s)" : "### Scaling Behavior",
                "| Batch Size | Success Rate | p99 Latency | Notes |", "|------------|--------------|-------------|-------|",
            ]
            lines += (source.cells[key] ?? [:]).sorted { $0.key < $1.key }.map { batch, cell in
                "| \(batch) | \(Format.percent(cell.successRate)) | \(Format.seconds(cell.p99Total)) | |"
            }
        }
        if let report, !profileRuns.isEmpty {
            lines += ["", "### Trainer Profiles (step latency in ms)", report.profileRunsTable.markdown]
            lines += ["", "| Run | Window start (s) | step p50 | step p99 |", "|-----|------------------|----------|----------|"]
            lines += profileRuns.flatMap { run in
                run.measures.stepLatencyPerWindow.map {
                    "| \(run.name) | \(Format.decimal($0.start)) | \(Format.milliseconds($0.p50)) | \(Format.milliseconds($0.p99)) |"
                }
            }
        }
        if let report, !capacities.isEmpty {
            lines += ["", "### Sustainable Concurrency", report.capacityTable.markdown]
        }
        lines += [
            "",
            "### Links",
            "- Raw data: [raw.jsonl](\(directory)/raw.jsonl)",
            "- Summary CSV: [summary.csv](\(directory)/summary.csv)",
            "- Figures: not generated (openenv-bench report \(directory) -o report.html)",
            "",
            "### Observations",
            "{Notes about the run, any issues encountered, interesting findings}",
            "",
        ]
        return lines.joined(separator: "\n")
    }
}
