import Histogram

/// The lines a profile run's measures print under its result line.
public enum MeasuresReport {
    /// Steps, episodes, step latency percentiles, peak sessions held, slot waits, drops.
    public static func lines(_ measures: LoadMeasures, wallTime: Double, sessions: Int) -> [String] {
        let total = measures.total
        let answered = total.stepsAnswered
        let rate = { (count: Int) in wallTime > 0 ? CSV.number(Double(count) / wallTime) : "0" }
        // ci/bench-hold and ci/bench-server-cost read the first line's "held: … steps answered A/S".
        var lines = [
            "  held: peak \(measures.peakHeld) sessions open at once of \(sessions); steps answered \(answered)/\(total.stepsSent) (\(rate(answered))/s); episodes \(total.episodes) (\(rate(total.episodes))/s)",
            "  step latency: " + percentiles(total.stepLatency),
        ]
        if total.slotWait.totalCount > 0 { lines.append("  slot wait: " + percentiles(total.slotWait)) }
        if total.sessionsDropped > 0 || total.reconnects > 0 {
            lines.append("  sessions dropped by the server: \(total.sessionsDropped); reconnects: \(total.reconnects)")
        }
        return lines
    }

    /// `p50 0.101s p90 … max …` of a histogram in microseconds.
    static func percentiles(_ histogram: LoadMeasures.LatencyHistogram) -> String {
        guard histogram.totalCount > 0 else { return "none" }
        return LoadMeasures.percentiles.map { label, percentile in
            "\(label) \(CSV.number(histogram.seconds(atPercentile: percentile)))s"
        }.joined(separator: " ") + " max \(CSV.number(histogram.maxSeconds))s"
    }
}
