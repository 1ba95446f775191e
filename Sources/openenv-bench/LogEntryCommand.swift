import ArgumentParser
import BenchResults
import Foundation
import Reports

/// `openenv-bench log-entry`: the experiment log's run entry, filled from a results directory
/// (with its trainer-profile runs' `.hlog`s) and any `capacity` searches.
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

    @Option(
        name: .customLong("capacity"),
        help: "A capacity search's --summary-json file, optionally NAME=FILE, for the Sustainable Concurrency section; repeatable."
    )
    var capacities: [String] = []

    func run() throws {
        let directory = URL(fileURLWithPath: resultsDir)
        let entry = try LogEntry(
            results: directory,
            infrastructure: infra,
            deployCommand: deployCommand,
            maxConcurrentEnvs: maxConcurrentEnvs,
            profileRuns: try ProfileLogs.read(directory, name: infra),
            capacities: try capacities.map { argument in
                let (name, path) = ReportCommand.split(argument)
                return try CapacitySearchResult.read(URL(fileURLWithPath: path), name: name)
            }
        )
        print(entry.markdown, terminator: "")
    }
}
