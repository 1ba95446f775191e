public import Foundation

/// Several load-generator shards of one load (`openenv-bench run --start-at T` on K nodes)
/// combined into the results one generator would have written: `openenv-bench merge`.
///
/// Shards are parts of one load when they ran the same runs in the same order: mode, burst
/// size asked for, wait and repetition (``ShardResults/Run/identity``), and the same
/// `--hardware` label. Run *i* of the merge is run *i* of every shard:
/// - **Rows:** every shard's rows of the run, shard by shard. Two fields are rebased so the
///   merged run reads as one burst: `batch_size` becomes the sum of the shards' burst sizes,
///   and `request_id` is offset by the burst sizes of the shards before (shard 2's 0 follows
///   shard 1's last), so ids stay unique. Everything measured is kept as written.
/// - **Figures:** recomputed over the union of the rows by ``RunSummary``'s own formulas, so
///   p99 is the p99 of all sessions, never an average of the shards' p99s.
/// - **Wall time:** from the earliest shard's start to the latest shard's end, where a shard's
///   run ends at its summary `timestamp` (written as the run finishes) and started
///   `total_wall_time` before. Requests per second and effective concurrency follow from it.
///   `--start-at` aligns only the sweep's first run; later runs start when each shard's
///   previous one ends, so ``Run/startSpread`` says how far apart the shards began.
///
/// ```swift
/// let merge = try ShardMerge(shards: try directories.map { try ShardResults(directory: $0) })
/// try merge.write(to: output)
/// ```
public struct ShardMerge: Sendable {
    /// One merged run.
    public struct Run: Sendable {
        public var summary: RunSummary
        public var rows: [SessionResult]
        /// Each shard's sessions in this run, in shard order.
        public var shardSessions: [Int]
        /// Seconds between the first and the last shard's start of this run.
        public var startSpread: Double
    }

    public var runs: [Run]
    /// The shards, in the order given.
    public var shards: [ShardResults]
    /// When the earliest shard's first run started (seconds since 1970).
    public var startedAt: Double
    /// What every shard's sessions sent, when their `run-state.json` says; written to the
    /// merged `run-state.json` so `diff` can check it against a baseline.
    public var workload: String?

    /// Merges `shards` run by run.
    ///
    /// - Throws: ``ShardMergeError``: `.noShards` for none; `.mismatch` when the shards ran
    ///   different runs or carry different `--hardware` labels, or a directory is given twice;
    ///   `.unreadable` when a run's summary `timestamp` cannot be read.
    public init(shards: [ShardResults]) throws(ShardMergeError) {
        guard let first = shards.first else { throw ShardMergeError(.noShards, reason: "no shard directories given") }
        var seen: Set<String> = []
        for shard in shards {
            let path = URL(fileURLWithPath: shard.directory).standardizedFileURL.path
            guard seen.insert(path).inserted else {
                throw ShardMergeError(.mismatch, path: shard.directory, reason: "given twice: each shard counts once")
            }
        }
        let workloads = Set(shards.compactMap(\.workload))
        guard workloads.count <= 1 else {
            throw ShardMergeError(
                .mismatch,
                path: first.directory,
                reason: "the shards sent different workloads (\(workloads.sorted().joined(separator: ", "))): shards of one load send the same"
            )
        }
        workload = workloads.first
        for shard in shards.dropFirst() {
            guard shard.runs.count == first.runs.count else {
                throw ShardMergeError(
                    .mismatch,
                    path: shard.directory,
                    reason:
                        "\(shard.runs.count) finished runs, \(first.directory) has \(first.runs.count): shards of one load run the same grid to the end"
                )
            }
            for (index, (run, reference)) in zip(shard.runs, first.runs).enumerated() {
                guard run.identity == reference.identity else {
                    throw ShardMergeError(
                        .mismatch,
                        path: shard.directory,
                        reason: "run \(index + 1) is \(run.identity), in \(first.directory) it is \(reference.identity)"
                    )
                }
                guard run.summary.hardware == reference.summary.hardware else {
                    throw ShardMergeError(
                        .mismatch,
                        path: shard.directory,
                        reason: "run \(index + 1) has hardware '\(run.summary.hardware)', \(first.directory) '\(reference.summary.hardware)'"
                    )
                }
            }
        }
        self.shards = shards
        var runs: [Run] = []
        var startedAt = Double.infinity
        for index in first.runs.indices {
            let parts = shards.map { $0.runs[index] }
            var bounds: [(start: Double, end: Double)] = []
            for (shard, part) in zip(shards, parts) {
                guard let end = Timestamp.parse(part.summary.timestamp) else {
                    throw ShardMergeError(
                        .unreadable,
                        path: shard.directory,
                        reason: "run \(index + 1): summary timestamp '\(part.summary.timestamp)' is not an ISO-8601 UTC time"
                    )
                }
                bounds.append((end - part.summary.totalWallTime, end))
            }
            let start = bounds.map(\.start).min() ?? 0
            let end = bounds.map(\.end).max() ?? 0
            startedAt = min(startedAt, start)
            let planned = parts.map(\.plannedSessions)
            var rows: [SessionResult] = []
            var offset = 0
            for (part, size) in zip(parts, planned) {
                rows += part.rows.map { row in
                    var row = row
                    row.requestID += offset
                    row.batchSize = planned.reduce(0, +)
                    return row
                }
                offset += size
            }
            var urls: [String] = []
            for url in parts.map(\.summary.url) where !urls.contains(url) { urls.append(url) }
            let reference = parts[0].summary
            let summary = RunSummary(
                results: rows,
                mode: reference.mode,
                url: urls.joined(separator: ","),
                numRequests: rows.count,
                waitSeconds: reference.waitSeconds,
                repetition: reference.repetition,
                totalWallTime: end - start,
                hardware: reference.hardware,
                timestamp: Timestamp.format(Date(timeIntervalSince1970: end))
            )
            runs.append(
                Run(
                    summary: summary,
                    rows: rows,
                    shardSessions: parts.map(\.rows.count),
                    startSpread: (bounds.map(\.start).max() ?? 0) - start
                )
            )
        }
        self.runs = runs
        self.startedAt = startedAt.isFinite ? startedAt : 0
    }

    /// The merged summaries, one per run, in order.
    public var summaries: [RunSummary] { runs.map(\.summary) }

    /// Writes `raw.jsonl` and `summary.csv` into `directory` (created if needed) with
    /// ``ResultsWriter``, as the run command writes them.
    ///
    /// - Throws: ``ShardMergeError`` (`.outputExists`) when `directory` already has either
    ///   file, since appending would mix two merges; errors writing the files.
    public func write(to directory: URL) throws {
        for name in ["raw.jsonl", "summary.csv"] {
            let path = directory.appendingPathComponent(name).path
            if FileManager.default.fileExists(atPath: path) {
                throw ShardMergeError(.outputExists, path: path, reason: "already exists: merge into a new directory")
            }
        }
        let writer = try ResultsWriter(directory: directory)
        for run in runs { try writer.append(results: run.rows, summary: run.summary) }
        guard let workload else { return }
        let names = runs.map { "\($0.summary.mode.rawValue) N=\($0.summary.numRequests) wait=\($0.summary.waitSeconds) rep=\($0.summary.repetition)" }
        var state = SweepState(runs: names, workload: workload)
        state.finished = Array(runs.indices)
        try state.save(to: directory)
    }
}
