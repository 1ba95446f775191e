import BenchResults
import Foundation
import Testing

/// Baseline cases that name their trainer profile: old files (no profile) still read as bursts,
/// and a profile case is judged on steps answered and step p99, able to fail.
@Suite("Baselines of trainer profiles")
struct ProfileBaselineTests {
    private let tolerances = Baseline.Tolerances(successDropPoints: 2, p99RiseFraction: 0.5, maxBatchGridSteps: 0, p99RiseSeconds: 0.1)

    /// A pool run of 64: `answered` of 400 steps, all at `stepLatency` seconds.
    private func run(answered: Int, stepLatency: Double) -> RunSummary {
        var summary = RunSummary(results: [], mode: .ws, url: "u", numRequests: 64, waitSeconds: 0.1, repetition: 1, totalWallTime: 3, hardware: "h")
        var measures = LoadMeasures(window: 1)
        for _ in 0..<400 { measures.recordStepSent(at: 0.5) }
        for _ in 0..<answered { measures.recordStep(latency: stepLatency, at: 0.5) }
        summary.measures = measures
        return summary
    }

    private let pool = Baseline.Case(profile: "pool", waitSeconds: 0.1, concurrency: 64, stepsAnsweredShare: 1, stepP99: 0.2)

    @Test("a case without a profile (every baseline recorded before profiles) is a burst; a profile case is found by its name")
    func backwardCompatible() throws {
        let old = #"{"mode": "ws", "wait_seconds": 0.1, "batch_size": 64, "success_rate": 1, "p99_total": 0.3}"#
        let burst = try JSONDecoder().decode(Baseline.Case.self, from: Data(old.utf8))
        #expect(burst.profile == nil && burst.stepP99 == nil)
        var baseline = try Baseline.load("local-swift", from: CheckedInBaselineTests.directory)
        baseline.cases = [burst, pool]
        #expect(baseline.expected(mode: .ws, wait: 0.1, batch: 64) == burst)
        #expect(baseline.expected(mode: .ws, wait: 0.1, batch: 64, profile: "pool") == pool)
        #expect(baseline.expected(mode: .ws, wait: 0.1, batch: 64, profile: "refill") == nil)
        // Written back, a burst case still has no profile key, and a profile case names it.
        let encoded = String(decoding: try JSONEncoder().encode(baseline.cases), as: UTF8.self)
        #expect(encoded.components(separatedBy: "\"profile\"").count - 1 == 1 && encoded.contains("\"step_p99\":0.2"))
    }

    @Test("a profile case is judged on steps answered and step p99, not on sessions and p99 total")
    func judged() {
        let within = BaselineComparison(case: pool, runs: [run(answered: 400, stepLatency: 0.35)], tolerances: tolerances)
        #expect(within.cells.map(\.name) == ["steps answered", "step p99"] && !within.hasRegression, "\(within.markdown)")
        // Ceiling 0.2 × 1.5 + 0.1 = 0.4 s.
        let slow = BaselineComparison(case: pool, runs: [run(answered: 400, stepLatency: 0.45)], tolerances: tolerances)
        #expect(slow.cells.map(\.verdict) == [.pass, .regression], "\(slow.markdown)")
        // 380 of 400 answered is 5 points below 100 %: more than the 2 allowed.
        let unanswered = BaselineComparison(case: pool, runs: [run(answered: 380, stepLatency: 0.1)], tolerances: tolerances)
        #expect(unanswered.cells.map(\.verdict) == [.regression, .pass], "\(unanswered.markdown)")
        // No step answered at all: no p99, which is itself a regression.
        let nothing = BaselineComparison(case: pool, runs: [run(answered: 0, stepLatency: 0)], tolerances: tolerances)
        #expect(nothing.cells.last?.verdict == .regression && nothing.cells.last?.measured.hasPrefix("not measured") == true)
    }

    @Test("every bundled baseline's profile cases name a profile the Scaling suite runs, with both figures")
    func bundledProfileCases() throws {
        for name in Baseline.available(in: CheckedInBaselineTests.directory) {
            let baseline = try Baseline.load(name, from: CheckedInBaselineTests.directory)
            for profileCase in baseline.cases where profileCase.profile != nil {
                #expect(["pool", "refill", "oversubscribe"].contains(profileCase.profile ?? ""), "\(name)")
                #expect(profileCase.stepsAnsweredShare != nil && profileCase.stepP99 != nil, "\(name): \(profileCase)")
            }
        }
    }
}
