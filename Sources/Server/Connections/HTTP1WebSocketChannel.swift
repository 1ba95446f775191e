import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOWebSocket

/// The server's connections: HTTP/1.1 served by Hummingbird's routes, and `/ws` upgraded by
/// NIO's WebSocket upgrader to a ``WebSocketSessionHandler`` on the connection's event loop.
///
/// Composed as Hummingbird's own WebSocket channel is (NIO's typed HTTP upgrade handler in
/// front of `HTTP1Channel`'s handlers), except that an upgraded connection is served by the
/// handler instead of an async session per connection. `handle` returns once the upgrade is
/// done, so an open session holds no task; ``SharedPortListener`` waits for every open
/// connection on a graceful shutdown.
struct HTTP1WebSocketChannel: ServerChildChannel, HTTPChannelHandler {
    enum Negotiated: Sendable {
        case http(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
        /// An upgrade to anything but `/ws`: answered 400.
        case failedUpgrade(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
        /// The pipeline serves the session; nothing left to do but wait for the close.
        case webSocket
    }

    struct Value: ServerChildChannelValue {
        let negotiated: EventLoopFuture<Negotiated>
        let channel: any Channel
    }

    let responder: HTTPChannelHandler.Responder
    let services: WebSocketSessionServices

    init(responder: @escaping HTTPChannelHandler.Responder, services: WebSocketSessionServices) {
        self.responder = Self.redirectingUpgrades(responder)
        self.services = services
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let upgradeAttempted = NIOLoopBoundBox(false, eventLoop: channel.eventLoop)
            let services = self.services
            let maxMessageBytes = services.configuration.maxMessageBytes
            let upgrader = NIOTypedWebSocketServerUpgrader<Negotiated>(
                maxFrameSize: maxMessageBytes,
                shouldUpgrade: { channel, head in
                    upgradeAttempted.value = true
                    let isSessionPath = head.uri.split(separator: "?", maxSplits: 1).first == "/ws"
                    return channel.eventLoop.makeSucceededFuture(isSessionPath ? HTTPHeaders() : nil)
                },
                upgradePipelineHandler: { channel, head in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        // Fragments are joined up to the message limit; beyond it the session closes with 1009.
                        try pipeline.addHandler(
                            NIOWebSocketFrameAggregator(
                                minNonFinalFragmentSize: 0,
                                maxAccumulatedFrameCount: 1 << 16,
                                maxAccumulatedFrameSize: maxMessageBytes
                            )
                        )
                        try pipeline.addHandler(
                            WebSocketSessionHandler(
                                services: services,
                                attachTo: WebSocketSession.attachRequest(path: head.uri)
                            )
                        )
                        return .webSocket
                    }
                }
            )
            let upgrade = NIOTypedHTTPServerUpgradeConfiguration(upgraders: [upgrader]) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
                    try channel.pipeline.syncOperations.addHandler(HTTPConnectionStateHandler(idleTimeout: nil, logger: logger))
                    let http = try NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>(
                        wrappingChannelSynchronously: channel,
                        configuration: .init(isOutboundHalfClosureEnabled: true)
                    )
                    return upgradeAttempted.value ? .failedUpgrade(http) : .http(http)
                }
            }
            var configuration = NIOUpgradableHTTPServerPipelineConfiguration<Negotiated>(upgradeConfiguration: upgrade)
            configuration.enablePipelining = false  // NIOAsyncChannel serves HTTP requests one by one
            configuration.enableErrorHandling = false  // Hummingbird answers malformed requests
            configuration.enableResponseHeaderValidation = false  // Swift HTTP Types validate them
            let limits = HTTP1Channel.Configuration().httpDecoder
            configuration.decoderConfiguration.maxHeaderFieldSize = limits.maxHeaderFieldSize
            configuration.decoderConfiguration.maxHeaderListSize = limits.maxHeaderListSize
            configuration.decoderConfiguration.maxHeaderFieldCount = limits.maxHeaderFieldCount
            let negotiated = try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(configuration: configuration)
            return Value(negotiated: negotiated, channel: channel)
        }
    }

    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.negotiated.get() {
            case .http(let http):
                // The routes run on Swift's pool, not on the connection's event loop (which the
                // listener's task prefers): a route may parse a large body.
                await withTaskExecutorPreference(globalConcurrentExecutor) {
                    await handleHTTP(asyncChannel: http, logger: logger)
                }
            case .failedUpgrade(let http):
                await refuseUpgrade(http, logger: logger)
            case .webSocket:
                // The pipeline serves the session: nothing for a task to wait for.
                break
            }
        } catch let error as ChannelError where error == .inputClosed {
            logger.trace("connection closed before its upgrade was negotiated")
        } catch {
            logger.debug("connection ended: \(error)")
        }
    }

    /// An upgrade request for a path that has no WebSocket endpoint.
    private func refuseUpgrade(_ http: NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>, logger: Logger) async {
        do {
            try await http.executeThenClose { _, outbound in
                let head = HTTPResponse(status: .badRequest, headerFields: [.connection: "close", .contentLength: "0"])
                try await outbound.write(contentsOf: [.head(head), .end(nil)])
            }
        } catch {
            logger.trace("could not refuse the upgrade: \(error)")
        }
    }

    /// NIO negotiates an upgrade only on a connection's first request; one asking for it on a
    /// kept-alive connection is redirected to the same path, and the connection closed, so
    /// that the client retries on a new connection (as Hummingbird's WebSocket channel does).
    private static func redirectingUpgrades(_ responder: @escaping HTTPChannelHandler.Responder) -> HTTPChannelHandler.Responder {
        { request, writer, channel in
            guard request.headers[.upgrade] == "websocket" else { return try await responder(request, writer, channel) }
            var path = request.uri.path
            if let query = request.uri.query { path += "?\(query)" }
            try await writer.writeResponse(HTTPResponse(status: .temporaryRedirect, headerFields: [.connection: "close", .location: path]))
            throw RedirectedUpgrade()
        }
    }
}

/// Ends a kept-alive connection after redirecting its upgrade request.
private struct RedirectedUpgrade: Error {}
