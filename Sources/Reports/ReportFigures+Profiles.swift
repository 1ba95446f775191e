import BenchResults
import Charts

/// The trainer-profile figures, beside the seed's five: step latency over time and its
/// distribution (from the runs' `.hlog`s), and sustainable concurrency per profile (from
/// `capacity`). A report without profile runs or searches draws none of them.
extension ReportFigures {
    /// The profile figures this report has data for.
    public var profileFigures: [Figure] {
        (report.profileRuns.isEmpty ? [] : [stepLatencyOverTime, stepLatencyCDF])
            + (report.capacities.isEmpty ? [] : [sustainableConcurrency])
    }

    /// p50 and p99 of each window, one pair of lines per run (p99 in the run's colour, p50 in
    /// the next).
    public var stepLatencyOverTime: Figure {
        let series = report.profileRuns.enumerated().flatMap { index, run -> [LineChart.Series] in
            let windows = run.measures.stepLatencyPerWindow
            return [
                LineChart.Series(
                    name: "\(run.name) p99",
                    color: Palette.color(2 * index),
                    points: windows.map { .init(x: $0.start, y: $0.p99 * 1000) }
                ),
                LineChart.Series(
                    name: "\(run.name) p50",
                    color: Palette.color(2 * index + 1),
                    points: windows.map { .init(x: $0.start, y: $0.p50 * 1000) }
                ),
            ]
        }
        let windows = Set(report.profileRuns.map(\.measures.window)).sorted().map(Format.wait).joined(separator: ", ")
        return Figure(
            id: "fig-step-latency-over-time",
            title: "(f) Step latency over time",
            caption: "p50 and p99 of each \(windows) s window of the run's interval log; windows without an answered step are not drawn.",
            panels: [
                LineChart(
                    title: "Step latency per window",
                    xTitle: "Time since the run started (s)",
                    yTitle: "Step latency (ms)",
                    xKind: .linear,
                    series: series
                ).svg()
            ]
        )
    }

    /// The share of steps answered within each latency, one line per run.
    public var stepLatencyCDF: Figure {
        let series = report.profileRuns.enumerated().map { index, run in
            LineChart.Series(
                name: run.name,
                color: Palette.color(2 * index),
                points: run.measures.stepLatencyCDF().map { .init(x: $0.latency * 1000, y: $0.share * 100) }
            )
        }
        return Figure(
            id: "fig-step-latency-cdf",
            title: "(g) Step latency distribution",
            caption: "Cumulative share of the answered steps within each latency (HdrHistogram, 3 significant digits).",
            panels: [
                LineChart(
                    title: "Step latency CDF",
                    xTitle: "Step latency (ms)",
                    yTitle: "Steps answered within (%)",
                    xKind: .linear,
                    yDomain: 0...105,
                    series: series,
                    references: [.init(y: 99, label: "p99")]
                ).svg()
            ]
        )
    }

    /// The largest concurrency each `capacity` search sustained, one bar per search.
    public var sustainableConcurrency: Figure {
        let bars = report.capacities.enumerated().map { index, search in
            BarChart.Bar(
                label: "\(search.name) · \(search.profile)",
                value: search.sustainableConcurrency.map(Double.init),
                text: search.sustainableConcurrency.map(String.init) ?? "none passed",
                color: Palette.color(index)
            )
        }
        return Figure(
            id: "fig-sustainable-concurrency",
            title: "(h) Sustainable concurrency per profile",
            caption: "The largest N whose run kept step p99 within its bound, answered ≥ 99.9 % of its steps and lost no session.",
            panels: [BarChart(title: "Sustainable concurrency", yTitle: "Concurrent sessions (log2)", yKind: .log2, bars: bars).svg()]
        )
    }
}
