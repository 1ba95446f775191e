import AsyncHTTPClient
public import EnvClient
import EnvProtocol
import HTTPTypes
import Hummingbird
import HummingbirdWSClient
import HummingbirdWebSocket
import LoadGen
public import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOWebSocket
import Synchronization

/// `record`'s transparent proxy: plain HTTP requests are forwarded with AsyncHTTPClient, and
/// a WebSocket upgrade (any path) is joined to an upstream WebSocket on the same path, each
/// message passed on as it comes. Headers — `Authorization`, cookies, API keys among them —
/// are passed upstream but never written: the trace keeps only paths (without queries),
/// messages, sizes and times (``TraceSessionRecorder``, ``Trace``). Pings are answered by the
/// proxy on each side, not forwarded.
public final class RecordingProxy: Sendable {
    let upstream: ServerEndpoint
    let trace: TraceFile
    let logger: Logger
    /// The largest message passed on, either way.
    static let maxMessageBytes = 64 << 20
    /// The recording's start: every offset in the trace counts from here.
    private let origin = ContinuousClock.now
    private let sessionCount = Atomic(0)
    /// The sessions not yet written. Whoever removes a session writes it: its handler when it
    /// ends, or ``run(host:port:onReady:)`` for those still open when the proxy stops.
    private let open = NIOLockedValueBox([Int: NIOLockedValueBox<TraceSessionRecorder>]())
    private let http: HTTPClient

    public init(upstream: ServerEndpoint, trace: TraceFile, logger: Logger) {
        self.upstream = upstream
        self.trace = trace
        self.logger = logger
        http = HTTPClient(eventLoopGroupProvider: .singleton)
    }

    /// Serves on `host:port` until SIGINT or SIGTERM, then writes the sessions still open as
    /// they stand and returns; `onReady` gets the port (the one chosen for port 0).
    public func run(host: String, port: Int, onReady: @escaping @Sendable (Int) -> Void) async throws {
        let app = Application(
            responder: CallbackResponder<BasicRequestContext> { request, _ in try await self.forward(request) },
            server: .http1WebSocketUpgrade(
                configuration: .init(ws: .init(maxFrameSize: Self.maxMessageBytes))
            ) { request, _, _ in
                .upgrade([:]) { inbound, outbound, _ in try await self.proxySession(request, inbound, outbound) }
            },
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in onReady(channel.localAddress?.port ?? port) },
            logger: logger
        )
        do {
            try await app.runService()
        } catch {
            try? await http.shutdown()
            throw error
        }
        for id in open.withLockedValue({ $0.keys.sorted() }) { write(id) }
        try await http.shutdown()
    }

    /// Writes session `id` as it is now, unless it was written already.
    private func write(_ id: Int) {
        guard let recorder = open.withLockedValue({ $0.removeValue(forKey: id) }) else { return }
        let ended = now
        trace.append(
            recorder.withLockedValue { recorder in
                recorder.ended(at: ended)
                return recorder.session
            }
        )
    }

    private var now: Double { (ContinuousClock.now - origin).seconds }

    // MARK: HTTP

    private func forward(_ request: Request) async throws -> Response {
        let start = now
        let body = try await request.body.collect(upTo: Self.maxMessageBytes)
        var outgoing = HTTPClientRequest(url: upstream.httpURL + (request.uri.description))
        outgoing.method = .init(rawValue: request.method.rawValue)
        for field in request.headers where !Self.hopByHop.contains(field.name.canonicalName) {
            outgoing.headers.add(name: field.name.rawName, value: field.value)
        }
        if body.readableBytes > 0 { outgoing.body = .bytes(body) }
        let response = try await http.execute(outgoing, timeout: .seconds(3600))
        let reply = try await response.body.collect(upTo: Self.maxMessageBytes)
        trace.append(
            Trace.Request(
                method: request.method.rawValue,
                path: request.uri.path,
                start: start,
                bytes: body.readableBytes,
                status: Int(response.status.code),
                replyBytes: reply.readableBytes,
                latency: now - start
            )
        )
        var headers = HTTPFields()
        for header in response.headers where !Self.hopByHop.contains(header.name.lowercased()) {
            if let name = HTTPField.Name(header.name) { headers.append(HTTPField(name: name, value: header.value)) }
        }
        return Response(status: .init(code: Int(response.status.code)), headers: headers, body: .init(byteBuffer: reply))
    }

    /// Headers that belong to one hop (and the body's length, which is set anew).
    private static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade", "host", "content-length",
    ]

    // MARK: WebSocket

    /// Headers of the client's upgrade request the upstream upgrade does not take as they are.
    private static let handshakeOnly: Set<String> = hopByHop.union([
        "sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-accept",
    ])

    private func proxySession(_ request: HTTPRequest, _ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter) async throws {
        let path = request.path ?? "/ws"
        let id = sessionCount.wrappingAdd(1, ordering: .relaxed).oldValue
        let recorder = NIOLockedValueBox(TraceSessionRecorder(id: id, path: Self.withoutQuery(path), start: now))
        open.withLockedValue { $0[id] = recorder }
        defer { write(id) }
        var headers = HTTPFields()
        for field in request.headerFields where !Self.handshakeOnly.contains(field.name.canonicalName) {
            headers.append(field)
        }
        let client = WebSocketClient(
            url: (upstream.isSecure ? "wss" : "ws") + upstream.httpURL.drop { $0 != ":" } + path,
            configuration: .init(maxFrameSize: Self.maxMessageBytes, additionalHeaders: headers),
            logger: logger
        ) { upstreamInbound, upstreamOutbound, _ in
            try await withThrowingTaskGroup(of: Void.self) { group in
                // Client to server: recorded as sent; when the client closes, so does upstream.
                group.addTask {
                    for try await message in inbound.messages(maxSize: Self.maxMessageBytes) {
                        let at = self.now
                        recorder.withLockedValue { $0.sent(text: Self.text(message), bytes: Self.size(message), at: at) }
                        try await upstreamOutbound.write(Self.frame(message))
                    }
                    try? await upstreamOutbound.close(.normalClosure, reason: nil)
                }
                // Server to client: each reply timed as it arrives.
                group.addTask {
                    for try await message in upstreamInbound.messages(maxSize: Self.maxMessageBytes) {
                        let at = self.now
                        recorder.withLockedValue { $0.replied(bytes: Self.size(message), at: at) }
                        try await outbound.write(Self.frame(message))
                    }
                    try? await outbound.close(.normalClosure, reason: nil)
                }
                try await group.waitForAll()
            }
        }
        do {
            try await client.run()
        } catch {
            logger.info("session \(path): \(error)")
            try? await outbound.close(.unexpectedServerError, reason: "upstream: \(error)".prefix(100).description)
        }
    }

    private static func withoutQuery(_ path: String) -> String {
        String(path.prefix { $0 != "?" })
    }

    private static func text(_ message: WebSocketMessage) -> String? {
        if case .text(let text) = message { text } else { nil }
    }

    private static func size(_ message: WebSocketMessage) -> Int {
        switch message {
        case .text(let text): text.utf8.count
        case .binary(let buffer): buffer.readableBytes
        }
    }

    private static func frame(_ message: WebSocketMessage) -> WebSocketOutboundWriter.OutboundFrame {
        switch message {
        case .text(let text): .text(text)
        case .binary(let buffer): .binary(buffer)
        }
    }
}
