import ArgumentParser
import BenchResults
import Foundation

/// `openenv-bench diff`: a results directory against a baseline, cell by cell, with the logic
/// the Scaling suite asserts with (``RegressionDiff``).
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare a results directory with a baseline: baseline, measured, delta and verdict per cell.",
        discussion: """
            Exit status: 0 when nothing regressed, 3 on a regression (as run's threshold checks), \
            1 when the baseline or the results cannot be read, 64 for a usage error.
            """
    )

    @Argument(help: "A bundled baseline's name (or one in --baselines DIR), or a path to a baseline JSON file.")
    var baseline: String

    @Argument(help: "A directory written by openenv-bench run -o DIR.")
    var resultsDir: String

    @Option(
        name: [.customLong("baselines"), .customLong("baselines-dir")],
        help: "Where baseline names are looked up (env OPENENV_BASELINES; default: the bundled baselines)."
    )
    var baselinesDirectory: String?

    func run() throws {
        let baseline = try Baseline.resolve(baseline, directory: BaselineDirectory.resolve(override: baselinesDirectory))
        let directory = URL(fileURLWithPath: resultsDir)
        let summaries = try RunSummary.read(resultsDirectory: directory)
        // Results without a run state (the seed's, or copied summaries) do not say what they sent.
        if let sent = try SweepState.load(from: directory)?.sentWorkload {
            if let mismatch = baseline.workloadMismatch(sent: sent) {
                throw ResultsFileError(path: directory.path, reason: mismatch)
            }
            print("Workload: \(sent) (as the baseline's)\n")
        } else {
            print("Workload: not recorded in \(resultsDir) (no run-state.json); assumed '\(baseline.recordedWorkload)', the baseline's\n")
        }
        let diff = RegressionDiff(baseline: baseline, summaries: summaries)
        print(diff.markdown)
        if diff.hasRegression { throw ExitCode(3) }
    }
}
