import EnvClient
import EnvTesting
import Foundation
import NIOCore
import Testing

/// A server that stops reading cannot make the client buffer without bound: `send` waits for
/// the socket to drain (NIO's write watermarks), so a flood of 1 MiB messages against a server
/// that never reads gets only as far as the kernel's socket buffers.
@Suite("Send backpressure", .timeLimit(.minutes(1)))
struct SendBackpressureTests {
    @Test("a flood against a server that never reads stops after a bounded number of messages")
    func floodIsBounded() async throws {
        // Long enough to queue hundreds of MiB if nothing held the sender back; then it drops us.
        let server = try await RawWebSocketServer.start(framesAfterUpgrade: [], stopReadingFor: .seconds(2))
        let message = String(repeating: "x", count: 1 << 20)
        let endpoint = try ServerEndpoint(parsing: "http://127.0.0.1:\(server.port)")
        var sent = 0
        var ended: (any Error)?
        try await withSession(endpoint) { session in
            do {
                for _ in 0..<1_000 {
                    try await session.send(text: message)
                    sent += 1
                }
            } catch {
                ended = error
            }
        }
        // Loopback socket buffers take a few MiB at most (net.ipv4.tcp_wmem and tcp_rmem).
        #expect(ended != nil, "all 1,000 messages of 1 MiB were accepted by send()")
        #expect(sent > 0 && sent <= 32, "\(sent) messages of 1 MiB were accepted by send() before the server dropped us")
        print("send backpressure: \(sent) messages of 1 MiB accepted against a server that never reads (\(ended.map { "\($0)" } ?? "no error"))")
        try await server.stop()
    }
}
