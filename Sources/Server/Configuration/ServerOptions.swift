public import ArgumentParser
public import EnvProtocol
public import Foundation
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

    @Option(name: .shortAndLong, help: "Port to bind, 0 for any free port (env PORT, default 8000).", transform: SettingRule.port.transform)
    public var port: Int?

    @Option(
        help: "Live WebSocket sessions before CAPACITY_REACHED (env MAX_CONCURRENT_ENVS, default 100).",
        transform: SettingRule.integer(atLeast: 1).transform
    )
    public var maxConcurrentEnvs: Int?

    @Option(help: "Close sessions idle this many seconds (env SESSION_TIMEOUT, default: never).", transform: SettingRule.seconds().transform)
    public var sessionTimeout: Double?

    @Option(help: "Largest WebSocket message / HTTP body in bytes (default 1048576).", transform: SettingRule.integer(atLeast: 1024).transform)
    public var maxMessageBytes: Int?

    @Option(help: "Listen backlog (default 4096).", transform: SettingRule.integer(atLeast: 1).transform)
    public var backlog: Int?

    @Option(
        help: "Processes serving the port together (SO_REUSEPORT); each holds --max-concurrent-envs sessions (default 1).",
        transform: SettingRule.integer(atLeast: 1).transform
    )
    public var workers: Int = 1

    @Option(help: "Event-loop threads per process (default: cores ÷ workers, at least 1).", transform: SettingRule.integer(atLeast: 1).transform)
    public var threads: Int?

    @Option(
        help: "Seconds a new connection has to send a complete request head (default 10).",
        transform: SettingRule.seconds(atMost: 86_400).transform
    )
    public var requestHeadTimeout: Double?

    @Option(
        help: "Seconds a kept-alive HTTP connection may wait for its next request (default 60).",
        transform: SettingRule.seconds(atMost: 86_400).transform
    )
    public var keepAliveTimeout: Double?

    @Option(help: "Seconds a TLS handshake may take (default 10).", transform: SettingRule.seconds(atMost: 86_400).transform)
    public var tlsHandshakeTimeout: Double?

    @Option(
        help: "Open connections per process; more are refused with 503 (default: the descriptor limit less 128).",
        transform: SettingRule.integer(atLeast: 1).transform
    )
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

    /// Each number is checked by its flag's ``SettingRule`` as it is parsed (the same rule as
    /// its environment variable's); what is left are the flags that go together.
    public func validate() throws {
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
