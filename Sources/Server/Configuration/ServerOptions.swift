import ArgumentParser
import EnvProtocol
import Foundation
import NIOCore

/// The flags of an OpenEnv server executable, for any environment: embed them with
/// `@OptionGroup var server: ServerOptions` and call ``serve(_:)``.
///
/// Each flag overrides the environment variable Python OpenEnv users already set (`HOST`,
/// `PORT`, `MAX_CONCURRENT_ENVS`, `SESSION_TIMEOUT`), which overrides the default.
///
/// ```swift
/// @main struct MyServer: AsyncParsableCommand {
///     @OptionGroup var server: ServerOptions
///     func run() async throws { try await server.serve(.init(metadata: …, make: { _ in MyEnvironment() })) }
/// }
/// ```
public struct ServerOptions: ParsableArguments {
    @Option(help: "Address to bind (env HOST, default 0.0.0.0).")
    public var host: String?

    @Option(name: .shortAndLong, help: "Port to bind, 0 for any free port (env PORT, default 8000).")
    public var port: Int?

    @Option(help: "Live WebSocket sessions before CAPACITY_REACHED (env MAX_CONCURRENT_ENVS, default 100).")
    public var maxConcurrentEnvs: Int?

    @Option(help: "Close sessions idle this many seconds (env SESSION_TIMEOUT, default: never).")
    public var sessionTimeout: Double?

    @Option(help: "Largest WebSocket message / HTTP body in bytes (default 1048576).")
    public var maxMessageBytes: Int?

    @Option(help: "Listen backlog (default 4096).")
    public var backlog: Int?

    @Option(help: "Processes serving the port together (SO_REUSEPORT); each holds --max-concurrent-envs sessions (default 1).")
    public var workers: Int = 1

    @Option(help: "Event-loop threads per process (default: cores ÷ workers, at least 1).")
    public var threads: Int?

    @Option(help: "Seconds a new connection has to send a complete request head (default 10).")
    public var requestHeadTimeout: Double?

    @Option(help: "Seconds a kept-alive HTTP connection may wait for its next request (default 60).")
    public var keepAliveTimeout: Double?

    @Option(help: "Seconds a TLS handshake may take (default 10).")
    public var tlsHandshakeTimeout: Double?

    @Option(help: "Open connections per process; more are refused with 503 (default: the descriptor limit less 128).")
    public var maxConnections: Int?

    @Option(help: "PEM certificate chain: serve https and wss (needs --tls-key).")
    public var tlsCert: String?

    @Option(help: "PEM private key for --tls-cert.")
    public var tlsKey: String?

    @Option(
        name: .customLong("protocol"),
        help: "OpenEnv wire protocol: openenv-0.10 (default) or openenv-0.3, or a release such as 0.5.0 (env OPENENV_PROTOCOL)."
    )
    public var protocolName: String?

    @Option(help: "production drops /reset, /step and /state; simulation keeps them (env OPENENV_MODE, default simulation).")
    public var mode: ServerMode?

    public init() {}

    public func validate() throws {
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be in 0...65535") }
        if let maxConcurrentEnvs, maxConcurrentEnvs < 1 { throw ValidationError("--max-concurrent-envs must be ≥ 1") }
        if let sessionTimeout, !(sessionTimeout > 0 && sessionTimeout.isFinite) {
            throw ValidationError("--session-timeout must be a finite number > 0")
        }
        if let maxMessageBytes, maxMessageBytes < 1024 { throw ValidationError("--max-message-bytes must be ≥ 1024") }
        if let backlog, backlog < 1 { throw ValidationError("--backlog must be ≥ 1") }
        if workers < 1 { throw ValidationError("--workers must be ≥ 1") }
        if let threads, threads < 1 { throw ValidationError("--threads must be ≥ 1") }
        for (flag, seconds) in [
            ("--request-head-timeout", requestHeadTimeout), ("--keep-alive-timeout", keepAliveTimeout),
            ("--tls-handshake-timeout", tlsHandshakeTimeout),
        ] {
            if let seconds, !(seconds > 0 && seconds <= 86_400) { throw ValidationError("\(flag) must be > 0 and ≤ 86400 seconds") }
        }
        if let maxConnections, maxConnections < 1 { throw ValidationError("--max-connections must be ≥ 1") }
        if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
        if let protocolName, ProtocolProfile(named: protocolName) == nil {
            throw ValidationError("--protocol takes openenv-0.3, openenv-0.10 or a release such as 0.5.0, got '\(protocolName)'")
        }
    }

    /// The configuration these flags describe: flag, else environment variable, else default.
    ///
    /// - Throws: ``ConfigurationError`` for an environment variable or TLS file that cannot be used.
    public func configuration(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> ServerConfiguration {
        var configuration = try ServerConfiguration.fromEnvironment(environment)
        if let host { configuration.host = host }
        if let port { configuration.port = port }
        if let maxConcurrentEnvs { configuration.maxConcurrentEnvs = maxConcurrentEnvs }
        if let sessionTimeout { configuration.sessionTimeout = .seconds(sessionTimeout) }
        if let maxMessageBytes { configuration.maxMessageBytes = maxMessageBytes }
        if let backlog { configuration.backlog = backlog }
        if let requestHeadTimeout { configuration.connectionLimits.requestHeadTimeout = .seconds(requestHeadTimeout) }
        if let keepAliveTimeout { configuration.connectionLimits.keepAliveTimeout = .seconds(keepAliveTimeout) }
        if let tlsHandshakeTimeout { configuration.connectionLimits.tlsHandshakeTimeout = .seconds(tlsHandshakeTimeout) }
        if let maxConnections { configuration.connectionLimits.maxConnections = maxConnections }
        if let protocolName, let profile = ProtocolProfile(named: protocolName) { configuration.protocolProfile = profile }
        // OPENENV_MODE is a variable of openenv ≥ 0.7 only; --mode applies to any profile.
        if !configuration.protocolProfile.modeVariable { configuration.mode = .simulation }
        if let mode { configuration.mode = mode }
        if let tlsCert, let tlsKey {
            do {
                configuration.tls = try ServerConfiguration.tls(certificateFile: tlsCert, keyFile: tlsKey)
            } catch {
                throw ConfigurationError(
                    name: "--tls-cert/--tls-key",
                    value: "\(tlsCert), \(tlsKey)",
                    expected: "readable PEM files (\(error))"
                )
            }
        }
        // Workers share the cores: one event-loop thread per core per worker would oversubscribe them.
        configuration.eventLoopThreads = threads ?? (workers > 1 ? max(1, System.coreCount / workers) : nil)
        configuration.reusePort = workers > 1 || WorkerProcesses.isWorker
        return configuration
    }

    /// Serves `environment` until SIGINT or SIGTERM: this process, plus `--workers` − 1 copies
    /// of this executable when it is the supervisor. Prints the ready line when listening.
    public func serve(_ environment: HostedEnvironment) async throws {
        WorkerProcesses.bindLifetimeToSupervisor()
        DescriptorLimit.raiseToHard()  // before the configuration derives its connection cap from it
        try await OpenEnvServer(configuration: try configuration(), environment: environment).run(
            workers: WorkerProcesses.isWorker ? 1 : workers,
            workerArguments: Array(CommandLine.arguments.dropFirst())
        )
    }
}

extension ServerMode: ExpressibleByArgument {}
