import BenchResults
import Foundation
import Reports
import Testing

/// The trainer-profile figures and tables from hand-made inputs: a run's measures (1 s windows:
/// window 0 holds 90 steps of 1 ms and 10 of 2 ms, window 1 none, window 2 ten of 1.5 ms; 112
/// steps sent, 27 episodes; values below 2,048 µs are exact in an HdrHistogram of 3 digits) and
/// two `capacity --summary-json` files (`Fixtures/capacity-*.json`).
@Suite("Report: trainer profiles")
struct ProfileReportTests {
    static let fixtures = ReportTests.fixtures

    static func measures() -> LoadMeasures {
        var measures = LoadMeasures(window: 1)
        for _ in 0..<90 { measures.recordStep(latency: 0.001, at: 0.2) }
        for _ in 0..<10 { measures.recordStep(latency: 0.002, at: 0.7) }
        for _ in 0..<10 { measures.recordStep(latency: 0.0015, at: 2.5) }
        for _ in 0..<112 { measures.recordStepSent(at: 0.1) }
        for _ in 0..<27 { measures.recordEpisode(at: 0.9) }
        measures.recordHeld(8)
        return measures
    }

    func report() throws -> Report {
        try Report(
            sources: [ReportSource(results: Self.fixtures.appendingPathComponent("tiny-run"), cores: 2)],
            profileRuns: [ProfileRunSource(name: "pool-run", measures: Self.measures())],
            capacities: [
                try CapacitySearchResult.read(Self.fixtures.appendingPathComponent("capacity-pool.json")),
                try CapacitySearchResult.read(Self.fixtures.appendingPathComponent("capacity-none.json"), name: "agentic"),
            ]
        )
    }

