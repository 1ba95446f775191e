import ArgumentParser
import EnvProtocol

/// `openenv-bench`: the kit's command line. `run` (the default, so `openenv-bench --url …`
/// works as the seed's script did) load-tests a server; the other subcommands work on the
/// files a run leaves behind or on deployments.
@main
struct OpenEnvBench: AsyncParsableCommand {
    /// The kit's version, printed by `--version` and written into `--summary-json` documents.
    static let version = OpenEnvKitVersion.current

    static let configuration = CommandConfiguration(
        commandName: "openenv-bench",
        abstract: "Load-test OpenEnv servers and work with the results.",
        version: version,
        subcommands: [
            RunCommand.self, RecordCommand.self, CapacityCommand.self, ReportCommand.self, DiffCommand.self, MergeCommand.self, LogEntryCommand.self,
            DeployCommand.self,
        ],
        defaultSubcommand: RunCommand.self
    )
}
