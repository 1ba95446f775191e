import ArgumentParser
import BenchResults
import EnvProtocol
import EnvServer
import Foundation
import LoadGen

/// `openenv-bench merge`: the shards of one load (one `run --start-at T -o DIR` per node)
/// combined into one results directory that `report`, `diff` and `log-entry` read as if one
/// generator had run it; the rules are ``ShardMerge``'s.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine load-generator shards' results directories into one raw.jsonl and summary.csv.",
        discussion: """
            Every row of every shard is kept; rows are grouped into runs by position (run i of \
            each shard, which must be the same mode, batch size, wait and repetition everywhere), \
            and each run's counts, success and percentiles are recomputed over all its rows. A run's \
            wall time is from the earliest shard's start to the latest shard's end; batch_size and \
            request_id of the rows are rebased to the merged burst. A torn last raw.jsonl line and \
            rows of a run that never finished are dropped and reported, not fatal.

            Exit status: 0 when written, 1 when a shard cannot be read, the shards are not shards \
            of one load, or the output already has results; 64 for a usage error.
            """
    )

    @Argument(help: "Shard results directories (each written by openenv-bench run -o DIR).")
    var shards: [String] = []

    @Option(name: .shortAndLong, help: "Directory to write the merged raw.jsonl and summary.csv to (must not hold results yet).")
    var output: String

    @Option(
        name: .customLong("summary-json"),
        help: "Also write the merged runs as one JSON document, as run --summary-json does."
    )
    var summaryJSON: String?

    @Option(help: "Success threshold for max batch in --summary-json (as run's).")
    var threshold: Double = 0.95

    @Option(help: "Cores that served, for batch per core in --summary-json.", transform: SettingRule.integer(atLeast: 1).transform)
    var cores: Int?

    func validate() throws {
        if shards.isEmpty { throw ValidationError("give the shard directories to merge") }
    }

    func run() throws {
        let merge = try ShardMerge(shards: shards.map { try ShardResults(directory: URL(fileURLWithPath: $0)) })
        for shard in merge.shards where !shard.droppedNotes.isEmpty {
            print("warning: \(shard.directory): " + shard.droppedNotes.joined(separator: "; "))
        }
        try merge.write(to: URL(fileURLWithPath: output))
        let summaries = try mergeIntervalLogs(merge)
        for (index, run) in merge.runs.enumerated() {
            print(
                SweepReport.runLine(run.summary, index: index + 1, total: merge.runs.count)
                    + " [shards \(run.shardSessions.map(String.init).joined(separator: "+")), starts \(String(format: "%.3f", run.startSpread)) s apart]"
            )
        }
        print(
            "Merged \(merge.shards.count) shards: \(merge.runs.count) runs, \(merge.runs.map(\.rows.count).reduce(0, +)) rows → \(output)/raw.jsonl and summary.csv"
        )
        guard let summaryJSON else { return }
        let document = SweepSummaryDocument(
            tool: "openenv-bench merge",
            version: OpenEnvBench.version,
            url: merge.summaries.first?.url ?? "",
            startedAt: Timestamp.format(Date(timeIntervalSince1970: merge.startedAt)),
            runs: summaries,
            threshold: threshold,
            cores: cores
        )
        try OutputFile.write(JSONCoding.encodeString(document.json) + "\n", to: summaryJSON)
        print("Summary written to \(summaryJSON)")
    }

    /// Each run's interval logs (profile runs), added histogram by histogram and written
    /// beside the merged rows; returns the merged summaries with their measures.
    private func mergeIntervalLogs(_ merge: ShardMerge) throws -> [RunSummary] {
        try merge.runs.enumerated().map { index, run in
            var summary = run.summary
            var merged: LoadMeasures?
            for shard in merge.shards where index < shard.runs.count {
                let shardRun = shard.runs[index].summary
                let url = IntervalLog.url(in: URL(fileURLWithPath: shard.directory), run: shardRun)
                guard let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
                let measures = try IntervalLog.measures(text, window: IntervalLog.window(text) ?? 10)
                if let merged, merged.window != measures.window {
                    throw ValidationError(
                        "\(url.path) has \(measures.window) s windows, an earlier shard \(merged.window) s: run the shards with one --window"
                    )
                }
                if merged == nil { merged = LoadMeasures(window: measures.window, startTime: measures.startTime) }
                merged?.add(measures)
            }
            summary.measures = merged
            if let merged { try IntervalLog.write(merged, to: URL(fileURLWithPath: output), run: summary) }
            return summary
        }
    }
}
