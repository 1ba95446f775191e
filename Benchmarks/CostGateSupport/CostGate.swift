public import Benchmark
import Foundation

/// What every cost gate (ci/cost-gates: WireCost, SessionCost) measures and how far a run may
/// drift from the thresholds recorded under `Benchmarks/Thresholds`.
///
/// Malloc counts are the gated metric: a fixed workload allocates the same number of times on
/// any machine, however loaded. More than +25 % over the recorded p90 fails, so a doubling
/// (+100 %) cannot pass. `instructions` is requested too: package-benchmark reports it where the
/// kernel grants perf counters (not on the CI machine, which has none; docs/PERFORMANCE.md
/// "Cost gates"). Wall clock and CPU time are not measured: they move with a shared machine's load.
public enum CostGate {
    public static let metrics: [BenchmarkMetric] = [.mallocCountTotal, .instructions]

    /// Computed: package-benchmark's threshold types are not `Sendable`.
    public static var thresholds: [BenchmarkMetric: BenchmarkThresholds] {
        [
            .mallocCountTotal: BenchmarkThresholds(relative: [.p90: 25]),
            .instructions: BenchmarkThresholds(relative: [.p90: 25]),
        ]
    }

    /// How many times an iteration does its work: 1, except in ci/cost-gates' self-test, which
    /// sets `OPENENV_COST_GATES_REPEAT=2` to show that doubled work fails the check.
    public static let repeats = max(1, Int(ProcessInfo.processInfo.environment["OPENENV_COST_GATES_REPEAT"] ?? "") ?? 1)

    /// - Parameter scalingFactor: units of work (messages, sessions) per iteration; a per-unit
    ///   count is the iteration's count divided by it. package-benchmark's own bookkeeping
    ///   allocates a little per iteration, which 1,000 messages per iteration dilute.
    public static func configuration(
        scalingFactor: BenchmarkScalingFactor = .one,
        warmup: Int,
        maxIterations: Int,
        maxDuration: Duration,
        setup: Benchmark.BenchmarkSetupHook? = nil,
        teardown: Benchmark.BenchmarkTeardownHook? = nil
    ) -> Benchmark.Configuration {
        Benchmark.Configuration(
            metrics: metrics,
            warmupIterations: warmup,
            scalingFactor: scalingFactor,
            maxDuration: maxDuration,
            maxIterations: maxIterations,
            thresholds: thresholds,
            setup: setup,
            teardown: teardown
        )
    }
}
