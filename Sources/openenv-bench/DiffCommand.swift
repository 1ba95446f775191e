import ArgumentParser
import Foundation
import LoadGen

/// `openenv-bench diff`: a results directory against a baseline, cell by cell, with the logic
/// the Scaling suite asserts with (``RegressionDiff``).
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare a results directory with a baseline: baseline, measured, delta and verdict per cell.",
        discussion: "Exit status: 0 when nothing regressed, 3 on a regression (as run's threshold checks), 1 on any other error.")

    @Argument(help: "Baseline name in --baselines-dir, or a path to a baseline JSON file.")
    var baseline: String

    @Argument(help: "A directory written by openenv-bench run -o DIR.")
    var resultsDir: String

    @Option(help: "Where baseline names are looked up.")
    var baselinesDir = "baselines"

    func run() throws {
        let diff: RegressionDiff
        do {
            let baseline = try Baseline.resolve(baseline, directory: URL(fileURLWithPath: baselinesDir))
            let summaries = try RunSummary.read(resultsDirectory: URL(fileURLWithPath: resultsDir))
            diff = RegressionDiff(baseline: baseline, summaries: summaries)
        } catch let error as any CustomStringConvertible & Error {
            throw ValidationError(error.description)
        }
        print(diff.markdown)
        if diff.hasRegression { throw ExitCode(3) }
    }
}