    @Test("step latency per window: p50 and p99 of each window with steps; an empty window is left out, not drawn as 0")
    func perWindow() {
        let windows = Self.measures().stepLatencyPerWindow
        #expect(
            windows == [
                .init(start: 0, p50: 0.001, p99: 0.002),  // 90 × 1 ms, 10 × 2 ms: the 99th of 100 is 2 ms
                .init(start: 2, p50: 0.0015, p99: 0.0015),
            ]
        )
    }

    @Test("the CDF: the cumulative share at each recorded latency, ending at 100 % at the maximum")
    func cdf() {
        let points = Self.measures().stepLatencyCDF()
        let expected: [LoadMeasures.CDFPoint] = [
            .init(latency: 0.001, share: 90.0 / 110), .init(latency: 0.0015, share: 100.0 / 110), .init(latency: 0.002, share: 1),
        ]
        #expect(points == expected)
        // Thinned to two points, the maximum is kept.
        #expect(Self.measures().stepLatencyCDF(points: 2).last == .init(latency: 0.002, share: 1))
    }

    @Test("a capacity summary reads back: profile, bound, the concurrency found (or none) and every probe")
    func capacityRead() throws {
        let pool = try CapacitySearchResult.read(Self.fixtures.appendingPathComponent("capacity-pool.json"))
        #expect(pool.name == "capacity-pool" && pool.profile == "pool" && pool.stepP99Bound == 0.7)
        #expect(pool.sustainableConcurrency == 192)
        #expect(pool.probes.map(\.sessions) == [64, 128, 256, 192] && pool.probes.map(\.passed) == [true, true, false, true])
        let none = try CapacitySearchResult.read(Self.fixtures.appendingPathComponent("capacity-none.json"))
        #expect(none.sustainableConcurrency == nil && none.profile == "oversubscribe")
        // A run's --summary-json is not a capacity search: the error names the file.
        let error = try #require(throws: ResultsFileError.self) {
            try CapacitySearchResult.read(Self.fixtures.appendingPathComponent("tiny-baseline.json"))
        }
        #expect(error.description.contains("tiny-baseline.json") && error.description.contains("capacity"))
    }

    @Test("tables: each profile run's totals in ms, each search's concurrency and probes")
    func tables() throws {
        let report = try report()
        // p90: the 99th of 110 steps is 1.5 ms; p99 (109th), p99.9 (110th) and max: 2 ms.
        #expect(report.profileRunsTable.rows == [["pool-run", "110 / 112", "27", "1.0", "1.5", "2.0", "2.0", "2.0", "0", "–", "0", "8"]])
        #expect(
            report.capacityTable.rows == [
                ["capacity-pool", "pool", "0.70s", "192", "N=64 pass, N=128 pass, N=256 fail, N=192 pass"],
                ["agentic", "oversubscribe", "0.70s", "none (not even the start passed)", "N=64 fail"],
            ]
        )
        #expect(report.tables.count == 5)
        #expect(try Report(sources: []).tables.count == 3, "no profile tables without profile runs or searches")
    }

    @Test("figures (f), (g), (h) draw beside the seed's five; without profile data there are none")
    func figures() throws {
        let figures = ReportFigures(report: try report())
        #expect(
            figures.all.map(\.id) == [
                "fig-scaling-curves", "fig-max-batch", "fig-batch-per-core", "fig-latency-heatmap", "fig-comparison",
                "fig-step-latency-over-time", "fig-step-latency-cdf", "fig-sustainable-concurrency",
            ]
        )
        let overTime = try #require(figures.stepLatencyOverTime.panels.first)
        #expect(overTime.contains("data-series=\"pool-run p99\"") && overTime.contains("data-series=\"pool-run p50\""))
        #expect(overTime.contains("Time since the run started (s)") && overTime.contains("Step latency (ms)"))
        // Two windows with steps: two markers per line.
        #expect(overTime.components(separatedBy: "<circle").count - 1 == 4)
        let cdf = try #require(figures.stepLatencyCDF.panels.first)
        #expect(cdf.contains("data-series=\"pool-run\"") && cdf.components(separatedBy: "<circle").count - 1 == 3)
        let bars = try #require(figures.sustainableConcurrency.panels.first)
        #expect(bars.contains(">192<") && bars.contains("none passed"))
        #expect(ReportFigures(report: try Report(sources: [])).profileFigures.isEmpty)
        let html = HTMLReport.render(try report(), generatedAt: "now")
        #expect(html.contains("id=\"fig-step-latency-cdf\"") && html.contains("Sustainable concurrency (openenv-bench capacity)"))
    }

    @Test("log entry: trainer profiles (totals, then p50/p99 per window) and sustainable concurrency, before Links")
    func logEntry() throws {
        let entry = try LogEntry(
            results: Self.fixtures.appendingPathComponent("tiny-run"),
            infrastructure: "local-test",
            profileRuns: [ProfileRunSource(name: "pool-run", measures: Self.measures())],
            capacities: [try CapacitySearchResult.read(Self.fixtures.appendingPathComponent("capacity-pool.json"))]
        ).markdown
        let lines = entry.components(separatedBy: "\n")
        for line in [
            "### Trainer Profiles (step latency in ms)", "| pool-run | 0.0 | 1.0 | 2.0 |", "| pool-run | 2.0 | 1.5 | 1.5 |",
            "### Sustainable Concurrency", "| capacity-pool | pool | 0.70s | 192 | N=64 pass, N=128 pass, N=256 fail, N=192 pass |",
        ] {
            #expect(lines.contains(line), "\(line)")
        }
        let order = ["### Scaling Behavior", "### Trainer Profiles", "### Sustainable Concurrency", "### Links"].map {
            entry.range(of: $0)?.lowerBound
        }
        #expect(order.allSatisfy { $0 != nil } && order.compactMap { $0 } == order.compactMap { $0 }.sorted())
        // Without them, the entry is the seed's template alone.
        let plain = try LogEntry(results: Self.fixtures.appendingPathComponent("tiny-run"), infrastructure: "local-test").markdown
        #expect(!plain.contains("### Trainer Profiles") && !plain.contains("### Sustainable Concurrency"))
    }
}
