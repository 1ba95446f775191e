import ArgumentParser
import EnvServer
import NIOCore

/// `openenv-server`: serves the benchmark environment over OpenEnv's HTTP and WebSocket protocol.
///
/// Flags override the environment variables Python OpenEnv users already set (HOST, PORT,
/// MAX_CONCURRENT_ENVS, SESSION_TIMEOUT, MAX_WAIT_SECONDS), which override the defaults.
@main
struct OpenEnvServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "openenv-server",
        abstract: "Serve the OpenEnv benchmark environment (HTTP + WebSocket).")

    @Option(help: "Address to bind (env HOST, default 0.0.0.0).")
    var host: String?

    @Option(name: .shortAndLong, help: "Port to bind, 0 for any free port (env PORT, default 8000).")
    var port: Int?

    @Option(help: "Live WebSocket sessions before CAPACITY_REACHED (env MAX_CONCURRENT_ENVS, default 100).")
    var maxConcurrentEnvs: Int?

    @Option(help: "Close sessions idle this many seconds (env SESSION_TIMEOUT, default: never).")
    var sessionTimeout: Double?

    @Option(help: "Largest wait_seconds a step may ask for (env MAX_WAIT_SECONDS, default 600).")
    var maxWaitSeconds: Double?

    @Option(help: "Largest WebSocket message / HTTP body in bytes (default 1048576).")
    var maxMessageBytes: Int?

    @Option(help: "Listen backlog (default 4096).")
    var backlog: Int?

    @Option(help: "Processes serving the port together (SO_REUSEPORT); each holds --max-concurrent-envs sessions (default 1).")
    var workers: Int = 1

    @Option(help: "Event-loop threads per process (default: cores ÷ workers, at least 1).")
    var threads: Int?

    @Option(help: "PEM certificate chain: serve https and wss (needs --tls-key).")
    var tlsCert: String?

    @Option(help: "PEM private key for --tls-cert.")
    var tlsKey: String?

    func validate() throws {
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be in 0...65535") }
        if let maxConcurrentEnvs, maxConcurrentEnvs < 1 { throw ValidationError("--max-concurrent-envs must be ≥ 1") }
        if let sessionTimeout, !(sessionTimeout > 0) { throw ValidationError("--session-timeout must be > 0") }
        if let maxWaitSeconds, !(maxWaitSeconds >= 0) { throw ValidationError("--max-wait-seconds must be ≥ 0") }
        if let maxMessageBytes, maxMessageBytes < 1024 { throw ValidationError("--max-message-bytes must be ≥ 1024") }
        if let backlog, backlog < 1 { throw ValidationError("--backlog must be ≥ 1") }
        if workers < 1 { throw ValidationError("--workers must be ≥ 1") }
        if let threads, threads < 1 { throw ValidationError("--threads must be ≥ 1") }
        if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
    }

    func run() async throws {
        WorkerProcesses.bindLifetimeToSupervisor()
        var configuration: ServerConfiguration
        do {
            configuration = try ServerConfiguration.fromEnvironment()
        } catch {
            throw ValidationError(error.description)
        }
        if let host { configuration.host = host }
        if let port { configuration.port = port }
        if let maxConcurrentEnvs { configuration.maxConcurrentEnvs = maxConcurrentEnvs }
        if let sessionTimeout { configuration.sessionTimeout = .seconds(sessionTimeout) }
        if let maxWaitSeconds { configuration.maxWaitSeconds = maxWaitSeconds }
        if let maxMessageBytes { configuration.maxMessageBytes = maxMessageBytes }
        if let backlog { configuration.backlog = backlog }
        if let tlsCert, let tlsKey {
            do {
                configuration.tls = try ServerConfiguration.tls(certificateFile: tlsCert, keyFile: tlsKey)
            } catch {
                throw ValidationError("cannot use --tls-cert \(tlsCert) / --tls-key \(tlsKey): \(error)")
            }
        }
        // Workers share the cores: one event-loop thread per core per worker would oversubscribe them.
        configuration.eventLoopThreads = threads ?? (workers > 1 ? max(1, System.coreCount / workers) : nil)
        configuration.reusePort = workers > 1 || WorkerProcesses.isWorker
        try await OpenEnvServer(configuration: configuration).run(
            workers: WorkerProcesses.isWorker ? 1 : workers,
            workerArguments: Array(CommandLine.arguments.dropFirst()))
    }
}
