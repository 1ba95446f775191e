public import EnvProtocol

/// A sweep's summary as one JSON document (`openenv-bench run --summary-json FILE`), for
/// dashboards and CI: every run's figures (the `summary.csv` columns, numbers as numbers), the
/// capacity analysis, the check verdicts, and what wrote it when.
///
/// ```json
/// {"tool": "openenv-bench", "version": "0.1.0", "complete": true, "interruption": null,
///  "started_at": "2026-01-13T12:23:22.123456Z", "finished_at": "…", "url": "http://…",
///  "runs": [{"mode": "ws", "num_requests": 512, "successful": 512, "total_p99": 1.21, …}],
///  "capacity": {"threshold": 0.95, "cores": 2, "latency_bound": "p99 <= 2 * (wait_seconds + 0.5)",
///               "configurations": [{"mode": "ws", "wait_seconds": 1.0, "max_batch": 512,
///                                   "latency_bounded_capacity": 512, "batch_per_core": 256.0}]},
///  "checks": {"passed": true, "violations": [], "host_warnings": []}}
/// ```
///
/// It is written also when a check fails and when the sweep is interrupted; then
/// `complete` is `false` and `interruption` says where it stopped.
public struct SweepSummaryDocument: Sendable, Equatable {
    /// The program that wrote it.
    public var tool: String
    public var version: String
    /// The URL written in the runs' `url` column.
    public var url: String
    /// When the sweep started and when this document was written (``Timestamp`` format).
    public var startedAt: String
    public var finishedAt: String
    /// Why the sweep is incomplete (SIGINT), or `nil` when every run finished.
    public var interruption: String?
    /// Every finished run, in order.
    public var runs: [RunSummary]
    /// Mean success a batch needs to count for max batch (`--threshold`).
    public var threshold: Double
    /// Cores that served, for batch per core (`--cores`), when known.
    public var cores: Int?
    /// Each failed check, one message each (`--min-success`, `--max-p99`, `--require-hosts`).
    public var violations: [String]
    /// Runs served by fewer hosts than `--expected-hosts`, reported without failing.
    public var hostWarnings: [String]

    /// - Parameters: see the properties; `finishedAt` defaults to now.
    public init(
        tool: String,
        version: String,
        url: String,
        startedAt: String,
        finishedAt: String = Timestamp.now(),
        interruption: String? = nil,
        runs: [RunSummary],
        threshold: Double,
        cores: Int? = nil,
        violations: [String] = [],
        hostWarnings: [String] = []
    ) {
        self.tool = tool
        self.version = version
        self.url = url
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.interruption = interruption
        self.runs = runs
        self.threshold = threshold
        self.cores = cores
        self.violations = violations
        self.hostWarnings = hostWarnings
    }

    /// Every run of the sweep finished.
    public var isComplete: Bool { interruption == nil }
    /// No check failed.
    public var passed: Bool { violations.isEmpty }

    /// The document (``JSONCoding/encode(_:)`` writes it with sorted keys, so two diff cleanly).
    public var json: JSONValue {
        [
            "tool": .string(tool),
            "version": .string(version),
            "url": .string(url),
            "started_at": .string(startedAt),
            "finished_at": .string(finishedAt),
            "complete": .bool(isComplete),
            "interruption": interruption.map(JSONValue.string) ?? .null,
            "runs": .array(runs.map(\.jsonFigures)),
            "capacity": capacity,
            "checks": [
                "passed": .bool(passed),
                "violations": .array(violations.map(JSONValue.string)),
                "host_warnings": .array(hostWarnings.map(JSONValue.string)),
            ],
        ]
    }

    /// The analysis ``SweepReport/analysis(_:threshold:cores:)`` prints, per (mode, wait).
    private var capacity: JSONValue {
        let analysis = CapacityAnalysis(summaries: runs, threshold: threshold)
        let configurations: [JSONValue] = analysis.maxBatch.keys.sorted().map { key in
            [
                "mode": .string(key.mode.rawValue),
                "wait_seconds": .number(key.wait),
                "max_batch": (analysis.maxBatch[key] ?? nil).map(JSONValue.integer) ?? .null,
                "latency_bounded_capacity": (analysis.latencyBoundedCapacity[key] ?? nil).map(JSONValue.integer) ?? .null,
                "batch_per_core": cores.flatMap { analysis.batchPerCore(key, cores: $0) }.map(JSONValue.number) ?? .null,
            ]
        }
        return [
            "threshold": .number(threshold),
            "cores": cores.map(JSONValue.integer) ?? .null,
            "latency_bound": "p99 <= 2 * (wait_seconds + 0.5)",
            "configurations": .array(configurations),
        ]
    }
}
