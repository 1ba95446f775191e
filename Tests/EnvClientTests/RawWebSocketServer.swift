import Crypto
import Foundation
import NIOCore
import NIOPosix

/// A deliberately bare WebSocket server for client tests: it answers the upgrade and writes
/// `framesAfterUpgrade` in the *same* write as the 101 response, then reads and ignores
/// everything. Real servers that speak first (the Python reference's CAPACITY_REACHED) produce
/// exactly this byte stream, and no well-behaved server library lets a test force it.
/// With `stopReadingFor`, it stops reading once upgraded, a server that never drains its socket,
/// and drops the connection after that long.
struct RawWebSocketServer {
    let channel: any Channel
    var port: Int { channel.localAddress?.port ?? 0 }

    static func start(
        framesAfterUpgrade: [UInt8],
        closeAfterWrite: Bool = false,
        stopReadingFor: TimeAmount? = nil
    ) async throws -> RawWebSocketServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        UpgradeThenSpeak(frames: framesAfterUpgrade, closeAfterWrite: closeAfterWrite, stopReadingFor: stopReadingFor)
                    )
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return RawWebSocketServer(channel: channel)
    }

    func stop() async throws {
        try await channel.close()
    }

    /// An unmasked server frame.
    static func frame(opcode: UInt8, _ payload: [UInt8]) -> [UInt8] {
        precondition(payload.count < 126, "test frames are small")
        return [0x80 | opcode, UInt8(payload.count)] + payload
    }
}

private final class UpgradeThenSpeak: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let frames: [UInt8]
    private let closeAfterWrite: Bool
    private let stopReadingFor: TimeAmount?
    private var request = ""
    private var upgraded = false

    init(frames: [UInt8], closeAfterWrite: Bool, stopReadingFor: TimeAmount?) {
        self.frames = frames
        self.closeAfterWrite = closeAfterWrite
        self.stopReadingFor = stopReadingFor
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !upgraded else { return }
        var buffer = unwrapInboundIn(data)
        request += buffer.readString(length: buffer.readableBytes) ?? ""
        guard request.contains("\r\n\r\n") else { return }
        upgraded = true
        let key =
            request.split(separator: "\r\n")
            .first { $0.lowercased().hasPrefix("sec-websocket-key:") }?
            .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces) ?? ""
        let digest = Insecure.SHA1.hash(data: Data((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").utf8))
        let response =
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: \(Data(digest).base64EncodedString())\r\n\r\n"
        var out = context.channel.allocator.buffer(capacity: response.utf8.count + frames.count)
        out.writeString(response)
        out.writeBytes(frames)
        context.writeAndFlush(wrapOutboundOut(out), promise: nil)
        if closeAfterWrite { context.close(promise: nil) }
        if let stopReadingFor {
            let channel = context.channel
            channel.setOption(.autoRead, value: false).whenFailure { _ in }
            channel.eventLoop.scheduleTask(in: stopReadingFor) { channel.close(promise: nil) }
        }
    }
}
