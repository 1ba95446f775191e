import ArgumentParser
import BenchResults
import Foundation
import Reports

/// `openenv-bench log-entry`: the experiment log's run entry, filled from a results directory.
struct LogEntryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log-entry",
        abstract: "Print an experiment-log run entry (the seed's template) for a results directory."
    )

    @Argument(help: "A directory written by openenv-bench run -o DIR.")
    var resultsDir: String

    @Option(help: "Infrastructure name for the entry (e.g. local-swift).")
    var infra: String

    @Option(help: "How the server was started, for the Command section.")
    var deployCommand: String?

    @Option(help: "The server's max concurrent envs setting, if known.")
    var maxConcurrentEnvs: String?

    func run() throws {
        let entry = try LogEntry(
            results: URL(fileURLWithPath: resultsDir),
            infrastructure: infra,
            deployCommand: deployCommand,
            maxConcurrentEnvs: maxConcurrentEnvs
        )
        print(entry.markdown, terminator: "")
    }
}
