public import BenchResults
public import Foundation

/// One line in the report's figures: a fresh results directory or a checked-in baseline, reduced
/// to the same per-(mode, wait, batch) figures. What a source does not give stays `nil` and is
/// shown as "not measured".
public struct ReportSource: Sendable, Equatable {
    public enum Origin: Sendable, Equatable {
        /// `openenv-bench run -o DIR`: `raw.jsonl` + `summary.csv`.
        case measured(directory: String)
        /// `baselines/NAME.json`, transcribed or recorded elsewhere.
        case baseline(Baseline.Source)
    }

    /// p50 and p99 of one phase of a session.
    public struct Phase: Sendable, Equatable {
        public var p50: Double
        public var p99: Double
    }

    /// What is known about one (mode, wait, batch).
    public struct Cell: Sendable, Equatable {
        /// Mean over repetitions, 0…1.
        public var successRate: Double?
        /// The source's words when it gives no number ("91-94%").
        public var successText: String?
        public var connect: Phase?
        public var reset: Phase?
        public var step: Phase?
        /// p50: mean of the repetitions' p50; p99: the worst repetition's (as the Scaling suite judges).
        public var total: Phase?
        /// Baselines give p99 total alone.
        public var p99Total: Double?
        public var requestsPerSecond: Double?
        public var note: String?
    }

    public typealias Key = CapacityAnalysis.Key

    public var name: String
    public var origin: Origin
    public var description: String?
    public var cores: Int?
    /// What each session sent (``Baseline/workload``'s names); `nil` when the source does not
    /// say (results without a `run-state.json`, such as the seed's).
    public var workload: String?
    /// Cells by (mode, wait), then batch size.
    public var cells: [Key: [Int: Cell]]
    /// Largest batch with ≥ 95 % mean success; a present `nil` means none qualified, an absent
    /// key means the source does not say.
    public var maxBatch: [Key: Int?]

    public var isMeasured: Bool {
        if case .measured = origin { return true }
        return false
    }

    /// The (mode, wait) pairs the source has figures for.
    public var keys: [Key] { Set(cells.keys).union(maxBatch.keys).sorted() }

    /// Reads `summary.csv` from a results directory written by `openenv-bench run -o`.
    public init(results directory: URL, name: String? = nil, cores: Int? = nil) throws {
        let summaries = try RunSummary.read(resultsDirectory: directory)
        self.init(summaries: summaries, name: name ?? directory.standardizedFileURL.lastPathComponent, directory: directory.path, cores: cores)
        workload = try SweepState.load(from: directory)?.sentWorkload
    }

    public init(summaries: [RunSummary], name: String, directory: String, cores: Int?) {
        self.name = name
        origin = .measured(directory: directory)
        description = Set(summaries.map(\.url)).sorted().joined(separator: ", ")
        self.cores = cores
        var grouped: [Key: [Int: [RunSummary]]] = [:]
        for summary in summaries {
            grouped[Key(mode: summary.mode, wait: summary.waitSeconds), default: [:]][summary.numRequests, default: []].append(summary)
        }
        cells = grouped.mapValues { $0.mapValues(Self.cell) }
        maxBatch = CapacityAnalysis(summaries: summaries).maxBatch
    }

    /// A checked-in baseline: success, p99 total and notes per case, and its max batch.
    public init(baseline: Baseline) {
        name = baseline.infrastructure
        origin = .baseline(baseline.source)
        description = baseline.description
        cores = baseline.cores
        workload = baseline.recordedWorkload
        var cells: [Key: [Int: Cell]] = [:]
        for expected in baseline.cases where expected.profile == nil {  // bursts: the seed's figures
            cells[Key(mode: expected.mode, wait: expected.waitSeconds), default: [:]][expected.batchSize] = Cell(
                successRate: expected.successRate,
                successText: expected.successRateText,
                p99Total: expected.p99Total,
                note: expected.note
            )
        }
        self.cells = cells
        maxBatch = Dictionary(baseline.maxBatch.map { (Key(mode: $0.mode, wait: $0.waitSeconds), $0.maxBatch) }, uniquingKeysWith: { a, _ in a })
    }

    /// Repetitions of one batch, reduced the way ``BaselineComparison`` judges them.
    private static func cell(_ runs: [RunSummary]) -> Cell {
        let served = runs.filter { $0.successful > 0 }
        /// A phase that never happened (HTTP has no connect) reports 0 in every repetition.
        func phase(_ quantiles: (RunSummary) -> RunSummary.Quantiles) -> Phase? {
            let values = served.map(quantiles)
            guard !values.isEmpty, values.contains(where: { $0.p99 > 0 }) else { return nil }
            return Phase(p50: values.map(\.p50).reduce(0, +) / Double(values.count), p99: values.map(\.p99).max() ?? 0)
        }
        let total: Phase? =
            served.isEmpty
            ? nil : Phase(p50: served.map(\.totalP50).reduce(0, +) / Double(served.count), p99: runs.worstServedP99 ?? 0)
        return Cell(
            successRate: runs.meanSuccessRate,
            connect: phase(\.connect),
            reset: phase(\.reset),
            step: phase(\.step),
            total: total,
            p99Total: runs.worstServedP99,
            requestsPerSecond: runs.map(\.requestsPerSecond).reduce(0, +) / Double(runs.count)
        )
    }
}
