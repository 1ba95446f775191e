import BenchResults
import EnvClient
import EnvTesting
import Foundation
import LoadGen
import Testing

/// Scaling regression suite: bursts of sessions against a server, compared with the checked-in
/// baseline of its infrastructure (`baselines/<name>.json`) and its tolerances.
///
/// Run it on its own and in release, so nothing else shares the cores and the load generator is
/// not the bottleneck: `swift test -c release --filter Scaling` (the baselines were recorded so).
/// In-process by default (our server and the load generator in this process, compared with
/// `local-swift`, which was recorded the same way); `OPENENV_URL=… OPENENV_INFRA=<baseline>` for
/// any deployment. See ``ScalingPlan`` for every variable. Each case attaches its `raw.jsonl`
/// rows, its `summary.csv` rows and the comparison; the capacity test attaches the whole run's
/// `regression-diff.md` (as `openenv-bench diff` prints it). Pass `--attachments-path DIR` to keep them.
@Suite(
    "Scaling",
    .serialized,
    .timeLimit(.minutes(10)),
    .enabled(if: ScalingPlan.isSelected, "measures load: run it on its own with swift test -c release --filter Scaling")
)
struct ScalingTests {
    @Test("the baseline is chosen and has cases in the grid")
    func baselineChosen() async throws {
        if ScalingPlan.isRecording { return }
        let baseline = try ScalingPlan.baseline.get()
        let speaking = await ServerUnderTest.protocolProfile()
        let workload = try ScalingPlan.workload.get()
        if let mismatch = baseline.workloadMismatch(sent: workload.description) { Issue.record("\(mismatch)") }
        print(
            "Scaling: baseline '\(baseline.infrastructure)' recorded under \(baseline.protocolProfile ?? "an unrecorded protocol"); "
                + "the server under test speaks \(speaking)"
        )
        #expect(
            !ScalingPlan.cases.isEmpty,
            "baseline '\(baseline.infrastructure)' has no case with a batch size in OPENENV_SCALING_GRID \(ScalingPlan.grid)"
        )
    }

    /// A regression must reproduce: a case that regresses is measured once more and judged on
    /// that second measurement, so one noisy minute on a shared machine does not fail CI while a
    /// real rise (which the second measurement shows again) does. Both tables are printed.
    @Test(arguments: ScalingPlan.cases)
    func scalingCase(_ scalingCase: ScalingCase) async throws {
        let runs = try await judge(scalingCase.testDescription, fileStem: scalingCase.fileStem) {
            let runs = try await ScalingPlan.measure(scalingCase)
            return (runs, try ScalingPlan.comparison(scalingCase, runs))
        }
        await MeasuredRuns.shared.add(scalingCase, runs.map(\.summary))
    }

    /// A trainer profile for a few seconds, judged (as a burst is, regressions confirmed) on the
    /// share of steps answered and step p99 against the baseline case naming that profile.
    @Test(arguments: ScalingPlan.profileCases)
    func profileCase(_ profileCase: ProfileCase) async throws {
        let runs = try await judge(profileCase.testDescription, fileStem: profileCase.fileStem) {
            let runs = try await ScalingPlan.measure(profileCase)
            return (runs, try ScalingPlan.comparison(profileCase, runs))
        }
        await MeasuredRuns.shared.add(profileCase, runs.map(\.summary))
    }

    /// Measures (and, on a regression, measures again), attaches the rows and the comparison,
    /// and records an issue for a regression that reproduced. Returns the runs judged.
    private func judge(
        _ name: String,
        fileStem: String,
        measure: () async throws -> ([MeasuredRun], BaselineComparison?)
    ) async throws -> [MeasuredRun] {
        var (runs, comparison) = try await measure()
        var unconfirmed: BaselineComparison?
        if let first = comparison, first.hasRegression {
            print("\(name): regression measured; measuring again to confirm it\n\(first.markdown)")
            record(runs, as: "first-attempt-\(fileStem)")
            unconfirmed = first
            (runs, comparison) = try await measure()
        }
        record(runs, as: fileStem)
        guard let comparison else { return runs }  // recording
        Attachment.record(comparison.markdown, named: "\(fileStem)-comparison.md")
        if comparison.hasRegression {
            let infrastructure = try ScalingPlan.baseline.get().infrastructure
            let tables =
                (unconfirmed.map { "first measurement:\n\($0.markdown)\nsecond measurement:\n" } ?? "")
                + comparison.markdown
            Issue.record("\(name): regression against '\(infrastructure)'\n\(tables)")
        } else if unconfirmed != nil {
            print("\(name): the regression did not reproduce; judged on the second measurement\n\(comparison.markdown)")
        }
        return runs
    }

    /// Attaches a case's `raw.jsonl` and `summary.csv` rows.
    private func record(_ runs: [MeasuredRun], as stem: String) {
        Attachment.record(runs.flatMap(\.results).map { $0.jsonLine + "\n" }.joined(), named: "\(stem)-raw.jsonl")
        Attachment.record(
            CSV.line(RunSummary.columns) + runs.map { CSV.line($0.summary.csvFields) }.joined(),
            named: "\(stem)-summary.csv"
        )
    }

    @Test("max batch and latency-bounded capacity hold (or, when recording, the baseline is written)")
    func capacity() async throws {
        var summaries: [RunSummary] = []
        for scalingCase in ScalingPlan.cases {
            if let measured = await MeasuredRuns.shared.summaries(for: scalingCase) {
                summaries += measured
            } else {
                summaries += try await ScalingPlan.measure(scalingCase).map(\.summary)
            }
        }
        let analysis = CapacityAnalysis(summaries: summaries)
        if ScalingPlan.isRecording {
            var profiles: [(ProfileCase, [RunSummary])] = []
            for profileCase in ScalingPlan.profileCases {
                if let measured = await MeasuredRuns.shared.summaries(for: profileCase) {
                    profiles.append((profileCase, measured))
                } else {
                    profiles.append((profileCase, try await ScalingPlan.measure(profileCase).map(\.summary)))
                }
            }
            let url = try await BaselineRecorder.record(summaries: summaries, analysis: analysis, profiles: profiles)
            Issue.record(
                "Recorded baseline \(url.path). Review it (git diff), commit it, and rerun without OPENENV_RECORD_BASELINE."
            )
            return
        }
        let baseline = try ScalingPlan.baseline.get()
        let comparison = BaselineComparison(capacity: analysis, baseline: baseline, grid: ScalingPlan.grid)
        Attachment.record(comparison.markdown, named: "capacity-comparison.md")
        // The whole run as `openenv-bench diff` shows it: every case and capacity, one table.
        Attachment.record(
            RegressionDiff(baseline: baseline, summaries: summaries, grid: ScalingPlan.grid).markdown,
            named: "regression-diff.md"
        )
        if comparison.hasRegression {
            Issue.record("capacity: regression against '\(baseline.infrastructure)'\n\(comparison.markdown)")
        }
    }
}
