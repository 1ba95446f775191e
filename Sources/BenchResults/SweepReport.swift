import Foundation

/// Text a person reads during and after a sweep: the seed's per-run line and final table, plus
/// the capacity analysis.
public enum SweepReport {
    /// The line printed when a run finishes.
    public static func runLine(_ summary: RunSummary, index: Int, total: Int) -> String {
        let percent = summary.successRate * 100
        return runLabel(
            mode: summary.mode,
            sessions: summary.numRequests,
            wait: summary.waitSeconds,
            repetition: summary.repetition,
            index: index,
            total: total
        )
            + " -> \(summary.successful)/\(summary.numRequests) "
            + "success (\(format(percent, 0))%), wall=\(format(summary.totalWallTime, 2))s, "
            + "p99=\(summary.successful > 0 ? format(summary.totalP99, 3) + "s" : "n/a"), "
            + "eff_conc=\(format(summary.effectiveConcurrency, 1))x, "
            + "rps=\(format(summary.requestsPerSecond, 1))"
    }

    /// Which run of the sweep this is, as the run line and the progress line start:
    /// `[2/8] [WS] N=512, wait=1.0s, rep=1`. `index` is 1-based.
    public static func runLabel(
        mode: LoadMode,
        sessions: Int,
        wait: Double,
        repetition: Int,
        index: Int,
        total: Int
    ) -> String {
        "[\(index)/\(total)] [\(mode.rawValue.uppercased())] N=\(sessions), wait=\(wait)s, rep=\(repetition)"
    }

    /// The table printed at the end of a sweep.
    public static func table(_ summaries: [RunSummary]) -> String {
        var lines = [
            row(["Mode", "N", "Wait", "Rep", "Success", "p50(s)", "p99(s)", "Wall(s)", "RPS", "Eff.Conc", "Hosts"])
        ]
        for s in summaries {
            lines.append(
                row([
                    s.mode.rawValue, "\(s.numRequests)", format(s.waitSeconds, 2), "\(s.repetition)",
                    "\(s.successful)", format(s.totalP50, 3), format(s.totalP99, 3), format(s.totalWallTime, 2),
                    format(s.requestsPerSecond, 1), format(s.effectiveConcurrency, 1),
                    s.successful > 0 && s.uniqueHosts == 0 ? "not reported" : "\(s.uniqueHosts)",
                ])
            )
        }
        return lines.joined(separator: "\n")
    }

    /// Max batch, batch per core and latency-bounded capacity per (mode, wait).
    public static func analysis(_ analysis: CapacityAnalysis, threshold: Double, cores: Int?) -> String {
        var lines = [
            "Capacity (max batch: mean success ≥ \(format(threshold * 100, 0))%; latency-bounded: also p99 ≤ 2 × (wait + 0.5 s))"
        ]
        for key in analysis.maxBatch.keys.sorted() {
            let maxBatch = (analysis.maxBatch[key] ?? nil).map(String.init) ?? "none"
            let bounded = (analysis.latencyBoundedCapacity[key] ?? nil).map(String.init) ?? "none"
            var line = "  \(key.mode.rawValue) wait=\(key.wait)s: max batch \(maxBatch), latency-bounded \(bounded)"
            if let cores, let perCore = analysis.batchPerCore(key, cores: cores) {
                line += ", batch/core \(format(perCore, 1)) (\(cores) cores)"
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    public static func format(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }

    private static func row(_ cells: [String]) -> String {
        let widths = [5, 7, 6, 4, 8, 8, 8, 9, 9, 9, 6]
        return zip(cells, widths).map { cell, width in
            String(repeating: " ", count: max(0, width - cell.count)) + cell
        }.joined(separator: " ")
    }
}
