import EnvProtocol
public import NIOCore
import NIOHTTP1
public import NIOPosix
public import NIOSSL
public import NIOWebSocket
import Synchronization

/// A client WebSocket on SwiftNIO with frame-level access and a deadline on every wait.
///
/// Frame-level access is what a conformance suite needs (binary, fragmented, invalid UTF-8 and
/// oversized frames; pings; close codes), and NIO directly is what a load generator needs to
/// hold tens of thousands of sockets cheaply. A connection whose wait timed out is closed,
/// never reused, so a late reply can never be mistaken for the answer to a later request.
///
/// ```swift
/// try await WebSocketConnection.withConnection(to: endpoint) { connection in
///     try await connection.send(text: #"{"type":"reset"}"#)
///     let reply = try await connection.receive()
/// }
/// ```
public struct WebSocketConnection: ~Copyable {
    /// Settings for one connection.
    public struct Configuration: Sendable {
        /// Limit for the TCP connect plus the upgrade handshake.
        public var connectTimeout: Duration
        /// Default limit for each ``receive(timeout:)``.
        public var replyTimeout: Duration
        /// Largest frame accepted from the server.
        public var maxFrameSize: Int
        /// TLS settings for `wss`; `nil` uses the system trust store.
        public var tls: TLSConfiguration?

        public init(
            connectTimeout: Duration = .seconds(10),
            replyTimeout: Duration = .seconds(60),
            maxFrameSize: Int = 16 << 20,
            tls: TLSConfiguration? = nil
        ) {
            self.connectTimeout = connectTimeout
            self.replyTimeout = replyTimeout
            self.maxFrameSize = maxFrameSize
            self.tls = tls
        }
    }

    private var inbound: NIOAsyncChannelInboundStream<WebSocketFrame>.AsyncIterator
    private let channel: any Channel
    private let configuration: Configuration
    /// Set once the server's close frame has been seen.
    public private(set) var isClosed = false
    /// Set once a wait timed out: the socket is closed and the connection refuses further use,
    /// so a late reply can never be read as the answer to a later request.
    public private(set) var isTimedOut = false

