public import NIOCore
import NIOPosix
public import NIOSSL

/// A bare connection to 127.0.0.1 (TCP, or TLS with no HTTP on top): what a client that never
/// becomes a request looks like — silent, half a head, a kept-alive connection gone quiet, a TLS
/// client that handshakes and stops — which no HTTP client library sends.
public enum RawTCPConnection {
    /// Connects (over TLS with `tls`), runs `body` with the connection's streams, then closes it.
    public static func with<Result: Sendable>(
        port: Int,
        tls: TLSConfiguration? = nil,
        _ body: (NIOAsyncChannelInboundStream<ByteBuffer>, NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws -> Result
    ) async throws -> Result {
        let context = try tls.map { try NIOSSLContext(configuration: $0) }
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let context {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: nil))
                    }
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in try await body(inbound, outbound) }
    }

    /// Everything the server sends until it closes the connection (a reset, or TLS's unclean
    /// shutdown, counts as a close).
    public static func readUntilClosed(_ inbound: NIOAsyncChannelInboundStream<ByteBuffer>) async -> String {
        var text = ""
        do {
            for try await chunk in inbound { text += String(buffer: chunk) }
        } catch {
            // Closed all the same.
        }
        return text
    }

    /// Reads until `marker` has arrived; `nil` when the connection closed first.
    public static func read(
        _ inbound: inout NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator,
        until marker: String
    ) async throws -> String? {
        var text = ""
        while !text.contains(marker) {
            guard let chunk = try await inbound.next() else { return nil }
            text += String(buffer: chunk)
        }
        return text
    }
}
