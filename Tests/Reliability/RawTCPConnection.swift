import NIOCore
import NIOPosix

/// A bare TCP connection to 127.0.0.1: what a client that never becomes a request looks like
/// (silent, half a head, a kept-alive connection gone quiet), which no HTTP client library sends.
struct RawTCPConnection {
    /// Connects, runs `body` with the connection's streams, then closes it.
    static func with<Result: Sendable>(
        port: Int,
        _ body: (NIOAsyncChannelInboundStream<ByteBuffer>, NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws -> Result
    ) async throws -> Result {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in try await body(inbound, outbound) }
    }

    /// Everything the server sends until it closes the connection (a reset counts as a close).
    static func readUntilClosed(_ inbound: NIOAsyncChannelInboundStream<ByteBuffer>) async -> String {
        var text = ""
        do {
            for try await chunk in inbound { text += String(buffer: chunk) }
        } catch {
            // ECONNRESET: closed too.
        }
        return text
    }

    /// Reads until `marker` has arrived; `nil` when the connection closed first.
    static func read(
        _ inbound: inout NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator, until marker: String
    ) async throws -> String? {
        var text = ""
        while !text.contains(marker) {
            guard let chunk = try await inbound.next() else { return nil }
            text += String(buffer: chunk)
        }
        return text
    }
}
