import NIOCore
import NIOHTTP1
import NIOSSL
import NIOTLS

/// Closes a connection that does not become a request in time (``ConnectionLimits``).
///
/// First in the pipeline, it holds one timer for the phase the connection is in: the TLS
/// handshake, the first request head, or (between requests on a kept-alive connection) the
/// next head. While a request is being served there is no timer, and once the connection is
/// upgraded to a WebSocket session there is none again: a step may take as long as it waits,
/// and a session's liveness is its pings'. The handler cannot see those events itself, since
/// the bytes it sees are still encrypted or undecoded: ``attachWatches(to:tls:)`` places
/// watches that tell it.
final class ConnectionDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    enum Phase: String, Sendable {
        case tlsHandshake = "tls_handshake"
        case requestHead = "request_head"
        case keepAliveIdle = "keep_alive_idle"
    }

    private let limits: ConnectionLimits
    private let metrics: ServerMetrics
    private let firstPhase: Phase
    private var context: ChannelHandlerContext?
    private var timer: Scheduled<Void>?
    private var started = false

    init(limits: ConnectionLimits, metrics: ServerMetrics, firstPhase: Phase) {
        self.limits = limits
        self.metrics = metrics
        self.firstPhase = firstPhase
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { start() }
    }

    func channelActive(context: ChannelHandlerContext) {
        start()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stop()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stop()
        self.context = nil
    }

    /// The TLS handshake completed: the first request head is due.
    func handshakeCompleted() { arm(.requestHead) }
    /// A request head arrived: no deadline while it is served.
    func requestHeadReceived() { stop() }
    /// Every response has ended and every request body arrived: the next head is due.
    func fellIdle() { arm(.keepAliveIdle) }
    /// The connection is a WebSocket session now.
    func upgraded() { stop() }

    private func start() {
        guard !started else { return }
        started = true
        arm(firstPhase)
    }

    private func arm(_ phase: Phase) {
        stop()
        guard let context, let limit = limit(of: phase) else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(limit.nanoseconds)) { [weak self] in
            self?.expire(phase)
        }
    }

    private func stop() {
        timer?.cancel()
        timer = nil
    }

    private func expire(_ phase: Phase) {
        timer = nil
        guard let context, context.channel.isActive else { return }
        metrics.connectionTimedOut(phase)
        context.close(promise: nil)
    }

    private func limit(of phase: Phase) -> Duration? {
        switch phase {
        case .tlsHandshake: limits.tlsHandshakeTimeout
        case .requestHead: limits.requestHeadTimeout
        case .keepAliveIdle: limits.keepAliveTimeout
        }
    }

    /// Places the watches that tell this connection's deadline handler what happened: one after
    /// the TLS handler (with TLS) and one after NIO's HTTP/1 request decoder, which the server's
    /// child channel has configured by now.
    static func attachWatches(to pipeline: ChannelPipeline.SynchronousOperations, tls: Bool) throws {
        let deadline = try pipeline.handler(type: ConnectionDeadlineHandler.self)
        if tls {
            let handshaking = try pipeline.handler(type: NIOSSLServerHandler.self)
            try pipeline.addHandler(HandshakeWatch(deadline: deadline), position: .after(handshaking))
        }
        let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
        try pipeline.addHandler(RequestWatch(deadline: deadline), position: .after(decoder))
    }
}

/// Tells the deadline handler when the TLS handshake completes, then leaves the pipeline.
private final class HandshakeWatch: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    private let deadline: ConnectionDeadlineHandler

    init(deadline: ConnectionDeadlineHandler) {
        self.deadline = deadline
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        context.fireUserInboundEventTriggered(event)
        if case TLSUserEvent.handshakeCompleted = event {
            deadline.handshakeCompleted()
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }
}

/// Tells the deadline handler when a request head arrives and a connection falls idle (its
/// responses ended and its request bodies received); leaves the pipeline with the HTTP handlers
/// when the connection upgrades (once its `101` response is flushed: leaving at the write would
/// drop the flush that follows it).
private final class RequestWatch: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart
    private let deadline: ConnectionDeadlineHandler
    private var upgrading = false
    /// Requests whose head arrived and whose response has not ended: a client that sends its
    /// next request before the last response ends is not idle when that response ends.
    private var unanswered = 0
    /// A request body is still arriving (a response may end before it does, e.g. a 413).
    private var receivingBody = false
    /// After a request that asks for an upgrade, the decoder stops and, once the upgrade removes
    /// it, passes on whatever followed the head (a client's first frames) as raw bytes, which
    /// are no `HTTPServerRequestPart`: until the answer shows whether the upgrade happens, reads
    /// are only forwarded. A `101` ends the watch; any other answer means the decoder stays and
    /// goes on parsing, so the watch does too.
    private var passingThrough = false

    init(deadline: ConnectionDeadlineHandler) {
        self.deadline = deadline
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !passingThrough else { return context.fireChannelRead(data) }
        switch unwrapInboundIn(data) {
        case .head(let head):
            unanswered += 1
            receivingBody = true
            passingThrough = head.headers.contains(name: "upgrade")
            deadline.requestHeadReceived()
        case .end:
            receivingBody = false
            armIfIdle()
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status == .switchingProtocols:
            deadline.upgraded()
            upgrading = true
            context.write(data, promise: promise)
        case .head where passingThrough:
            // Not upgraded: the request (an upgrade request has no body to wait for) was read.
            passingThrough = false
            receivingBody = false
            context.write(data, promise: promise)
        case .end:
            unanswered = max(0, unanswered - 1)
            armIfIdle()
            context.write(data, promise: promise)
        default:
            context.write(data, promise: promise)
        }
    }

    private func armIfIdle() {
        if unanswered == 0 && !receivingBody { deadline.fellIdle() }
    }

    func flush(context: ChannelHandlerContext) {
        context.flush()
        if upgrading { context.pipeline.syncOperations.removeHandler(context: context, promise: nil) }
    }
}
