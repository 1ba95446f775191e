package import NIOCore
import NIOHTTP1
import NIOSSL
import NIOTLS

/// Closes a connection that does not become a request in time (``ConnectionLimits``): a thin
/// shell that feeds the connection's events to its ``ConnectionDeadlines`` and carries out what
/// it asks (schedule its one timer, close the connection), reading the time from the event loop.
///
/// First in the pipeline. It cannot see a handshake's completion, a request head or the end of
/// a response itself, since the bytes it sees are still encrypted or undecoded:
/// ``attachWatches(to:tls:)`` places watches that tell it.
package final class ConnectionDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    package typealias InboundIn = ByteBuffer
    package typealias Phase = ConnectionDeadlines.Phase

    private let metrics: ServerMetrics
    private var deadlines: ConnectionDeadlines
    private var context: ChannelHandlerContext?

    package init(limits: ConnectionLimits, metrics: ServerMetrics, firstPhase: Phase) {
        self.metrics = metrics
        self.deadlines = ConnectionDeadlines(limits: limits, firstPhase: firstPhase)
    }

    package func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { perform(deadlines.connectionActive(now: context.eventLoop.now)) }
    }

    package func channelActive(context: ChannelHandlerContext) {
        perform(deadlines.connectionActive(now: context.eventLoop.now))
        context.fireChannelActive()
    }

    package func channelInactive(context: ChannelHandlerContext) {
        deadlines.connectionClosed()
        context.fireChannelInactive()
    }

    package func handlerRemoved(context: ChannelHandlerContext) {
        deadlines.connectionClosed()
        self.context = nil
    }

    /// The TLS handshake completed: the first request head is due.
    package func handshakeCompleted() {
        guard let context else { return }
        perform(deadlines.handshakeCompleted(now: context.eventLoop.now))
    }

    /// A request head arrived: no deadline while it is served.
    package func requestHeadReceived() { deadlines.requestHeadReceived() }

    /// Every response has ended and every request body arrived: the next head is due.
    package func fellIdle() {
        guard let context else { return }
        perform(deadlines.fellIdle(now: context.eventLoop.now))
    }

    /// The connection is a WebSocket session now.
    package func upgraded() { deadlines.upgraded() }

    private func perform(_ action: ConnectionDeadlines.Action) {
        guard let context else { return }
        switch action {
        case .none:
            break
        case .schedule(let deadline):
            // Holds the handler weakly: a closed connection's memory is gone at once, and the
            // timer, when it fires, finds nothing.
            context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [weak self] in
                self?.timerFired(deadline)
            }
        case .close(let phase):
            guard context.channel.isActive else { return }
            metrics.connectionTimedOut(phase)
            context.close(promise: nil)
        }
    }

    private func timerFired(_ deadline: NIODeadline) {
        guard let context else { return }
        perform(deadlines.timerFired(deadline, now: context.eventLoop.now))
    }

    /// Places the watches that tell this connection's deadline handler what happened: one after
    /// the TLS handler (with TLS) and one after NIO's HTTP/1 request decoder, which the server's
    /// child channel has configured by now.
    package static func attachWatches(to pipeline: ChannelPipeline.SynchronousOperations, tls: Bool) throws {
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
