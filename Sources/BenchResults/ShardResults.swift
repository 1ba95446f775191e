import EnvProtocol
public import Foundation

/// One load-generator shard's results directory (`openenv-bench run -o DIR` on one node) read
/// run by run: each `summary.csv` row with the `raw.jsonl` rows it summarises.
///
/// The run command appends a run's rows and then its summary row, so a finished run's rows are
/// the `num_requests` lines after the previous run's. Lines `run-state.json` lists as
/// `partial_raw_lines` (a run interrupted and then re-run with `--resume`) belong to no run
/// and are skipped. What a crash leaves is tolerated and counted, not fatal: a torn last line
/// (killed mid-write) and rows after the last summary row (a run that never finished).
/// Anything else that does not add up is a ``ShardMergeError/Code/unreadable`` error naming
/// the file and line.
public struct ShardResults: Sendable {
    /// A finished run and its rows.
    public struct Run: Sendable {
        public var summary: RunSummary
        public var rows: [SessionResult]

        /// The burst size the shard was asked for: its rows' `batch_size` (an open-model run has
        /// rate × duration there, while `num_requests` counts what arrived).
        public var plannedSessions: Int { rows.first?.batchSize ?? summary.numRequests }

        /// What makes two shards' runs parts of one run.
        public var identity: String {
            "\(summary.mode.rawValue) N=\(plannedSessions) wait=\(summary.waitSeconds) rep=\(summary.repetition)"
        }
    }

    public var directory: String
    public var runs: [Run]
    /// The last `raw.jsonl` line had no line end and was not JSON (the writer was killed); dropped.
    public var tornLastLine = false
    /// Rows of interrupted runs that `--resume` ran again (`run-state.json`); dropped.
    public var supersededRows = 0
    /// Rows after the last finished run: a run that never finished; dropped.
    public var unfinishedRows = 0
    /// What the shard's sessions sent (`run-state.json`); `nil` when the shard does not say.
    public var workload: String?

    /// Reads `summary.csv`, `raw.jsonl` and (when present) `run-state.json` of `directory`.
    ///
    /// - Throws: ``ShardMergeError`` (`.unreadable`) naming the file and, where it applies, the line.
    public init(directory url: URL) throws(ShardMergeError) {
        directory = url.path
        let summaries: [RunSummary]
        let state: SweepState?
        do {
            summaries = try RunSummary.read(resultsDirectory: url)
            state = try SweepState.load(from: url)
        } catch {
            throw ShardMergeError(.unreadable, reason: "\(error)")
        }
        let rawURL = url.appendingPathComponent("raw.jsonl")
        guard let data = FileManager.default.contents(atPath: rawURL.path) else {
            throw ShardMergeError(.unreadable, path: rawURL.path, reason: "no raw.jsonl beside summary.csv")
        }
        workload = state?.sentWorkload
        let partial = state?.partialRawLines ?? []
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let lastIsTerminated = lines.last?.isEmpty ?? true
        if lastIsTerminated, !lines.isEmpty { lines.removeLast() }
        var rows: [(line: Int, row: SessionResult)] = []
        for (offset, line) in lines.enumerated() {
            let number = offset + 1
            if partial.contains(where: { $0.contains(number) }) {
                supersededRows += 1
                continue
            }
            if line.allSatisfy(\.isWhitespace) { continue }
            guard let json = try? JSONCoding.parse(String(line)), json.objectValue != nil, json["success"]?.boolValue != nil
            else {
                if offset == lines.count - 1 && !lastIsTerminated {
                    tornLastLine = true
                    continue
                }
                throw ShardMergeError(.unreadable, path: rawURL.path, reason: "line \(number) is not a raw.jsonl row")
            }
            let row = SessionResult(json: json)
            // Bounded so that offsetting ids and summing burst sizes over shards cannot overflow.
            guard (0..<(1 << 40)).contains(row.requestID), (0..<(1 << 40)).contains(row.batchSize) else {
                throw ShardMergeError(
                    .unreadable,
                    path: rawURL.path,
                    reason: "line \(number): request_id or batch_size is out of range"
                )
            }
            rows.append((number, row))
        }
        var next = 0
        runs = []
        for (index, summary) in summaries.enumerated() {
            let count = summary.successful + summary.failed
            guard rows.count - next >= count else {
                throw ShardMergeError(
                    .unreadable,
                    path: directory,
                    reason: "run \(index + 1) of summary.csv has \(count) sessions, raw.jsonl only \(rows.count - next) rows left"
                        + (tornLastLine ? " (its last line is torn)" : "")
                )
            }
            let slice = rows[next..<(next + count)]
            next += count
            // Mode only: hold-mode rows record wait 0 whatever the run's --wait.
            for (line, row) in slice where row.mode != summary.mode {
                throw ShardMergeError(
                    .unreadable,
                    path: rawURL.path,
                    reason: "line \(line) (\(row.mode.rawValue)) is not a row of run \(index + 1) of summary.csv (\(summary.mode.rawValue))"
                )
            }
            let succeeded = slice.filter(\.row.success).count
            guard succeeded == summary.successful else {
                throw ShardMergeError(
                    .unreadable,
                    path: directory,
                    reason: "run \(index + 1): summary.csv says \(summary.successful) successful, raw.jsonl has \(succeeded)"
                )
            }
            runs.append(Run(summary: summary, rows: slice.map(\.row)))
        }
        unfinishedRows = rows.count - next
    }

    /// What was dropped, for the merge to report; empty when nothing was.
    public var droppedNotes: [String] {
        var notes: [String] = []
        if tornLastLine { notes.append("torn last raw.jsonl line dropped") }
        if supersededRows > 0 { notes.append("\(supersededRows) rows of re-run interrupted runs (run-state.json) dropped") }
        if unfinishedRows > 0 { notes.append("\(unfinishedRows) rows after the last finished run (an unfinished run) dropped") }
        return notes
    }
}
