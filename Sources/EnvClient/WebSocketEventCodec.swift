import NIOCore
import NIOWebSocket

/// Between a client WebSocket's frames and the handlers that speak a protocol over it: inbound,
/// whole messages and control events as ``WebSocketEvent``s (fragments joined, pings answered,
/// the server's close echoed); outbound, a `ByteBuffer` is one masked text message.
///
/// The same rules as ``WebSocketConnection/receive(timeout:)``, for handlers on the event loop.
final class WebSocketEventCodec: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = WebSocketEvent
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = WebSocketFrame

    private var assembler = WebSocketMessageAssembler()

    init() {}

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .pong:
            context.fireChannelRead(wrapInboundOut(.pong(Array(buffer: frame.unmaskedData))))
        case .connectionClose:
            var data = frame.unmaskedData
            let code = data.readInteger(as: UInt16.self)
            let reason = data.readString(length: data.readableBytes) ?? ""
            // Echo the close so the server sees a clean handshake.
            if let code {
                var echo = context.channel.allocator.buffer(capacity: 2)
                echo.writeInteger(code)
                let frame = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: echo)
                context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
            }
            context.fireChannelRead(wrapInboundOut(.close(code: code, reason: reason)))
        case .text, .binary, .continuation:
            if let event = assembler.add(frame) { context.fireChannelRead(wrapInboundOut(event)) }
        default:
            break
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let frame = WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: unwrapOutboundIn(data))
        context.write(wrapOutboundOut(frame), promise: promise)
    }
}
