import BenchResults
import Foundation
import Testing

/// The comparison the Scaling suite asserts with must be able to fail.
@Suite("Baseline comparison")
struct BaselineComparisonTests {
    private let tolerances = Baseline.Tolerances(successDropPoints: 2, p99RiseFraction: 0.5, maxBatchGridSteps: 0, p99RiseSeconds: 0)

    private func run(success: Double, p99: Double, n: Int = 512) -> RunSummary {
        var summary = RunSummary(
            results: [],
            mode: .ws,
            url: "u",
            numRequests: n,
            waitSeconds: 1,
            repetition: 1,
            totalWallTime: 2,
            hardware: "h"
        )
        summary.errorRate = 1 - success
        summary.successful = Int(success * Double(n))
        summary.totalP99 = p99
        return summary
    }

    private let expected = Baseline.Case(mode: .ws, waitSeconds: 1, batchSize: 512, successRate: 1, p99Total: 2)

    @Test("within tolerance passes")
    func withinTolerance() {
        let comparison = BaselineComparison(case: expected, runs: [run(success: 0.985, p99: 2.9)], tolerances: tolerances)
        #expect(!comparison.hasRegression, "\(comparison.markdown)")
    }

    @Test("a doctored result — half the sessions failed — is a regression")
    func halfFailed() {
        let comparison = BaselineComparison(case: expected, runs: [run(success: 0.5, p99: 1.5)], tolerances: tolerances)
        #expect(comparison.hasRegression)
        #expect(comparison.cells.first { $0.name == "success" }?.verdict == .regression)
        #expect(comparison.markdown.contains("| success | 100.0% | 50.0% | -50.0 pt | ≥ 98.0% | regression |"))
    }

    @Test("p99 more than 50 % above the baseline is a regression; no success at all is one too")
    func slowOrNothing() {
        #expect(BaselineComparison(case: expected, runs: [run(success: 1, p99: 3.01)], tolerances: tolerances).hasRegression)
        let nothing = BaselineComparison(case: expected, runs: [run(success: 0, p99: 0)], tolerances: tolerances)
        #expect(nothing.cells.allSatisfy { $0.verdict == .regression })
    }

    @Test("p99_rise_seconds adds absolute slack for millisecond p99s; baselines without it get none")
    func absoluteP99Slack() throws {
        let fast = Baseline.Case(mode: .ws, waitSeconds: 0, batchSize: 512, successRate: 1, p99Total: 0.004)
        let slack = Baseline.Tolerances(successDropPoints: 2, p99RiseFraction: 0.5, maxBatchGridSteps: 0, p99RiseSeconds: 0.1)
        #expect(!BaselineComparison(case: fast, runs: [run(success: 1, p99: 0.09)], tolerances: slack).hasRegression)
        #expect(BaselineComparison(case: fast, runs: [run(success: 1, p99: 0.11)], tolerances: slack).hasRegression)
        #expect(BaselineComparison(case: fast, runs: [run(success: 1, p99: 0.09)], tolerances: tolerances).hasRegression)
        let old = #"{"success_drop_points": 2, "p99_rise_fraction": 0.5, "max_batch_grid_steps": 0}"#
        let decoded = try JSONDecoder().decode(Baseline.Tolerances.self, from: Data(old.utf8))
        #expect(decoded == tolerances)
    }

    @Test("cells the baseline does not give are not compared, never guessed")
    func absentCells() {
        var textOnly = Baseline.Case(mode: .ws, waitSeconds: 1, batchSize: 2048, successRate: nil, p99Total: nil)
        textOnly.successRateText = "91-94%"
        let comparison = BaselineComparison(case: textOnly, runs: [run(success: 0.2, p99: 30)], tolerances: tolerances)
        #expect(!comparison.hasRegression && comparison.cells.allSatisfy { $0.verdict == .notCompared })
        #expect(comparison.cells.first?.baseline == "91-94%")
    }

