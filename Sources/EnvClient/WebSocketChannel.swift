public import NIOCore
import NIOPosix
public import NIOSSL

/// Opens a client WebSocket whose messages are handled on its event loop, by channel handlers,
/// instead of through an async ``WebSocketConnection``.
///
/// What a load generator driving thousands of sessions needs: no Swift task and no hand-off
/// between threads per message. The pipeline is the same as ``WebSocketConnection``'s (TLS, the
/// bytes that came with the 101, the held EOF); after the upgrade, ``WebSocketEventCodec`` turns
/// frames into ``WebSocketEvent``s for the handlers `upgraded` adds behind it.
///
/// ```swift
/// WebSocketChannel.open(to: endpoint, configuration: .init(), sslContext: nil, on: loop) { _ in
/// } upgraded: { channel in
///     try channel.pipeline.syncOperations.addHandler(MySession())  // InboundIn = WebSocketEvent
/// }
/// ```
public enum WebSocketChannel {
    /// The TLS context for `endpoint` (`nil` unless `wss`): make it once and share it among
    /// connections, as building one is expensive.
    public static func sslContext(for endpoint: ServerEndpoint, tls: TLSConfiguration?) throws -> NIOSSLContext? {
        try WebSocketPipeline.sslContext(for: endpoint, tls: tls)
    }

    /// Connects to `endpoint` on `loop` and upgrades.
    ///
    /// - Parameters:
    ///   - localAddress: where to connect from (`nil`: the kernel's choice), e.g. one of
    ///     127.0.0.x for a loopback server, so each source address has its own ports.
    ///   - created: called on the loop with the channel before it connects (to close it on a
    ///     deadline of the caller's).
    ///   - upgraded: called on the loop once the server agreed, after the codec is installed;
    ///     add the handlers that speak the protocol. They may write only once the returned
    ///     future succeeded (NIO's upgrade handler fails writes until then); the frames that
    ///     came with the 101 reach them after that.
    /// - Returns: a future that succeeds once the WebSocket is up, and fails with the connect
    ///   error or ``WebSocketClientError/notUpgraded(_:)``. `configuration.connectTimeout` limits
    ///   the TCP connect; the upgrade's limit is the caller's.
    public static func open(
        to endpoint: ServerEndpoint,
        configuration: WebSocketConnection.Configuration,
        sslContext: NIOSSLContext?,
        localAddress: SocketAddress? = nil,
        on loop: any EventLoop,
        created: @escaping @Sendable (any Channel) -> Void,
        upgraded: @escaping @Sendable (any Channel) throws -> Void
    ) -> EventLoopFuture<Void> {
        // Set by the initializer, which runs before the connect completes.
        let upgrade = NIOLoopBoundBox<EventLoopFuture<WebSocketPipeline.Outcome<Bool>>?>(nil, eventLoop: loop)
        let relay = NIOLoopBoundBox<InputClosedRelay?>(nil, eventLoop: loop)
        let bootstrap = WebSocketPipeline.bootstrap(group: loop, configuration: configuration, localAddress: localAddress)
            .channelInitializer { channel in
                created(channel)
                return channel.eventLoop.makeCompletedFuture {
                    let prepared = try WebSocketPipeline.prepare(
                        channel: channel,
                        endpoint: endpoint,
                        configuration: configuration,
                        sslContext: sslContext
                    ) { channel in
                        try channel.pipeline.syncOperations.addHandler(WebSocketEventCodec())
                        try upgraded(channel)
                        return true
                    }
                    upgrade.value = prepared.upgrade
                    relay.value = prepared.relay
                }
            }
        // A server given by IP address is connected to by that address: resolving the literal
        // (a hop to a resolver thread) and Happy Eyeballs cost a connection more than the rest
        // of its setup. A host name is resolved.
        let address = try? SocketAddress(ipAddress: endpoint.host, port: endpoint.port)
        let connected = address.map { bootstrap.connect(to: $0) } ?? bootstrap.connect(host: endpoint.host, port: endpoint.port)
        return
            connected
            .flatMap { _ in upgrade.value ?? loop.makeFailedFuture(ChannelError.inappropriateOperationForState) }
            .flatMapThrowing { outcome in
                // The upgrade replays the frames that came with the 101 right after this; a held
                // EOF follows them, on the next turn of the loop.
                loop.execute { relay.value?.release() }
                guard case .webSocket = outcome else {
                    throw WebSocketClientError.notUpgraded("server at \(endpoint.webSocketURL) refused the WebSocket upgrade")
                }
            }
    }
}
