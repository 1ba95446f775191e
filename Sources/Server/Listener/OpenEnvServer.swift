public import EnvProtocol
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
public import Logging
import NIOCore
public import ServiceLifecycle
import Synchronization
import UnixSignals

/// An OpenEnv server: the HTTP endpoints and the `/ws` session endpoint of PROTOCOL.md, for one
/// environment type, on Hummingbird.
///
/// ```swift
/// let server = OpenEnvServer(configuration: .fromEnvironment())
/// try await server.run()   // until SIGINT/SIGTERM, then a graceful shutdown
/// ```
public struct OpenEnvServer: Sendable {
    public let configuration: ServerConfiguration
    public let environment: HostedEnvironment
    /// Live sessions of this server: WebSocket sessions and MCP sessions created over HTTP.
    public let slots: SessionSlots
    /// MCP sessions created over HTTP (`openenv/session/create`).
    let sessions: MCPSessions
    /// What `GET /metrics` reports; this server's own registry.
    public let metrics = ServerMetrics()
    /// Connections this process holds, against ``ConnectionLimits/maxConnections``.
    let connections: OpenConnections
    let logger: Logger

    /// Connections this process holds now (`openenv_open_connections` in `/metrics`).
    public var openConnections: Int { connections.current }

    /// - Parameters:
    ///   - configuration: bind address, capacity and limits.
    ///   - environment: the environment to serve (e.g. `.benchmark()` of `BenchmarkEnvironment`).
    ///   - logger: default logs at `LOG_LEVEL` (info).
    public init(
        configuration: ServerConfiguration,
        environment: HostedEnvironment,
        logger: Logger? = nil
    ) {
        self.configuration = configuration
        self.environment = environment
        self.slots = SessionSlots(capacity: configuration.maxConcurrentEnvs)
        self.sessions = MCPSessions(slots: slots, idleTimeout: configuration.sessionTimeout)
        self.connections = OpenConnections(limit: configuration.connectionLimits.maxConnections)
        self.logger = logger ?? Self.defaultLogger()
    }

    /// Serves until SIGINT or SIGTERM, then shuts down gracefully. Once listening, each process
    /// prints one ready line on standard output for scripts and tests:
    /// `listening http://127.0.0.1:8000 pid=1234` (see ``ReadyLine``).
    ///
    /// - Parameters:
    ///   - workers: processes serving the port, this one included (see ``WorkerProcesses``).
    ///   - workerArguments: the command-line arguments the extra workers are started with.
    public func run(workers: Int = 1, workerArguments: [String] = []) async throws {
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var services: [any Service] = []
        if workers > 1 {
            services.append(
                WorkerProcesses(count: workers - 1, arguments: workerArguments, logger: logger) {
                    await ports.first { _ in true }
                }
            )
        }
        // Last, so that it is the first to stop accepting on shutdown (services stop in reverse).
        let scheme = configuration.tls == nil ? "http" : "https"
        let host = configuration.host
        services.append(
            try makeService { port in
                portContinuation.yield(port)
                ReadyLine(scheme: scheme, host: host, port: port, pid: Int(getpid())).print()
            }
        )
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        try await group.run()
    }

    /// The server as a `Service`, for running inside a caller's `ServiceGroup`.
    ///
    /// - Parameter onServerRunning: called with the bound port once the server accepts
    ///   connections (the way to learn the port when binding port 0).
    /// - Throws: when the TLS configuration cannot be used.
    public func makeService(
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> any Service {
        let process = ServingProcessBox(port: configuration.port)
        let router = Router()
        router.middlewares.add(FastAPIErrorMiddleware())
        let mcp = MCPEndpoint(
            environment: environment,
            sessions: sessions,
            profile: configuration.protocolProfile,
            process: { process.current }
        )
        HTTPRoutes(environment: environment, process: { process.current }, configuration: configuration, mcp: mcp)
            .add(to: router)
        MetricsRoute(metrics: metrics, slots: slots, connections: connections).add(to: router)

        let services = WebSocketSessionServices(
            environment: environment,
            process: { process.current },
            slots: slots,
            sessions: sessions,
            mcp: mcp,
            metrics: metrics,
            configuration: configuration
        )
        let http = HTTP1WebSocketChannel(
            responder: HTTPResponderAdapter(router: router, serverName: "openenv-swift", logger: logger).respond,
            services: services
        )
        let onListening = { @Sendable (port: Int) in
            process.bound(to: port)
            await onServerRunning(port)
        }
        if let tls = configuration.tls {
            return listener(limited(try TLSChannel(http, tlsConfiguration: tls), isTLS: true), onListening: onListening)
        }
        return listener(limited(http, isTLS: false), onListening: onListening)
    }

    private func limited<Child: ServerChildChannel>(_ child: Child, isTLS: Bool) -> LimitedConnectionChannel<Child> {
        LimitedConnectionChannel(
            base: child,
            limits: configuration.connectionLimits,
            connections: connections,
            metrics: metrics,
            isTLS: isTLS
        )
    }

    private func listener<Child: ServerChildChannel>(
        _ child: Child,
        onListening: @escaping @Sendable (Int) async -> Void
    ) -> SharedPortListener<Child> {
        SharedPortListener(
            child: child,
            host: configuration.host,
            port: configuration.port,
            backlog: configuration.backlog,
            reusePort: configuration.reusePort,
            eventLoopThreads: configuration.eventLoopThreads,
            logger: logger,
            onListening: onListening
        )
    }

    private static func defaultLogger() -> Logger {
        var logger = Logger(label: "openenv-server")
        let level = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) }
        logger.logLevel = level ?? .info
        return logger
    }
}

/// The serving process's identity; the port is only known once the socket is bound.
final class ServingProcessBox: Sendable {
    private let process: Mutex<ServingProcess>

    init(port: Int) {
        process = Mutex(ServingProcess(hostURL: "\(Self.hostname()):\(port)"))
    }

    var current: ServingProcess { process.withLock { $0 } }

    func bound(to port: Int) {
        process.withLock { $0.hostURL = "\(Self.hostname()):\(port)" }
    }

    /// The short host name, as Python's `socket.gethostname()` reports it.
    static func hostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
