/// Connection-level limits: how long a connection may take to become a request, how long a
/// kept-alive HTTP connection may idle, and how many connections one process holds.
///
/// RL trainers send their request head the moment they connect and keep WebSocket sessions
/// open for whole episodes, so a connection that stays silent, or sends half a head, is a
/// broken or hostile client, not a slow one. Without these, a few thousand such connections
/// from one client hold every descriptor of the process and deny it to everyone else.
/// WebSocket sessions are not limited here: once upgraded, pings and `sessionTimeout` govern them.
public struct ConnectionLimits: Sendable, Equatable {
    /// A connection must deliver a complete request head within this long of being accepted
    /// (of its TLS handshake completing, with TLS). `nil`: wait forever.
    public var requestHeadTimeout: Duration?
    /// A kept-alive HTTP connection is closed when its next request head has not arrived
    /// within this long of the last response. `nil`: keep it forever.
    public var keepAliveTimeout: Duration?
    /// With TLS, the handshake must complete within this long of the connection being accepted.
    public var tlsHandshakeTimeout: Duration?
    /// Open connections per process; one more is answered 503 (plain HTTP) or closed (TLS)
    /// at once, and counted, instead of running the process out of descriptors.
    public var maxConnections: Int

    /// Descriptors a process keeps for other things than connections: listening sockets,
    /// event-loop epoll, event and timer descriptors, worker pipes, logs.
    public static let reservedDescriptors = 128

    /// 10 s for a request head and a TLS handshake (a healthy client needs milliseconds); 60 s
    /// for a kept-alive connection (longer than uvicorn's 5 s, so the official clients' pools
    /// see no more reconnects than against the reference); as many connections as this
    /// process's descriptor limit allows, less ``reservedDescriptors``.
    public init(
        requestHeadTimeout: Duration? = .seconds(10),
        keepAliveTimeout: Duration? = .seconds(60),
        tlsHandshakeTimeout: Duration? = .seconds(10),
        maxConnections: Int = Self.descriptorBoundConnections()
    ) {
        self.requestHeadTimeout = requestHeadTimeout
        self.keepAliveTimeout = keepAliveTimeout
        self.tlsHandshakeTimeout = tlsHandshakeTimeout
        self.maxConnections = maxConnections
    }

    /// The process's open-descriptor limit (``DescriptorLimit/current``) less ``reservedDescriptors``.
    public static func descriptorBoundConnections() -> Int {
        guard let limit = DescriptorLimit.current else { return 1 << 20 }
        return max(1, limit - reservedDescriptors)
    }
}
