import BenchResults
import Charts
import Foundation

/// The seed benchmark's five figures (and the trainer-profile ones), drawn from a ``Report``. Each figure is one or more SVG
/// panels; a source keeps its colour in every figure.
public struct ReportFigures: Sendable {
    public struct Figure: Sendable {
        public var id: String
        public var title: String
        public var caption: String
        public var panels: [String]
    }

    public let report: Report

    public init(report: Report) {
        self.report = report
    }

    /// The seed's five figures, then the trainer-profile figures there is data for.
    public var all: [Figure] { [scalingCurves, maxBatch, batchPerCore, latencyHeatmap, comparison] + profileFigures }

    func color(_ source: ReportSource) -> String {
        Palette.color(report.sources.firstIndex { $0.name == source.name } ?? 0)
    }

    static func panelLabel(_ key: ReportSource.Key) -> String {
        "\(key.mode.rawValue) · wait \(Format.wait(key.wait)) s"
    }

    /// (a) Success % against batch size, one line per source, per (mode, wait).
    public var scalingCurves: Figure {
        let panels = report.keys.map { key in
            LineChart(
                title: "Success rate vs batch size (\(Self.panelLabel(key)))",
                xTitle: "Batch size (concurrent sessions, log2)",
                yTitle: "Success (%)",
                yDomain: 0...105,
                series: successSeries(report.sources, key),
                references: [.init(y: 95, label: "95%")]
            ).svg()
        }
        return Figure(
            id: "fig-scaling-curves",
            title: "(a) Scaling curves",
            caption:
                "Mean success over repetitions; dashed: the 95 % line max batch is judged by. Sources giving only words (\"91-94%\") are left out.",
            panels: panels
        )
    }

    func successSeries(_ sources: [ReportSource], _ key: ReportSource.Key) -> [LineChart.Series] {
        sources.compactMap { source in
            let points = (source.cells[key] ?? [:]).compactMap { batch, cell in
                cell.successRate.map { LineChart.Point(x: Double(batch), y: $0 * 100) }
            }
            return points.isEmpty ? nil : LineChart.Series(name: source.name, color: color(source), points: points)
        }
    }

    /// (b) Max batch per source, one panel per (mode, wait).
    public var maxBatch: Figure {
        let panels = report.keys.map { key in
            BarChart(
                title: "Max batch, ≥ 95% success (\(Self.panelLabel(key)))",
                yTitle: "Max batch (log2)",
                yKind: .log2,
                bars: report.sources.map { source in
                    switch source.maxBatch[key] {
                    case .some(.some(let batch)): .init(label: source.name, value: Double(batch), text: String(batch), color: color(source))
                    case .some(.none): .init(label: source.name, value: nil, text: "none ≥ 95%", color: color(source))
                    case .none: .init(label: source.name, value: nil, text: Format.notMeasured, color: color(source))
                    }
                }
            ).svg()
        }
        return Figure(
            id: "fig-max-batch",
            title: "(b) Max batch by infrastructure",
            caption: "Largest batch with mean success ≥ 95 %.",
            panels: panels
        )
    }

    /// (c) Max batch divided by the cores serving it.
    public var batchPerCore: Figure {
        let panels = report.keys.map { key in
            BarChart(
                title: "Batch per core (\(Self.panelLabel(key)))",
                yTitle: "Max batch / cores",
                bars: report.sources.map { source in
                    let batch = source.maxBatch[key] ?? nil
                    switch (batch, source.cores) {
                    case (let batch?, let cores?) where cores > 0:
                        let value = Double(batch) / Double(cores)
                        return .init(label: source.name, value: value, text: Format.decimal(value), color: color(source))
                    case (_?, _):
                        return .init(label: source.name, value: nil, text: "cores not known", color: color(source))
                    default:
                        let text = source.maxBatch[key] == nil ? Format.notMeasured : "none ≥ 95%"
                        return .init(label: source.name, value: nil, text: text, color: color(source))
                    }
                }
            ).svg()
        }
        return Figure(
            id: "fig-batch-per-core",
            title: "(c) Batch per core",
            caption: "Max batch divided by the cores serving (baseline's cores, or --cores for results).",
            panels: panels
        )
    }

    /// (d) p99 total latency, rows = source × (mode, wait), columns = batch sizes.
    public var latencyHeatmap: Figure {
        let rows = report.sources.flatMap { source in source.keys.filter { source.cells[$0] != nil }.map { (source, $0) } }
        let batches = Set(rows.flatMap { source, key in (source.cells[key] ?? [:]).keys }).sorted()
        let heatmap = Heatmap(
            title: "p99 total latency (s) by infrastructure × batch size",
            xTitle: "Batch size",
            rows: rows.map { "\($0.0.name) · \(Self.panelLabel($0.1))" },
            columns: batches.map(String.init),
            values: rows.map { source, key in batches.map { source.cells[key]?[$0]?.p99Total } },
            format: { String(format: "%.2f", $0) }
        )
        return Figure(
            id: "fig-latency-heatmap",
            title: "(d) Latency heatmap",
            caption: "p99 total session latency, worst repetition; grey “–”: not measured.",
            panels: [heatmap.svg()]
        )
    }

    /// (e) Two sources side by side: success and p99 against batch size, at the (mode, wait)
    /// they share with the most points.
    public var comparison: Figure {
        let id = "fig-comparison"
        let title = "(e) Single- vs multi-node comparison"
        guard let (first, second) = report.comparison else {
            return Figure(id: id, title: title, caption: "Needs two sources.", panels: [])
        }
        let shared = Set(first.cells.keys).intersection(second.cells.keys)
        guard let key = shared.max(by: { pointCount($0, first, second) < pointCount($1, first, second) }) else {
            return Figure(id: id, title: title, caption: "\(first.name) and \(second.name) share no (mode, wait): nothing to compare.", panels: [])
        }
        let pair = [first, second]
        let latency = pair.compactMap { source -> LineChart.Series? in
            let points = (source.cells[key] ?? [:]).compactMap { batch, cell in cell.p99Total.map { LineChart.Point(x: Double(batch), y: $0) } }
            return points.isEmpty ? nil : .init(name: source.name, color: color(source), points: points)
        }
        let label = "\(first.name) vs \(second.name), \(Self.panelLabel(key))"
        return Figure(
            id: id,
            title: title,
            caption: "Choose the two with --compare A,B.",
            panels: [
                LineChart(
                    title: "Success: \(label)",
                    xTitle: "Batch size (log2)",
                    yTitle: "Success (%)",
                    yDomain: 0...105,
                    series: successSeries(pair, key),
                    references: [.init(y: 95, label: "95%")],
                    legendWidth: 130,
                    frame: Self.comparisonFrame
                ).svg(),
                LineChart(
                    title: "p99 total: \(label)",
                    xTitle: "Batch size (log2)",
                    yTitle: "p99 total latency (s)",
                    series: latency,
                    legendWidth: 130,
                    frame: Self.comparisonFrame
                ).svg(),
            ]
        )
    }

    /// Narrower than the default, so the two panels sit side by side on a 1400 px page.
    static let comparisonFrame = ChartFrame(width: 500)

    private func pointCount(_ key: ReportSource.Key, _ a: ReportSource, _ b: ReportSource) -> Int {
        (a.cells[key]?.count ?? 0) + (b.cells[key]?.count ?? 0)
    }
}
