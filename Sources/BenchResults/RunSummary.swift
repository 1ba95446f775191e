/// One run (a burst of N sessions) summarised: exactly one row of `summary.csv`, with the seed
/// benchmark's columns and formulas.
public struct RunSummary: Sendable, Equatable {
    public var mode: LoadMode
    public var url: String
    public var numRequests: Int
    public var waitSeconds: Double
    public var repetition: Int
    public var timestamp: String
    public var hardware: String
    public var successful = 0
    public var failed = 0
    public var errorRate = 0.0
    public var totalWallTime = 0.0
    public var connect = Quantiles()
    public var reset = Quantiles()
    public var step = Quantiles()
    public var totalMin = 0.0
    public var totalMax = 0.0
    public var totalAvg = 0.0
    public var totalP50 = 0.0
    public var totalP90 = 0.0
    public var totalP95 = 0.0
    public var totalP99 = 0.0
    public var requestsPerSecond = 0.0
    public var effectiveConcurrency = 0.0
    public var uniquePIDs = 0
    public var uniqueSessions = 0
    public var uniqueHosts = 0
    /// Profile runs: steps, episodes, step latency percentiles, slot waits and drops, per
    /// window (in `--summary-json`, not in `summary.csv`).
    public var measures: LoadMeasures?
    /// The load generator's own CPU during the run and its peak resident set (in
    /// `--summary-json` as `client`); `nil` where it was not measured (merged shards, CSV).
    public var clientUsage: ProcessUsage?

    /// p50, p95, p99 of one phase.
    public struct Quantiles: Sendable, Equatable {
        public var p50 = 0.0
        public var p95 = 0.0
        public var p99 = 0.0

        init() {}

        /// Percentiles of the positive values only, as the seed did (a phase that did not
        /// happen — HTTP has no connect — reports 0).
        init(_ values: [Double]) {
            let measured = values.filter { $0 > 0 }.sorted()
            p50 = Percentile.sorted(measured, 50)
            p95 = Percentile.sorted(measured, 95)
            p99 = Percentile.sorted(measured, 99)
        }
    }

    /// Summarises `results`; latency figures come from successful sessions only.
    public init(
        results: [SessionResult],
        mode: LoadMode,
        url: String,
        numRequests: Int,
        waitSeconds: Double,
        repetition: Int,
        totalWallTime: Double,
        hardware: String,
        timestamp: String = Timestamp.now()
    ) {
        self.mode = mode
        self.url = url
        self.numRequests = numRequests
        self.waitSeconds = waitSeconds
        self.repetition = repetition
        self.timestamp = timestamp
        self.hardware = hardware
        self.totalWallTime = totalWallTime
        let succeeded = results.filter(\.success)
        successful = succeeded.count
        failed = results.count - succeeded.count
        errorRate = results.isEmpty ? 0 : Double(failed) / Double(results.count)
        guard !succeeded.isEmpty else { return }
        connect = Quantiles(succeeded.map(\.connectLatency))
        reset = Quantiles(succeeded.map(\.resetLatency))
        step = Quantiles(succeeded.map(\.stepLatency))
        let totals = succeeded.map(\.totalLatency).sorted()
        totalMin = totals.first ?? 0
        totalMax = totals.last ?? 0
        totalAvg = totals.reduce(0, +) / Double(totals.count)
        totalP50 = Percentile.sorted(totals, 50)
        totalP90 = Percentile.sorted(totals, 90)
        totalP95 = Percentile.sorted(totals, 95)
        totalP99 = Percentile.sorted(totals, 99)
        if totalWallTime > 0 {
            requestsPerSecond = Double(successful) / totalWallTime
            effectiveConcurrency = Double(numRequests) * waitSeconds / totalWallTime
        }
        uniquePIDs = Set(succeeded.map(\.pid).filter { $0 != 0 }).count
        uniqueSessions = Set(succeeded.map(\.sessionHash).filter { !$0.isEmpty }).count
        uniqueHosts = Set(succeeded.map(\.hostURL).filter { !$0.isEmpty }).count
    }

    /// Share of sessions that succeeded (0…1).
    public var successRate: Double { 1 - errorRate }

    /// The `summary.csv` columns, in the seed's order.
    public static let columns = [
        "mode", "url", "num_requests", "batch_size", "wait_seconds", "repetition", "timestamp", "hardware",
        "successful", "failed", "error_rate", "total_wall_time", "connect_p50", "connect_p95", "connect_p99",
        "reset_p50", "reset_p95", "reset_p99", "step_p50", "step_p95", "step_p99", "total_min", "total_max",
        "total_avg", "total_p50", "total_p90", "total_p95", "total_p99", "requests_per_second",
        "effective_concurrency", "unique_pids", "unique_sessions", "unique_hosts",
    ]

    /// The values in ``columns`` order, as CSV fields.
    public var csvFields: [String] {
        [
            mode.rawValue, url, String(numRequests), String(numRequests), CSV.number(waitSeconds), String(repetition),
            timestamp, hardware, String(successful), String(failed), CSV.number(errorRate),
            CSV.number(totalWallTime),
        ] + [connect, reset, step].flatMap { [CSV.number($0.p50), CSV.number($0.p95), CSV.number($0.p99)] }
            + [
                totalMin, totalMax, totalAvg, totalP50, totalP90, totalP95, totalP99, requestsPerSecond,
                effectiveConcurrency,
            ].map(CSV.number)
            + [String(uniquePIDs), String(uniqueSessions), String(uniqueHosts)]
    }
}

extension Collection where Element == RunSummary {
    /// The repetitions' success rate averaged, as the seed's analysis did; `nil` for no runs.
    /// What baselines record and what comparisons and max batch are judged by.
    public var meanSuccessRate: Double? {
        isEmpty ? nil : map(\.successRate).reduce(0, +) / Double(count)
    }

    /// The worst p99 total latency among repetitions that served anyone; `nil` when none did
    /// (there is then no latency to speak of, not a latency of 0).
    public var worstServedP99: Double? {
        filter { $0.successful > 0 }.map(\.totalP99).max()
    }
}
