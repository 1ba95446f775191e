import ArgumentParser
import BenchmarkEnvironment
import EnvProtocol
import EnvServer

/// `openenv-server`: serves the benchmark environment over OpenEnv's HTTP and WebSocket protocol.
///
/// Flags override the environment variables Python OpenEnv users already set (HOST, PORT,
/// MAX_CONCURRENT_ENVS, SESSION_TIMEOUT, MAX_WAIT_SECONDS), which override the defaults.
@main
struct OpenEnvServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "openenv-server",
        abstract: "Serve the OpenEnv benchmark environment (HTTP + WebSocket).",
        discussion: "Once listening, each process prints one line: listening http://HOST:PORT pid=N.")

    @OptionGroup var server: ServerOptions

    @Option(help: "Largest wait_seconds a step may ask for (env MAX_WAIT_SECONDS, default 600).")
    var maxWaitSeconds: Double?

    func validate() throws {
        if let maxWaitSeconds, !(maxWaitSeconds >= 0) { throw ValidationError("--max-wait-seconds must be ≥ 0") }
    }

    func run() async throws {
        let maxWait = try maxWaitSeconds ?? EnvironmentVariables().seconds("MAX_WAIT_SECONDS") ?? 600
        try await server.serve(.benchmark(maxWaitSeconds: maxWait))
    }
}
