import Histogram

extension LoadMeasures {
    /// Step latency p50 and p99 of one window, seconds.
    public struct WindowLatency: Sendable, Equatable {
        /// Seconds from the run's start.
        public var start: Double
        public var p50: Double
        public var p99: Double

        public init(start: Double, p50: Double, p99: Double) {
            self.start = start
            self.p50 = p50
            self.p99 = p99
        }
    }

    /// A point of the step-latency distribution: this latency (seconds) or less took `share`
    /// (0…1) of the answered steps.
    public struct CDFPoint: Sendable, Equatable {
        public var latency: Double
        public var share: Double

        public init(latency: Double, share: Double) {
            self.latency = latency
            self.share = share
        }
    }

    /// p50 and p99 per window (the report's "step latency over time"); windows without an
    /// answered step are left out: no latency, not a latency of 0.
    public var stepLatencyPerWindow: [WindowLatency] {
        windows.enumerated().compactMap { index, window in
            let latency = window.stepLatency
            guard latency.totalCount > 0 else { return nil }
            return WindowLatency(
                start: Double(index) * self.window,
                p50: latency.seconds(atPercentile: 50),
                p99: latency.seconds(atPercentile: 99)
            )
        }
    }

    /// The cumulative distribution of every answered step's latency, one point per recorded
    /// histogram value, thinned to about `points` (the last, the maximum, always kept).
    public func stepLatencyCDF(points: Int = 200) -> [CDFPoint] {
        let latency = total.stepLatency
        guard latency.totalCount > 0, points > 0 else { return [] }
        var cumulative: UInt64 = 0
        let all = latency.recordedValues().map { recorded -> CDFPoint in
            cumulative += recorded.count
            return CDFPoint(latency: Self.seconds(recorded.value), share: Double(cumulative) / Double(latency.totalCount))
        }
        let stride = max(1, (all.count + points - 1) / points)
        return all.enumerated().filter { $0.offset % stride == 0 || $0.offset == all.count - 1 }.map(\.element)
    }
}

extension LoadMeasures.Window {
    /// Slots waited for (and obtained): one wait each.
    public var slotWaits: Int { Int(slotWait.totalCount) }

    /// Step latency at `percentile` (0…100; 100 is the maximum) in seconds; `nil` when no step
    /// was answered.
    public func stepLatency(atPercentile percentile: Double) -> Double? {
        Self.seconds(stepLatency, percentile)
    }

    /// The wait for a slot at `percentile` (0…100) in seconds; `nil` when there was none.
    public func slotWait(atPercentile percentile: Double) -> Double? {
        Self.seconds(slotWait, percentile)
    }

    private static func seconds(_ histogram: LoadMeasures.LatencyHistogram, _ percentile: Double) -> Double? {
        guard histogram.totalCount > 0 else { return nil }
        return percentile >= 100 ? histogram.maxSeconds : histogram.seconds(atPercentile: percentile)
    }
}
