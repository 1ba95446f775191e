public import EnvProtocol
public import Foundation
public import NIOSSL

/// How an OpenEnv server is run. Every field has the default a Python OpenEnv user expects.
public struct ServerConfiguration: Sendable {
    /// Address to bind. Default `0.0.0.0`, as the reference's uvicorn recipes use.
    public var host: String
    /// Port to bind; 0 picks a free one (tests read it back).
    public var port: Int
    /// Live WebSocket sessions this process holds before answering `CAPACITY_REACHED`.
    public var maxConcurrentEnvs: Int
    /// Close a session idle for this long. `nil` (the reference's default) never reaps.
    public var sessionTimeout: Duration?
    /// Largest WebSocket message or HTTP body accepted; bigger frames are closed with 1009.
    public var maxMessageBytes: Int
    /// Listen backlog: a burst of thousands of connects needs more than the usual 256.
    public var backlog: Int
    /// Event-loop threads of this process; `nil` uses one per core. With several `--workers`
    /// on one host, fewer threads per worker avoid oversubscribing the cores.
    public var eventLoopThreads: Int?
    /// Bind with `SO_REUSEPORT` so worker processes share the port; only `--workers` sets it.
    public var reusePort: Bool = false
    /// How long a closing handshake may take before the socket is dropped.
    public var closeTimeout: Duration
    /// Serve HTTPS and `wss` with this configuration; `nil` serves plain HTTP and `ws`.
    public var tls: TLSConfiguration?
    /// Ping every idle session this often and close it when nothing (no pong, no message) has
    /// come back for two intervals after a ping: reaps half-open connections (a peer that
    /// vanished without a FIN or RST) even without `sessionTimeout`, while a live client that is
    /// briefly starved of CPU is kept. `nil` disables pings.
    public var pingInterval: Duration?
    /// A reply the client has not taken within this long closes the connection: a client that
    /// stops reading cannot hold its slot (and socket buffers) forever.
    public var replyWriteTimeout: Duration
    /// Request-head, keep-alive and TLS-handshake timeouts and the per-process connection cap.
    public var connectionLimits: ConnectionLimits
    /// The OpenEnv release whose wire protocol is served; default the current one (0.10).
    public var protocolProfile: ProtocolProfile
    /// `production` removes the simulation routes `/reset`, `/step`, `/state` (openenv ≥ 0.7's
    /// `OPENENV_MODE`); `/ws`, `/mcp`, discovery and the task API stay.
    public var mode: ServerMode

    public init(
        host: String = "0.0.0.0",
        port: Int = 8000,
        maxConcurrentEnvs: Int = 100,
        sessionTimeout: Duration? = nil,
        maxMessageBytes: Int = 1 << 20,
        backlog: Int = 4096,
        eventLoopThreads: Int? = nil,
        closeTimeout: Duration = .seconds(5),
        tls: TLSConfiguration? = nil,
        pingInterval: Duration? = .seconds(30),
        replyWriteTimeout: Duration = .seconds(30),
        connectionLimits: ConnectionLimits = ConnectionLimits(),
        protocolProfile: ProtocolProfile = .current,
        mode: ServerMode = .simulation
    ) {
        self.host = host
        self.port = port
        self.maxConcurrentEnvs = maxConcurrentEnvs
        self.sessionTimeout = sessionTimeout
        self.maxMessageBytes = maxMessageBytes
        self.backlog = backlog
        self.eventLoopThreads = eventLoopThreads
        self.closeTimeout = closeTimeout
        self.tls = tls
        self.pingInterval = pingInterval
        self.replyWriteTimeout = replyWriteTimeout
        self.connectionLimits = connectionLimits
        self.protocolProfile = protocolProfile
        self.mode = mode
    }

    /// A TLS server configuration from PEM files (certificate chain and private key).
    public static func tls(certificateFile: String, keyFile: String) throws -> TLSConfiguration {
        let chain = try NIOSSLCertificate.fromPEMFile(certificateFile).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
        return TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
    }

    /// The defaults, overridden by the variables users of the Python server already set:
    /// `HOST`, `PORT`, `MAX_CONCURRENT_ENVS`, `SESSION_TIMEOUT` (seconds), `OPENENV_PROTOCOL`
    /// (`openenv-0.3`, `openenv-0.10`, or a release such as `0.5.0`), and `OPENENV_MODE`
    /// (`production` or `simulation`; read only by profiles that have it, as openenv ≥ 0.7 does).
    ///
    /// - Throws: ``ConfigurationError`` naming the variable when a value does not parse.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) -> ServerConfiguration {
        let variables = EnvironmentVariables(environment)
        var configuration = ServerConfiguration()
        if let host = variables.string("HOST") { configuration.host = host }
        if let port = try variables.value("PORT", .port) { configuration.port = port }
        if let capacity = try variables.value("MAX_CONCURRENT_ENVS", .integer(atLeast: 1)) {
            configuration.maxConcurrentEnvs = capacity
        }
        if let timeout = try variables.value("SESSION_TIMEOUT", .seconds()) {
            configuration.sessionTimeout = .seconds(timeout)
        }
        if let name = variables.string("OPENENV_PROTOCOL") {
            guard let profile = ProtocolProfile(named: name) else {
                throw ConfigurationError(name: "OPENENV_PROTOCOL", value: name, expected: "openenv-0.3, openenv-0.10 or a release such as 0.5.0")
            }
            configuration.protocolProfile = profile
        }
        if configuration.protocolProfile.modeVariable, let text = variables.string("OPENENV_MODE") {
            guard let mode = ServerMode(rawValue: text.lowercased()) else {
                throw ConfigurationError(name: "OPENENV_MODE", value: text, expected: "production or simulation")
            }
            configuration.mode = mode
        }
        return configuration
    }
}

/// A configuration value that does not parse.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public let name: String
    public let value: String
    public let expected: String

    public init(name: String, value: String, expected: String) {
        self.name = name
        self.value = value
        self.expected = expected
    }

    public var description: String { "The value '\(value)' is invalid for '\(name)': expected \(expected)" }
}

/// Which routes a server offers (openenv's `OPENENV_MODE`).
public enum ServerMode: String, Sendable, CaseIterable {
    /// Every route, including the stateless simulation routes `/reset`, `/step`, `/state`.
    case simulation
    /// No simulation routes: episodes run over `/ws` (and MCP sessions) only.
    case production
}