    @Test("max batch may not fall a grid step; a figure beyond the grid is not compared")
    func capacity() throws {
        let baseline = Baseline(
            schema: Baseline.schemaName,
            infrastructure: "t",
            description: nil,
            cores: 2,
            workers: 1,
            source: .init(date: "2026-01-01"),
            tolerances: tolerances,
            grid: nil,
            cases: [],
            maxBatch: [.init(mode: .ws, waitSeconds: 1, maxBatch: 512)],
            latencyBoundedCapacity: [.init(mode: .ws, waitSeconds: 1, capacity: 4096)],
            history: nil
        )
        let fell = CapacityAnalysis(summaries: [run(success: 1, p99: 1.1, n: 32), run(success: 0.5, p99: 9, n: 512)])
        let comparison = BaselineComparison(capacity: fell, baseline: baseline, grid: [32, 512])
        #expect(comparison.cells.first { $0.name.hasPrefix("max batch") }?.verdict == .regression)
        #expect(comparison.cells.first { $0.name.hasPrefix("latency-bounded") }?.verdict == .notCompared)
        let held = CapacityAnalysis(summaries: [run(success: 1, p99: 1.1, n: 32), run(success: 1, p99: 2, n: 512)])
        #expect(!BaselineComparison(capacity: held, baseline: baseline, grid: [32, 512]).hasRegression)
    }

    @Test("latency-bounded capacity has its own grid-step tolerance, as max batch's when absent")
    func latencyBoundedSteps() throws {
        func baseline(_ steps: Int?) -> Baseline {
            Baseline(
                schema: Baseline.schemaName,
                infrastructure: "t",
                description: nil,
                cores: 2,
                workers: 1,
                source: .init(date: "2026-01-01"),
                tolerances: .init(p99RiseFraction: 5, maxBatchGridSteps: 0, latencyBoundedGridSteps: steps),
                grid: nil,
                cases: [],
                maxBatch: [.init(mode: .ws, waitSeconds: 1, maxBatch: 512)],
                latencyBoundedCapacity: [.init(mode: .ws, waitSeconds: 1, capacity: 512)],
                history: nil
            )
        }
        // Every session succeeds, but 512's p99 is past the 3 s bound: capacity 32, one step down.
        let slower = CapacityAnalysis(summaries: [run(success: 1, p99: 1.1, n: 32), run(success: 1, p99: 3.2, n: 512)])
        func verdict(_ steps: Int?, _ prefix: String) -> BaselineComparison.Verdict? {
            BaselineComparison(capacity: slower, baseline: baseline(steps), grid: [32, 512]).cells
                .first { $0.name.hasPrefix(prefix) }?.verdict
        }
        #expect(verdict(nil, "latency-bounded") == .regression)
        #expect(verdict(0, "latency-bounded") == .regression)
        #expect(verdict(1, "latency-bounded") == .pass)
        #expect(verdict(1, "max batch") == .pass)
        let decoded = try JSONDecoder().decode(
            Baseline.Tolerances.self,
            from: Data(#"{"success_drop_points":2,"p99_rise_fraction":1,"max_batch_grid_steps":0,"latency_bounded_capacity_grid_steps":1}"#.utf8)
        )
        #expect(decoded.latencyBoundedGridSteps == 1)
    }
}

/// The checked-in baselines: they decode, and every seed figure cites a run of the experiment log.
@Suite("Checked-in baselines")
struct CheckedInBaselineTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let directory = root.appendingPathComponent("baselines")
    static let seeds = ["local-uvicorn", "local-docker", "hf-spaces", "slurm-single", "slurm-multi"]
    static let log = root.deletingLastPathComponent().appendingPathComponent("shared/seeds/EXPERIMENT_LOG.md")

    @Test("all baselines decode and name themselves", arguments: Baseline.available(in: directory))
    func decodes(name: String) throws {
        let baseline = try Baseline.load(name, from: Self.directory)
        #expect(baseline.infrastructure == name && !baseline.cases.isEmpty)
        #expect(baseline.cases.allSatisfy { ($0.successRate ?? 0) <= 1 && ($0.p99Total ?? 0) >= 0 })
    }

    @Test("the five seed infrastructures exist")
    func seedsExist() {
        #expect(Set(Self.seeds).isSubset(of: Set(Baseline.available(in: Self.directory))))
    }

    @Test(
        "seed baselines cite run headings of EXPERIMENT_LOG, the newest run active",
        .enabled(if: FileManager.default.fileExists(atPath: log.path), "needs ../shared/seeds beside the repository"),
        arguments: seeds
    )
    func traceable(name: String) throws {
        let log = try String(contentsOf: Self.log, encoding: .utf8)
        let baseline = try Baseline.load(name, from: Self.directory)
        let runs = [baseline.source] + (baseline.history ?? []).map(\.source)
        for source in runs {
            let heading = try #require(source.run)
            #expect(log.contains("## \(heading)\n"), "\(name): '\(heading)' is a heading of the log")
        }
        #expect(runs.dropFirst().allSatisfy { $0.date <= baseline.source.date }, "the active run is the newest")
    }
}
