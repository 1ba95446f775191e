/// What a sweep says about capacity, per (mode, wait).
public struct CapacityAnalysis: Sendable, Equatable {
    public struct Key: Hashable, Sendable, Comparable {
        public var mode: LoadMode
        public var wait: Double

        public init(mode: LoadMode, wait: Double) {
            self.mode = mode
            self.wait = wait
        }

        public static func < (lhs: Key, rhs: Key) -> Bool {
            (lhs.mode.rawValue, lhs.wait) < (rhs.mode.rawValue, rhs.wait)
        }
    }

    /// The seed's figure: the largest batch whose success rate, averaged over repetitions, is at
    /// least the threshold. `nil` when no batch qualifies.
    public var maxBatch: [Key: Int?]
    /// Our stricter figure: the largest batch with ≥ 95 % mean success *and* every
    /// repetition's p99 total latency ≤ 2 × (wait + 0.5 s).
    public var latencyBoundedCapacity: [Key: Int?]

    public init(summaries: [RunSummary], threshold: Double = 0.95) {
        var byKey: [Key: [Int: [RunSummary]]] = [:]
        for summary in summaries {
            byKey[Key(mode: summary.mode, wait: summary.waitSeconds), default: [:]][summary.numRequests, default: []]
                .append(summary)
        }
        maxBatch = byKey.mapValues { batches in
            batches.filter { ($0.value.meanSuccessRate ?? 0) >= threshold }.keys.max()
        }
        latencyBoundedCapacity = byKey.mapValues { batches in
            batches.filter { batch, runs in
                let bound = Self.latencyBound(wait: runs[0].waitSeconds)
                return (runs.meanSuccessRate ?? 0) >= 0.95 && runs.allSatisfy { $0.totalP99 <= bound }
            }.keys.max()
        }
    }

    /// `2 × (wait + 0.5 s)`: a session may take twice its ideal time before it counts as served late.
    public static func latencyBound(wait: Double) -> Double {
        2 * (wait + 0.5)
    }

    /// Max batch divided by cores (the seed's "batch per core").
    public func batchPerCore(_ key: Key, cores: Int) -> Double? {
        guard cores > 0, let batch = maxBatch[key] ?? nil else { return nil }
        return Double(batch) / Double(cores)
    }
}
