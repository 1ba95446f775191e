import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL

/// Puts ``ConnectionLimits`` in front of the server's child channel (plain or TLS): a connection
/// beyond ``OpenConnections/limit`` is refused at once, and an admitted one gets a
/// ``ConnectionDeadlineHandler`` first in its pipeline, told by watches placed after the TLS
/// handler and after the HTTP/1 request decoder when the handshake completes, a request head
/// arrives, a response ends and the connection upgrades.
struct LimitedConnectionChannel<Base: ServerChildChannel>: ServerChildChannel {
    enum Value: ServerChildChannelValue {
        case admitted(Base.Value)
        case refused(any Channel)

        var channel: any Channel {
            switch self {
            case .admitted(let value): value.channel
            case .refused(let channel): channel
            }
        }
    }

    let base: Base
    let limits: ConnectionLimits
    let connections: OpenConnections
    let metrics: ServerMetrics
    /// The base sets TLS up first: a refusal cannot be answered in HTTP, and the first deadline
    /// is the handshake's.
    let isTLS: Bool

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let connections = self.connections
        let isTLS = self.isTLS
        guard connections.admit() else {
            metrics.connectionRefused()
            // Answered in HTTP when the budget for refusals being answered allows (never with TLS).
            let answering = !isTLS && connections.beginAnswering()
            if answering { channel.closeFuture.whenComplete { _ in connections.endAnswering() } }
            return Self.closingOnFailure(
                channel.eventLoop.makeCompletedFuture {
                    try Self.refuse(channel, limit: connections.limit, answering: answering)
                    return .refused(channel)
                },
                channel
            )
        }
        channel.closeFuture.whenComplete { _ in connections.release() }
        let firstPhase: ConnectionDeadlineHandler.Phase = isTLS ? .tlsHandshake : .requestHead
        let setUp: EventLoopFuture<Value>
        do {
            try channel.pipeline.syncOperations.addHandler(
                ConnectionDeadlineHandler(limits: limits, metrics: metrics, firstPhase: firstPhase),
                position: .first
            )
            setUp = base.setup(channel: channel, logger: logger).flatMapThrowing { value in
                try ConnectionDeadlineHandler.attachWatches(to: channel.pipeline.syncOperations, tls: isTLS)
                return .admitted(value)
            }
        } catch {
            setUp = channel.eventLoop.makeFailedFuture(error)
        }
        return Self.closingOnFailure(setUp, channel)
    }

    /// NIO drops a failed setup without closing the channel: close it, which gives its place
    /// back (and its descriptor).
    private static func closingOnFailure(_ setUp: EventLoopFuture<Value>, _ channel: any Channel) -> EventLoopFuture<Value> {
        setUp.flatMapErrorThrowing { error in
            channel.close(promise: nil)
            throw error
        }
    }

    func handle(value: Value, logger: Logger) async {
        switch value {
        case .admitted(let value):
            await base.handle(value: value, logger: logger)
        case .refused(let channel):
            try? await channel.closeFuture.get()
        }
    }

    /// `answering`: a 503 that says why, then a half-close; the socket is closed when the client
    /// closes, or after a second (closing with the client's request unread would send a reset,
    /// which can destroy the 503 before the client reads it). Otherwise (TLS, where answering
    /// would mean a handshake first, or too many refusals being answered) it is closed at once.
    private static func refuse(_ channel: any Channel, limit: Int, answering: Bool) throws {
        guard answering else {
            channel.close(promise: nil)
            return
        }
        let pipeline = channel.pipeline.syncOperations
        try pipeline.addHandler(RefusedConnectionDrain())
        try pipeline.addHandler(HTTPResponseEncoder())
        var body = channel.allocator.buffer(capacity: 128)
        body.writeString(#"{"detail":"this server process holds its maximum of \#(limit) connections; retry later"}"#)
        let head = HTTPResponseHead(
            version: .http1_1,
            status: .serviceUnavailable,
            headers: [
                "Content-Type": "application/json", "Content-Length": String(body.readableBytes), "Connection": "close",
                "Retry-After": "1",
            ]
        )
        channel.write(HTTPServerResponsePart.head(head), promise: nil)
        channel.write(HTTPServerResponsePart.body(.byteBuffer(body)), promise: nil)
        channel.writeAndFlush(HTTPServerResponsePart.end(nil)).whenComplete { _ in
            channel.close(mode: .output, promise: nil)
        }
        channel.eventLoop.scheduleTask(in: .seconds(1)) { channel.close(promise: nil) }
    }
}

/// Reads and drops what a refused client sends, and closes once it has closed its side.
private final class RefusedConnectionDrain: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event { context.close(promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
