import BenchResults
import Foundation
import Reports
import Testing

/// The report built from a tiny hand-made results directory (`Fixtures/tiny-run`: ws, wait
/// 0.5 s, batches 4, 16 and 64, the last twice) and a hand-made baseline (`tiny-baseline.json`).
/// Every expected number below is worked out by hand in the comment next to it.
@Suite("Report from a fixture")
struct ReportTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let key = ReportSource.Key(mode: .ws, wait: 0.5)

    func sources() throws -> [ReportSource] {
        let run = try ReportSource(results: Self.fixtures.appendingPathComponent("tiny-run"), cores: 2)
        let baseline = try Baseline.resolve(Self.fixtures.appendingPathComponent("tiny-baseline.json").path, directory: Self.fixtures)
        return [run, ReportSource(baseline: baseline)]
    }

    @Test("summary.csv is reduced as the Scaling suite judges: mean success, worst p99, max batch ≥ 95 %")
    func reduction() throws {
        let run = try sources()[0]
        #expect(run.name == "tiny-run")
        let cell = try #require(run.cells[Self.key]?[64])
        #expect(cell.successRate == (48.0 / 64 + 56.0 / 64) / 2)  // 0.75 and 0.875 → 0.8125
        #expect(cell.p99Total == 1.6)  // worst of 1.6 and 1.2
        #expect(cell.connect?.p99 == 0.6)
        #expect(cell.requestsPerSecond == 29.5)  // (24 + 35) / 2
        #expect(run.maxBatch[Self.key] == .some(16))  // 64 is at 81.25 %
    }

    @Test("tables: results summary at the max batch, scaling per batch, latency breakdown; gaps say not measured")
    func tables() throws {
        let report = try Report(sources: sources())
        #expect(
            report.resultsSummary.rows == [
                ["tiny-run", "ws", "0.5", "16", "0.80s", "100%", "16.0"],
                ["tiny-baseline", "ws", "0.5", "16", "0.90s", "100%", "not measured"],
            ]
        )
        #expect(report.scalingBehavior.rows.contains(["tiny-baseline", "ws", "0.5", "256", "50-60%", "not measured", "Above capacity"]))
        #expect(report.scalingBehavior.rows.contains(["tiny-run", "ws", "0.5", "16", "100%", "0.80s", ""]))
        let latency = report.latencyBreakdown.rows
        #expect(latency.contains(["tiny-run", "ws", "0.5", "4", "0.01s", "0.02s", "0.02s", "0.03s", "0.51s", "0.52s", "0.55s", "0.60s"]))
        #expect(latency.contains(["tiny-baseline", "ws", "0.5", "4"] + Array(repeating: "not measured", count: 7) + ["0.70s"]))
        #expect(report.resultsSummary.markdown.hasPrefix("| Infrastructure | Mode | wait_s | Max Batch (95%+) |"))
    }

    @Test("(a) scaling curves: one line per source through (batch, success %) on a log2 x axis")
    func scalingCurves() throws {
        let svg = try #require(ReportFigures(report: Report(sources: sources())).scalingCurves.panels.first)
        // Plot x 64…540 over log2 4…64: 4 → 64, 16 → 302, 64 → 540. Plot y 284…40 over 0…105:
        // 100 % → 284 − 100/105 × 244 = 51.6; 81.25 % → 95.2; 90 % → 74.9; 95 % → 63.2.
        #expect(svg.contains("data-series=\"tiny-run\" d=\"M64.0,51.6 L302.0,51.6 L540.0,95.2\""))
        #expect(svg.contains("data-series=\"tiny-baseline\" d=\"M64.0,51.6 L302.0,51.6 L540.0,74.9\""))
        #expect(svg.contains("y1=\"63.2\"") && svg.contains("stroke-dasharray"))
        #expect(svg.contains(">Batch size (concurrent sessions, log2)</text>") && svg.contains(">Success (%)</text>"))
    }

    @Test("(b) max batch: bars on a log2 axis from 1 to 32; 16 is four fifths of the plot height")
    func maxBatch() throws {
        let svg = try #require(ReportFigures(report: Report(sources: sources())).maxBatch.panels.first)
        // Plot y 244…40 (204 px); log2 16 / log2 32 = 4/5 → height 163.2, top 80.8.
        // Two bands of 238 px: bars at 64 + 0.2 × 238 = 111.6 and 64 + 1.2 × 238 = 349.6, width 142.8.
        #expect(svg.contains("data-label=\"tiny-run\" x=\"111.6\" y=\"80.8\" width=\"142.8\" height=\"163.2\""))
        #expect(svg.contains("data-label=\"tiny-baseline\" x=\"349.6\" y=\"80.8\" width=\"142.8\" height=\"163.2\""))
        #expect(svg.contains(">Max batch (log2)</text>"))
    }

    @Test("(c) batch per core: 16 / 2 cores = 8.0 and 16 / 4 cores = 4.0 on a 0…9.2 axis")
    func batchPerCore() throws {
        let svg = try #require(ReportFigures(report: Report(sources: sources())).batchPerCore.panels.first)
        // 8 → height 8/9.2 × 204 = 177.4, top 66.6; 4 → height 88.7, top 155.3.
        #expect(svg.contains("data-label=\"tiny-run\" x=\"111.6\" y=\"66.6\" width=\"142.8\" height=\"177.4\""))
        #expect(svg.contains("data-label=\"tiny-baseline\" x=\"349.6\" y=\"155.3\" width=\"142.8\" height=\"88.7\""))
        #expect(svg.contains(">8.0</text>") && svg.contains(">4.0</text>"))
    }

    @Test("(d) heatmap: p99 per source × batch; the baseline's 256 has no p99 and the run never ran it")
    func heatmap() throws {
        let svg = try #require(ReportFigures(report: Report(sources: sources())).latencyHeatmap.panels.first)
        for text in ["0.60", "0.80", "1.60", "0.70", "0.90", "1.50", "tiny-run · ws · wait 0.5 s", "256"] {
            #expect(svg.contains(">\(text)</text>"), "\(text)")
        }
        #expect(svg.components(separatedBy: ">–</text>").count == 3, "two cells not measured")
        #expect(svg.components(separatedBy: "class=\"cell\"").count == 9)
    }

    @Test("(e) comparison: the two named sources, success and p99; an unknown name is a clear error")
    func comparison() throws {
        let figure = ReportFigures(report: try Report(sources: sources(), compare: ("tiny-baseline", "tiny-run"))).comparison
        #expect(figure.panels.count == 2)
        #expect(figure.panels[0].contains("Success: tiny-baseline vs tiny-run, ws · wait 0.5 s"))
        #expect(figure.panels[1].contains(">p99 total latency (s)</text>"))
        #expect(throws: ReportError.self) { try Report(sources: sources(), compare: ("tiny-run", "nope")) }
    }

    @Test("the HTML page is self-contained and holds the five figures and the tables")
    func html() throws {
        let html = HTMLReport.render(try Report(sources: sources()), generatedAt: "now")
        for id in ["fig-scaling-curves", "fig-max-batch", "fig-batch-per-core", "fig-latency-heatmap", "fig-comparison"] {
            #expect(html.contains("id=\"\(id)\""), "\(id)")
        }
        #expect(html.components(separatedBy: "<svg ").count - 1 == 6)  // a, b, c, d: one panel each; e: two
        #expect(!html.contains("<script") && !html.contains("http://www.w3.org/1999") && !html.contains("<link"))
        #expect(!html.contains("src=\"http"), "nothing loaded from the network")
        #expect(html.contains("<td class=\"not-measured\">not measured</td>"))
    }

    @Test("diff: the fixture's batch 64 falls 8.75 points below the baseline's 90 % — a regression")
    func diff() throws {
        let summaries = try RunSummary.read(contentsOf: Self.fixtures.appendingPathComponent("tiny-run/summary.csv"))
        let baseline = try Baseline.resolve(Self.fixtures.appendingPathComponent("tiny-baseline.json").path, directory: Self.fixtures)
        let diff = RegressionDiff(baseline: baseline, summaries: summaries)
        #expect(diff.hasRegression)
        let regressions = diff.rows.filter { $0.cell.verdict == .regression }
        #expect(regressions.map(\.scope) == ["ws · wait 0.5 s · batch 64"])
        #expect(regressions.map(\.cell.name) == ["success"])
        // The same cells BaselineComparison gives the Scaling suite for that case.
        let runs = summaries.filter { $0.numRequests == 64 }
        let suite = BaselineComparison(case: baseline.expected(mode: .ws, wait: 0.5, batch: 64), runs: runs, tolerances: baseline.tolerances)
        #expect(diff.rows.filter { $0.scope == "ws · wait 0.5 s · batch 64" }.map(\.cell) == suite.cells)
        #expect(diff.rows.contains { $0.scope == "ws · wait 0.5 s · batch 256" && $0.cell.measured == "not measured" })
        #expect(diff.rows.contains { $0.scope == "capacity" && $0.cell.verdict == .pass })
        #expect(diff.markdown.contains("1 regression against 'tiny-baseline'."))
    }

    @Test("log entry: the seed's template, times from raw.jsonl and summary.csv")
    func logEntry() throws {
        let entry = try LogEntry(results: Self.fixtures.appendingPathComponent("tiny-run"), infrastructure: "local-test").markdown
        let expectedLines = [
            "## Run: 2026-11-20-local-test", "**Infrastructure:** local-test  ", "**Start:** 2026-11-20T10:00:00Z  ",
            "**End:** 2026-11-20T10:00:09Z  ", "**Status:** Complete  ", "### Configuration", "- Workers: 1 (distinct server PIDs seen)",
            "- Max Concurrent Envs: not recorded", "- URL: http://127.0.0.1:8000", "### Command", "# Server startup",
            "# Experiment execution", "    --requests-grid 4,16,64 \\", "    --wait-grid 0.5 \\", "    --reps 2 \\",
            "### Results Summary", "| Mode | wait_s | Max Batch (95%+) | p99 Latency | Success % | RPS |",
            "| ws | 0.5 | 16 | 0.80s | 100% | 16.0 |", "### Scaling Behavior", "| Batch Size | Success Rate | p99 Latency | Notes |",
            "| 16 | 100% | 0.80s | |", "### Links", "### Observations", "{Notes about the run, any issues encountered, interesting findings}",
        ]
        let lines = entry.components(separatedBy: "\n")
        for line in expectedLines {
            #expect(lines.contains(line), "\(line)")
        }
        // Sections in the template's order.
        let order = [
            "**Infrastructure:**", "**Start:**", "**End:**", "**Status:**", "### Configuration", "### Command",
            "### Results Summary", "### Scaling Behavior", "### Links", "### Observations",
        ]
        let positions = order.map { entry.range(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil })
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
    }

    @Test("a summary.csv that is not ours says which line and column")
    func badSummary() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("report-bad-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "mode,url\r\nws,x\r\n".write(to: directory.appendingPathComponent("summary.csv"), atomically: true, encoding: .utf8)
        let error = try #require(throws: ResultsFileError.self) { try ReportSource(results: directory) }
        #expect(error.description.contains("line 2") && error.description.contains("num_requests"))
        #expect(throws: ResultsFileError.self) { try ReportSource(results: directory.appendingPathComponent("missing")) }
    }
}
