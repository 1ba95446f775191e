public import EnvProtocol
import Foundation
import Histogram

extension LoadMeasures {
    /// Every figure as JSON (`--summary-json`): totals, rates over `wallTime`, latency
    /// percentiles in seconds, and the same per window.
    ///
    /// ```json
    /// {"window_seconds": 10, "steps_sent": 960, "steps_answered": 960, "steps_answered_share": 1,
    ///  "steps_per_second": 15.9, "episodes": 120, "episodes_per_second": 1.99, "peak_held": 16,
    ///  "sessions_dropped": 0, "reconnects": 0,
    ///  "step_latency": {"count": 960, "p50": 0.101, "p90": 0.102, "p99": 0.104, "p99_9": 0.11, "max": 0.12},
    ///  "slot_wait": {"count": 0}, "windows": [{"start": 0, "steps_sent": 150, …}]}
    /// ```
    public func json(wallTime: Double) -> JSONValue {
        let total = self.total
        var object = Self.figures(total)
        object["window_seconds"] = .number(window)
        object["start_time"] = .number(startTime)
        object["steps_answered_share"] = total.stepsSent > 0 ? .number(Double(total.stepsAnswered) / Double(total.stepsSent)) : .null
        object["steps_per_second"] = wallTime > 0 ? .number(Double(total.stepsAnswered) / wallTime) : .null
        object["episodes_per_second"] = wallTime > 0 ? .number(Double(total.episodes) / wallTime) : .null
        object["peak_held"] = .integer(peakHeld)
        object["windows"] = .array(
            windows.enumerated().map { index, window in
                var figures = Self.figures(window)
                figures["start"] = .number(Double(index) * self.window)
                return .object(figures)
            }
        )
        return .object(object)
    }

    private static func figures(_ window: Window) -> [String: JSONValue] {
        [
            "steps_sent": .integer(window.stepsSent), "steps_answered": .integer(window.stepsAnswered),
            "episodes": .integer(window.episodes), "sessions_dropped": .integer(window.sessionsDropped),
            "reconnects": .integer(window.reconnects), "step_latency": percentiles(window.stepLatency),
            "slot_wait": percentiles(window.slotWait),
        ]
    }

    /// `count`, then (when any) p50/p90/p99/p99.9/max in seconds.
    static func percentiles(_ histogram: LatencyHistogram) -> JSONValue {
        var object: [String: JSONValue] = ["count": .integer(Int(histogram.totalCount))]
        guard histogram.totalCount > 0 else { return .object(object) }
        for (label, percentile) in Self.percentiles {
            object[label.replacingOccurrences(of: ".", with: "_")] = .number(histogram.seconds(atPercentile: percentile))
        }
        object["max"] = .number(histogram.maxSeconds)
        return .object(object)
    }
}
