import EnvProtocol
public import Foundation

/// `run-state.json` next to `raw.jsonl` and `summary.csv`: which runs of a sweep are finished,
/// so an interrupted sweep is visibly incomplete and `--resume` can continue it.
///
/// `summary.csv` keeps the seed's format and only ever gets rows of finished runs; an
/// interrupted run leaves one `raw.jsonl` row per started session (in-flight ones as
/// `Interrupted`), and this file says which lines those are, so analyses can drop them.
public struct SweepState: Sendable, Equatable {
    /// Every run of the sweep, in order, as ``SweepPlan/runDescriptions`` names them: a resumed
    /// sweep must be the same sweep.
    public var runs: [String]
    /// Indices (0-based) of the runs whose rows and summary are written.
    public var finished: [Int] = []
    /// The run that was stopped part-way, while the sweep is incomplete.
    public var interruptedRun: Int?
    /// `raw.jsonl` lines (1-based, inclusive) written by interrupted runs. A resumed sweep runs
    /// those runs again, so these rows are superseded.
    public var partialRawLines: [ClosedRange<Int>] = []
    /// What every session of the sweep sent (``Baseline/workload``'s names); `nil` in a state
    /// written before workloads were recorded, which means the benchmark.
    public var workload: String?
    /// Set just before a run's rows are written and cleared once they and the state are: when
    /// a run finds it set, the process was killed mid-write (`kill -9`), and the files are cut
    /// back to these sizes before the run is done again.
    public var pendingWrite: ResultsWriter.Offsets?

    public var isComplete: Bool { interruptedRun == nil && Set(finished) == Set(runs.indices) }

    public init(runs: [String], workload: String? = nil) {
        self.runs = runs
        self.workload = workload
    }

    /// The workload, with states written before workloads were recorded read as the benchmark.
    public var sentWorkload: String { workload ?? Baseline.benchmarkWorkload }

    static let fileName = "run-state.json"

    /// The state in `directory`, or `nil` when there is none.
    ///
    /// - Throws: ``SweepStateError`` when the file exists but is not a run state.
    public static func load(from directory: URL) throws -> SweepState? {
        let url = directory.appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        guard let json = try? JSONCoding.parse(data), let runs = json["runs"]?.arrayValue?.compactMap(\.stringValue),
            let finished = json["finished_runs"]?.arrayValue?.compactMap(\.integerValue)
        else { throw SweepStateError(path: url.path, reason: "not a run state written by openenv-bench") }
        var state = SweepState(runs: runs)
        state.finished = finished
        state.interruptedRun = json["interrupted_run"]?.integerValue
        state.workload = json["workload"]?.stringValue
        if let pending = json["pending_write"], let raw = pending["raw_bytes"]?.integerValue,
            let summary = pending["summary_bytes"]?.integerValue, raw >= 0, summary >= 0
        {
            state.pendingWrite = ResultsWriter.Offsets(raw: UInt64(raw), summary: UInt64(summary))
        }
        state.partialRawLines = (json["partial_raw_lines"]?.arrayValue ?? []).compactMap { range in
            guard let first = range.arrayValue?.first?.integerValue, let last = range.arrayValue?.last?.integerValue,
                first <= last
            else { return nil }
            return first...last
        }
        return state
    }

    public func save(to directory: URL) throws {
        let json: JSONValue = [
            "complete": .bool(isComplete),
            "runs": .array(runs.map(JSONValue.string)),
            "finished_runs": .array(finished.map(JSONValue.integer)),
            "interrupted_run": interruptedRun.map(JSONValue.integer) ?? .null,
            "partial_raw_lines": .array(partialRawLines.map { [.integer($0.lowerBound), .integer($0.upperBound)] }),
            "workload": workload.map(JSONValue.string) ?? .null,
            "pending_write": pendingWrite.map { ["raw_bytes": .integer(Int($0.raw)), "summary_bytes": .integer(Int($0.summary))] }
                ?? .null,
        ]
        try JSONCoding.encode(json).write(to: directory.appendingPathComponent(Self.fileName), options: .atomic)
    }
}

/// A `run-state.json` that cannot be used.
public struct SweepStateError: Error, Sendable, CustomStringConvertible {
    /// The results directory or state file.
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}
