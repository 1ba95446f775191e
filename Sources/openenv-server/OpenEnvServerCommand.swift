import ArgumentParser
import BenchmarkEnvironment
import EchoEnvironment
import EnvProtocol
import EnvServer

/// `openenv-server`: serves an OpenEnv environment over OpenEnv's HTTP and WebSocket protocol:
/// the benchmark environment (default) or OpenEnv's MCP echo environment.
///
/// Flags override the environment variables Python OpenEnv users already set (HOST, PORT,
/// MAX_CONCURRENT_ENVS, SESSION_TIMEOUT, MAX_WAIT_SECONDS, OPENENV_PROTOCOL, OPENENV_MODE),
/// which override the defaults.
@main
struct OpenEnvServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "openenv-server",
        abstract: "Serve an OpenEnv environment (HTTP + WebSocket): the benchmark environment or the MCP echo environment.",
        discussion: "Once listening, each process prints one line: listening http://HOST:PORT pid=N.",
        version: OpenEnvKitVersion.current
    )

    enum EnvironmentName: String, ExpressibleByArgument, CaseIterable {
        case benchmark, echo
    }

    @OptionGroup var server: ServerOptions

    @Option(help: "The environment to serve: benchmark (wait_seconds steps) or echo (MCP tools echo_message, echo_with_length).")
    var environment: EnvironmentName = .benchmark

    /// `--max-wait-seconds` and `MAX_WAIT_SECONDS`: 0 is a benchmark that never waits.
    static let maxWaitRule = SettingRule<Double>.seconds(allowingZero: true)

    @Option(
        help: "Benchmark environment: largest wait_seconds a step may ask for (env MAX_WAIT_SECONDS, default 600).",
        transform: maxWaitRule.transform
    )
    var maxWaitSeconds: Double?

    func run() async throws {
        switch environment {
        case .benchmark:
            let maxWait = try maxWaitSeconds ?? EnvironmentVariables().value("MAX_WAIT_SECONDS", Self.maxWaitRule) ?? 600
            try await server.serve(.benchmark(maxWaitSeconds: maxWait))
        case .echo:
            try await server.serve(.echo())
        }
    }
}
