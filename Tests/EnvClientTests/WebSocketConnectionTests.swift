import BenchResults
import EnvClient
import LoadGen
import NIOCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("WebSocket client", .timeLimit(.minutes(1)))
struct WebSocketConnectionTests {
    @Test(
        "frames sent in the same write as the 101 response are delivered, not dropped",
        arguments: [false, true]
    )
    func framesCoalescedWithUpgrade(serverClosesAtOnce: Bool) async throws {
        let text = Array(#"{"type":"error"}"#.utf8)
        let server = try await RawWebSocketServer.start(
            framesAfterUpgrade: RawWebSocketServer.frame(opcode: 0x1, text)
                + RawWebSocketServer.frame(opcode: 0x8, [0x03, 0xE8]),
            closeAfterWrite: serverClosesAtOnce
        )
        let events = try await WebSocketConnection.withConnection(
            to: ServerEndpoint(host: "127.0.0.1", port: server.port),
            configuration: .init(replyTimeout: .seconds(5))
        ) { connection in
            [try await connection.receive(), try await connection.receive()]
        }
        try await server.stop()
        #expect(events == [.text(#"{"type":"error"}"#), .close(code: 1000, reason: "")])
    }

    @Test("a reply that never comes is a timeout, and the socket is not reused")
    func replyTimeout() async throws {
        let server = try await RawWebSocketServer.start(framesAfterUpgrade: [])
        try await WebSocketConnection.withConnection(
            to: ServerEndpoint(host: "127.0.0.1", port: server.port),
            configuration: .init(replyTimeout: .milliseconds(200))
        ) { connection in
            try await connection.send(text: #"{"type":"state"}"#)
            await #expect(throws: WebSocketClientError.timeout("")) { try await connection.receive() }
            // The timed-out socket was dropped: a late reply can never be read as the next answer.
            let timedOut = connection.isTimedOut
            #expect(timedOut)
            await #expect(throws: WebSocketClientError.timeout("")) { try await connection.send(text: #"{"type":"state"}"#) }
            await #expect(throws: WebSocketClientError.timeout("")) { try await connection.receive() }
        }
        try await server.stop()
    }

    @Test("a refused connection fails fast with an error")
    func refused() async throws {
        // A port bound but not listening refuses connections, and no parallel test can take it
        // meanwhile (a stopped server's port could be reused by another test's server).
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        try #require(bound)
        let port = Int(UInt16(bigEndian: address.sin_port))
        await #expect(throws: (any Error).self) {
            try await WebSocketConnection.withConnection(to: ServerEndpoint(host: "127.0.0.1", port: port)) { _ in }
        }
    }
}

@Suite("Server endpoints")
struct ServerEndpointTests {
    @Test("http/https/ws/wss URLs map to one endpoint with its /ws path")
    func parsing() throws {
        let plain = try ServerEndpoint(parsing: "http://127.0.0.1:8000")
        #expect(plain == ServerEndpoint(host: "127.0.0.1", port: 8000))
        #expect(plain.webSocketURL == "ws://127.0.0.1:8000/ws")
        let space = try ServerEndpoint(parsing: "https://user-env.hf.space/")
        #expect(space.isSecure && space.port == 443 && space.webSocketURL == "wss://user-env.hf.space:443/ws")
        let prefixed = try ServerEndpoint(parsing: "wss://host:9443/envs/a/ws")
        #expect(prefixed.basePath == "/envs/a" && prefixed.httpURL == "https://host:9443/envs/a")
    }

    @Test("anything else is a clear error", arguments: ["", "127.0.0.1:8000", "ftp://host", "http://"])
    func invalid(text: String) {
        #expect(throws: EndpointError.self) { try ServerEndpoint(parsing: text) }
    }
}
