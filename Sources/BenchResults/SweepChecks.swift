/// The pass/fail checks of a sweep: `--min-success`, `--max-p99`, `--expected-hosts` and
/// `--require-hosts`. The CLI and the Scaling suite judge runs with the same rules.
public struct SweepChecks: Sendable, Equatable {
    /// A run whose success rate (0…1) is below this fails.
    public var minSuccess: Double?
    /// A run whose p99 total latency (seconds) is above this fails; so does one with no success.
    public var maxP99: Double?
    /// A run served by fewer distinct `host_url` values than this is reported.
    public var expectedHosts: Int?
    /// With ``expectedHosts``: such a run fails instead of only being reported.
    public var requireHosts: Bool

    public init(minSuccess: Double? = nil, maxP99: Double? = nil, expectedHosts: Int? = nil, requireHosts: Bool = false) {
        self.minSuccess = minSuccess
        self.maxP99 = maxP99
        self.expectedHosts = expectedHosts
        self.requireHosts = requireHosts
    }

    /// The host-count finding for one run, or `nil` when enough hosts served it (or none
    /// was expected, or no session succeeded, so no host could be counted). An environment that
    /// reports no `host_url` cannot be verified, which is a finding too.
    public func hostShortfall(_ summary: RunSummary) -> String? {
        guard let expectedHosts, summary.successful > 0, summary.uniqueHosts < expectedHosts else { return nil }
        guard summary.uniqueHosts > 0 else {
            return "\(Self.name(summary)): host_url not reported by this environment, so \(expectedHosts) hosts cannot be verified"
        }
        return "\(Self.name(summary)): \(summary.uniqueHosts) distinct host_url values served it, expected \(expectedHosts)"
    }

    /// Every failed check over the sweep's runs, one message each; empty when all passed.
    public func violations(_ summaries: [RunSummary]) -> [String] {
        summaries.flatMap { s -> [String] in
            var violations: [String] = []
            if let minSuccess, s.successRate < minSuccess {
                violations.append(
                    "\(Self.name(s)): success \(SweepReport.format(s.successRate * 100, 1))% < \(SweepReport.format(minSuccess * 100, 1))%"
                )
            }
            if let maxP99, s.successful > 0, s.totalP99 > maxP99 {
                violations.append("\(Self.name(s)): p99 \(SweepReport.format(s.totalP99, 3))s > \(SweepReport.format(maxP99, 3))s")
            }
            if let maxP99, s.successful == 0 {
                violations.append(
                    "\(Self.name(s)): p99 not measured (no session succeeded), limit \(SweepReport.format(maxP99, 3))s"
                )
            }
            if requireHosts, let shortfall = hostShortfall(s) { violations.append(shortfall) }
            return violations
        }
    }

    private static func name(_ s: RunSummary) -> String {
        "\(s.mode.rawValue) N=\(s.numRequests) wait=\(s.waitSeconds)s rep=\(s.repetition)"
    }
}
