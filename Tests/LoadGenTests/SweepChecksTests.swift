import BenchResults
import LoadGen
import Testing

/// A sweep's pass/fail checks (`--min-success`, `--max-p99`, `--expect-hosts`) must be able to fail.
@Suite("Sweep checks")
struct SweepChecksTests {
    @Test("thresholds: failed runs are named, and a run with no success has no p99 to pass")
    func thresholds() {
        let violations = SweepChecks(minSuccess: 0.95, maxP99: 3).violations(
            [summary(n: 32, success: 1, p99: 1), summary(n: 64, success: 0.5, p99: 4), summary(n: 128, success: 0, p99: 0)])
        #expect(violations.count == 4)
        #expect(violations.allSatisfy { !$0.contains("N=32 ") })
    }

    @Test("host checks: a run served by too few hosts is reported, and fails only with requireHosts")
    func hostChecks() {
        var run = summary(n: 32, success: 1, p99: 1)
        run.uniqueHosts = 1
        let report = SweepChecks(expectedHosts: 2)
        #expect(report.hostShortfall(run)?.contains("1 distinct host_url values served it, expected 2") == true)
        #expect(report.violations([run]).isEmpty)
        #expect(SweepChecks(expectedHosts: 2, requireHosts: true).violations([run]).count == 1)
        run.uniqueHosts = 2
        #expect(SweepChecks(expectedHosts: 2, requireHosts: true).violations([run]).isEmpty)
    }

    /// A run of `n` sessions with the given success share and p99 (all else fixed).
    private func summary(n: Int, success: Double, p99: Double) -> RunSummary {
        var s = RunSummary(
            results: [],
            mode: .ws,
            url: "u",
            numRequests: n,
            waitSeconds: 1,
            repetition: 1,
            totalWallTime: 1,
            hardware: "h"
        )
        s.errorRate = 1 - success
        s.successful = Int((success * Double(n)).rounded())
        s.failed = n - s.successful
        s.totalP99 = p99
        return s
    }
}