    /// Connects, upgrades, runs `body`, and always closes the socket afterwards.
    public static func withConnection<Result>(
        to endpoint: ServerEndpoint,
        configuration: Configuration = .init(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        _ body: (inout WebSocketConnection) async throws -> Result
    ) async throws -> Result {
        let channel = try await connect(to: endpoint, configuration: configuration, group: eventLoopGroup)
        return try await channel.executeThenClose { inbound, _ in
            var connection = WebSocketConnection(
                inbound: inbound.makeAsyncIterator(),
                channel: channel.channel,
                configuration: configuration
            )
            return try await body(&connection)
        }
    }

    /// Sends one text message.
    public func send(text: String) async throws {
        try await send(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: text)))
    }

    /// Sends a raw frame (masked, as a client must) and returns once the socket took it, so a
    /// server that stops reading holds the sender back instead of letting it queue without
    /// bound (the async channel's writer returned at once and queued 1 MiB per call).
    public func send(_ frame: WebSocketFrame) async throws {
        if isTimedOut { throw WebSocketClientError.timedOutEarlier }
        var frame = frame
        frame.maskKey = .random()
        do {
            try await channel.writeAndFlush(frame).get()
        } catch let error as IOError where [ECONNRESET, EPIPE].contains(error.errnoCode) {
            // The server ended the connection during this write (e.g. close 1009 for a frame over
            // its limit): what it said is read by the next receive, as it would be without the wait.
        }
    }

    /// The next message or control event; pings are answered with pongs along the way.
    ///
    /// - Throws: ``WebSocketClientError/timeout(_:)`` after `timeout` (the socket is then
    ///   closed), ``WebSocketClientError/closedBeforeReply(_:)`` if the socket ended without a
    ///   close frame.
    public mutating func receive(timeout: Duration? = nil) async throws -> WebSocketEvent {
        if isTimedOut { throw WebSocketClientError.timedOutEarlier }
        let limit = timeout ?? configuration.replyTimeout
        let timedOut = Atomic(false)
        let channel = self.channel
        let deadline = channel.eventLoop.scheduleTask(in: .nanoseconds(limit.nanoseconds)) {
            timedOut.store(true, ordering: .relaxed)
            channel.close(promise: nil)
        }
        defer { deadline.cancel() }
        var assembler = WebSocketMessageAssembler()
        do {
            while let frame = try await inbound.next() {
                switch frame.opcode {
                case .ping:
                    try await send(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData))
                case .pong:
                    return .pong(Array(buffer: frame.unmaskedData))
                case .connectionClose:
                    return close(frame)
                case .text, .binary, .continuation:
                    if let event = assembler.add(frame) { return event }
                default:
                    continue
                }
            }
        } catch {
            isTimedOut = timedOut.load(ordering: .relaxed)
            if isTimedOut { throw WebSocketClientError.timeout("no reply within \(limit)") }
            throw error
        }
        isTimedOut = timedOut.load(ordering: .relaxed)
        if isTimedOut { throw WebSocketClientError.timeout("no reply within \(limit)") }
        throw WebSocketClientError.closedBeforeReply("connection ended without a close frame")
    }

    /// Sends a close frame with `code`, as a polite client ending a session does.
    public func close(code: WebSocketErrorCode = .normalClosure) async throws {
        var data = channel.allocator.buffer(capacity: 2)
        data.write(webSocketErrorCode: code)
        try await send(WebSocketFrame(fin: true, opcode: .connectionClose, data: data))
    }

    /// Drops the TCP connection without a close frame: RST, like a crashed client.
    public func abort() async {
        // SO_LINGER with a zero timeout turns close() into a TCP reset.
        try? await (channel as? any SocketOptionProvider)?.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
        try? await channel.close()
    }

    private mutating func close(_ frame: WebSocketFrame) -> WebSocketEvent {
        isClosed = true
        var data = frame.unmaskedData
        let code = data.readInteger(as: UInt16.self)
        let reason = data.readString(length: data.readableBytes) ?? ""
        // Echo the close so the server sees a clean handshake.
        if let code {
            var echo = channel.allocator.buffer(capacity: 2)
            echo.writeInteger(code)
            var frame = WebSocketFrame(fin: true, opcode: .connectionClose, data: echo)
            frame.maskKey = .random()
            channel.writeAndFlush(frame, promise: nil)
        }
        return .close(code: code, reason: reason)
    }

    private static func connect(
        to endpoint: ServerEndpoint,
        configuration: Configuration,
        group: any EventLoopGroup
    ) async throws -> NIOAsyncChannel<WebSocketFrame, WebSocketFrame> {
        let sslContext = try WebSocketPipeline.sslContext(for: endpoint, tls: configuration.tls)
        let upgrade: EventLoopFuture<(WebSocketPipeline.Outcome<NIOAsyncChannel<WebSocketFrame, WebSocketFrame>>, NIOLoopBound<InputClosedRelay>)> =
            try await WebSocketPipeline.bootstrap(group: group, configuration: configuration)
            .connect(host: endpoint.host, port: endpoint.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let (upgrade, relay) = try WebSocketPipeline.prepare(
                        channel: channel,
                        endpoint: endpoint,
                        configuration: configuration,
                        sslContext: sslContext
                    ) { channel in
                        try NIOAsyncChannel<WebSocketFrame, WebSocketFrame>(wrappingChannelSynchronously: channel)
                    }
                    // A server that accepts TCP but never answers the upgrade must not hang us.
                    let deadline = channel.eventLoop.scheduleTask(
                        in: .nanoseconds(configuration.connectTimeout.nanoseconds)
                    ) { channel.close(promise: nil) }
                    upgrade.whenComplete { _ in deadline.cancel() }
                    let boundRelay = NIOLoopBound(relay, eventLoop: channel.eventLoop)
                    return upgrade.map { ($0, boundRelay) }
                }
            }
        let (result, relay) = try await upgrade.get()
        switch result {
        case .webSocket(let channel):
            // By now the upgrade has replayed the frames that came with the 101; let a held EOF follow them.
            channel.channel.eventLoop.execute { relay.value.release() }
            return channel
        case .notUpgraded:
            throw WebSocketClientError.notUpgraded("server at \(endpoint.webSocketURL) refused the WebSocket upgrade")
        }
    }
}
