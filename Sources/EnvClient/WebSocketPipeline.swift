import EnvProtocol
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket

/// The client pipeline every WebSocket of ours is built on — TLS, the held EOF, the HTTP upgrade
/// that keeps the bytes arriving with the 101 — whatever then reads the frames: an async
/// ``WebSocketConnection`` or a handler on the event loop (``WebSocketChannel``).
enum WebSocketPipeline {
    /// What the upgrade ended in.
    enum Outcome<Upgraded: Sendable>: Sendable {
        case webSocket(Upgraded)
        case notUpgraded
    }

    /// The TLS context a `wss` endpoint needs (`nil` for `ws`); `tls` `nil` uses the system trust store.
    static func sslContext(for endpoint: ServerEndpoint, tls: TLSConfiguration?) throws -> NIOSSLContext? {
        endpoint.isSecure ? try NIOSSLContext(configuration: tls ?? .makeClientConfiguration()) : nil
    }

    /// A bootstrap with our socket options and the connect timeout, connecting from
    /// `localAddress` when given (else the kernel's choice).
    static func bootstrap(
        group: any EventLoopGroup,
        configuration: WebSocketConnection.Configuration,
        localAddress: SocketAddress? = nil
    ) -> ClientBootstrap {
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.nanoseconds(configuration.connectTimeout.nanoseconds))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            // A server that rejects a session writes its error, its close frame and FIN at once,
            // often while the upgrade is still completing. With half-closure the EOF only ends
            // the inbound stream after those frames, instead of closing the channel under them.
            .channelOption(.allowRemoteHalfClosure, value: true)
        return localAddress.map { bootstrap.bind(to: $0) } ?? bootstrap
    }

    /// Installs TLS (with `sslContext`), the EOF relay and the upgrade on a fresh `channel`;
    /// `upgraded` completes the WebSocket pipeline once the server agreed. Release the returned
    /// relay once the upgrade future completed, so a held EOF follows the replayed frames.
    static func prepare<Upgraded: Sendable>(
        channel: any Channel,
        endpoint: ServerEndpoint,
        configuration: WebSocketConnection.Configuration,
        sslContext: NIOSSLContext?,
        upgraded: @escaping @Sendable (any Channel) throws -> Upgraded
    ) throws -> (upgrade: EventLoopFuture<Outcome<Upgraded>>, relay: InputClosedRelay) {
        if let sslContext {
            let serverName = endpoint.host.first?.isNumber == true ? nil : endpoint.host
            try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: serverName))
        }
        // Before the HTTP handlers: an EOF must not reach them while they still hold
        // the frames that arrived with the 101 (see InputClosedRelay).
        let relay = InputClosedRelay()
        try channel.pipeline.syncOperations.addHandler(relay)
        let upgrader = NIOTypedWebSocketClientUpgrader<Outcome<Upgraded>>(
            maxFrameSize: configuration.maxFrameSize,
            upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture { .webSocket(try upgraded(channel)) }
            }
        )
        var headers = HTTPHeaders()
        let defaultPort = endpoint.isSecure ? 443 : 80
        headers.add(name: "Host", value: endpoint.port == defaultPort ? endpoint.host : "\(endpoint.host):\(endpoint.port)")
        headers.add(name: "Content-Length", value: "0")
        let request = HTTPRequestHead(version: .http1_1, method: .GET, uri: endpoint.webSocketPath, headers: headers)
        let upgradeConfiguration = NIOTypedHTTPClientUpgradeConfiguration<Outcome<Upgraded>>(
            upgradeRequestHead: request,
            upgraders: [upgrader],
            notUpgradingCompletionHandler: { channel in
                channel.eventLoop.makeCompletedFuture { .notUpgraded }
            }
        )
        var pipeline = NIOUpgradableHTTPClientPipelineConfiguration(upgradeConfiguration: upgradeConfiguration)
        // NIO drops bytes that arrive together with the 101 response by default. Servers that
        // speak first (an unsolicited CAPACITY_REACHED and close right after the upgrade, as the
        // Python reference does) put their first frames exactly there.
        pipeline.leftOverBytesStrategy = .forwardBytes
        let upgrade = try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(configuration: pipeline)
        return (upgrade, relay)
    }
}
