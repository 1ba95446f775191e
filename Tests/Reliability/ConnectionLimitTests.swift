import EnvClient
import EnvProtocol
import EnvServer
import EnvTesting
import NIOCore
import Testing

/// Connections that never become requests are closed, and a process refuses connections beyond
/// its cap instead of running out of descriptors (``ConnectionLimits``). The timeouts here are
/// short so the cases are quick; what they check is what is closed and what is not, never how fast.
@Suite("Connection limits", .serialized, .timeLimit(.minutes(2)))
struct ConnectionLimitTests {
    private func configuration(
        head: Duration? = .milliseconds(300),
        keepAlive: Duration? = .milliseconds(300),
        maxConnections: Int = 1000
    ) -> ServerConfiguration {
        ServerConfiguration(
            connectionLimits: ConnectionLimits(
                requestHeadTimeout: head,
                keepAliveTimeout: keepAlive,
                maxConnections: maxConnections
            )
        )
    }

    private func metrics(_ endpoint: ServerEndpoint) async throws -> String {
        try await HTTPProbe.get(endpoint, "/metrics").body
    }

    @Test("a connection that sends nothing, or half a request head, is closed and counted; others keep being served")
    func silentAndPartialHeads() async throws {
        try await withTestServer(configuration()) { endpoint, _ in
            let port = endpoint.port
            async let silent = RawTCPConnection.with(port: port) { inbound, _ in await RawTCPConnection.readUntilClosed(inbound) }
            async let partial = RawTCPConnection.with(port: port) { inbound, outbound in
                // On a loaded machine the deadline may pass before this write: closed all the same.
                try? await outbound.write(ByteBuffer(string: "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Ag"))
                return await RawTCPConnection.readUntilClosed(inbound)
            }
            // Closed without an answer: no request was made.
            #expect(try await silent == "")
            #expect(try await partial == "")
            let exposition = try await metrics(endpoint)
            #expect(exposition.contains(#"openenv_connections_timed_out_total{phase="request_head"} 2"#), "\(exposition)")
            try await expectServing(endpoint)
        }
    }

    @Test("a byte at a time does not keep a head open past its deadline")
    func slowHead() async throws {
        try await withTestServer(configuration()) { endpoint, _ in
            let closed = try await RawTCPConnection.with(port: endpoint.port) { inbound, outbound in
                let writer = Task {
                    for byte in "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n".utf8 {
                        try await outbound.write(ByteBuffer(bytes: [byte]))
                        try await Task.sleep(for: .milliseconds(50))
                    }
                }
                let text = await RawTCPConnection.readUntilClosed(inbound)
                writer.cancel()
                return text
            }
            #expect(closed == "")
        }
    }

    @Test("a kept-alive connection is served, then closed once idle past the keep-alive timeout")
    func keepAliveIdle() async throws {
        // 3 s: the client's second request must come within it, however loaded the machine.
        try await withTestServer(configuration(head: .seconds(30), keepAlive: .seconds(3))) { endpoint, _ in
            let answers = try await RawTCPConnection.with(port: endpoint.port) { inbound, outbound in
                var iterator = inbound.makeAsyncIterator()
                var answers: [String?] = []
                for _ in 0..<2 {
                    try await outbound.write(ByteBuffer(string: "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"))
                    answers.append(try await RawTCPConnection.read(&iterator, until: "healthy"))
                }
                // Now idle: the next thing is the close (nil), not another byte.
                answers.append(try await iterator.next().map { String(buffer: $0) })
                return answers
            }
            #expect(answers.count == 3)
            #expect(answers[0]?.hasPrefix("HTTP/1.1 200") == true && answers[1]?.hasPrefix("HTTP/1.1 200") == true, "\(answers)")
            #expect(answers[2] == nil)
            let exposition = try await metrics(endpoint)
            #expect(exposition.contains(#"openenv_connections_timed_out_total{phase="keep_alive_idle"} 1"#), "\(exposition)")
        }
    }

    @Test("a WebSocket session and a long HTTP request outlive both timeouts")
    func requestsAndSessionsAreNotCut() async throws {
        // 1 s: long enough for a loaded machine's client to send its head, short enough to pass twice below.
        try await withTestServer(configuration(head: .seconds(1), keepAlive: .seconds(1))) { endpoint, _ in
            try await withSession(endpoint) { session in
                try await Task.sleep(for: .milliseconds(2500))  // idle past both timeouts
                let step = try await session.request(#"{"type":"step","data":{"wait_seconds":1.5}}"#)
                #expect(step["data"]?["observation"]?["step_count"] == 1, "\(step)")
            }
            let reply = try await HTTPProbe.post(endpoint, "/step", body: #"{"action":{"wait_seconds":1.5}}"#)
            #expect(reply.status == 200, "\(reply.body)")
            let exposition = try await metrics(endpoint)
            #expect(!exposition.contains("openenv_connections_timed_out_total{"), "\(exposition)")
        }
    }

    @Test("an upgrade request followed at once by a frame, in one write, is served")
    func upgradeWithFrameInOneWrite() async throws {
        try await withTestServer(configuration(head: .seconds(30))) { endpoint, _ in
            let upgrade =
                "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
            let reply = try await RawTCPConnection.with(port: endpoint.port) { inbound, outbound in
                var iterator = inbound.makeAsyncIterator()
                try await outbound.write(ByteBuffer(bytes: Array(upgrade.utf8) + RawSocketClient.textFrame(#"{"type":"reset","data":{}}"#)))
                return try await RawTCPConnection.read(&iterator, until: "observation")
            }
            #expect(reply?.hasPrefix("HTTP/1.1 101") == true, "\(reply ?? "closed")")
            try await expectServing(endpoint)
        }
    }

    @Test("beyond max connections a connection is answered 503 and counted; a freed place admits again")
    func connectionCap() async throws {
        try await withTestServer(configuration(head: .seconds(60), maxConnections: 3)) { endpoint, server in
            let port = endpoint.port
            let refusal = try await RawTCPConnection.with(port: port) { firstInbound, _ in
                try await RawTCPConnection.with(port: port) { _, _ in
                    try await RawTCPConnection.with(port: port) { _, _ in
                        // Three held (silent, within their 60 s): the fourth is refused.
                        try await waitUntilOpen(endpoint, server, 3)
                        return try await RawTCPConnection.with(port: port) { inbound, outbound in
                            try? await outbound.write(ByteBuffer(string: "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"))
                            return await RawTCPConnection.readUntilClosed(inbound)
                        }
                    }
                }
            }
            #expect(refusal.hasPrefix("HTTP/1.1 503"), "\(refusal)")
            #expect(refusal.contains("maximum of 3 connections"), "\(refusal)")
            try await waitUntilOpen(endpoint, server, 0)
            let exposition = try await metrics(endpoint)
            #expect(exposition.contains("openenv_connections_refused_total 1"), "\(exposition)")
            #expect(exposition.contains("openenv_max_connections 3"), "\(exposition)")
            #expect(exposition.contains("openenv_open_connections 1"), "\(exposition)")  // this request's own
            try await expectServing(endpoint)
        }
    }

    /// Waits until the server holds `count` connections, as its `/metrics` would say.
    private func waitUntilOpen(_ endpoint: ServerEndpoint, _ server: OpenEnvServer, _ count: Int) async throws {
        try await waitUntil { server.openConnections == count }
    }
}
