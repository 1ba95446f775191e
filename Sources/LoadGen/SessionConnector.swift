import EnvClient
package import NIOCore
import NIOSSL

/// How a session gets its connection: a WebSocket to one of the run's servers, or (in tests)
/// whatever channel a test hands it. `open` is called on `loop`; it calls `created` with the
/// channel before it connects and `upgraded` once the session's handler may be added, and its
/// future succeeds once the session may write.
package struct SessionConnector: Sendable {
    package typealias Open =
        @Sendable (
            _ requestID: Int, _ loop: any EventLoop, _ created: @escaping @Sendable (any Channel) -> Void,
            _ upgraded: @escaping @Sendable (any Channel) throws -> Void
        ) -> EventLoopFuture<Void>

    package let open: Open

    package init(open: @escaping Open) {
        self.open = open
    }

    /// WebSockets to `endpoints`, round-robin by request id, each from a source address of its
    /// own where the server is on loopback (127.0.0.1–254: each has its own ephemeral ports, so
    /// the TIME_WAIT sockets earlier runs leave do not run the ports out for later ones).
    static func webSocket(
        endpoints: [ServerEndpoint],
        configuration: WebSocketConnection.Configuration,
        tls: TLSConfiguration?
    ) -> SessionConnector {
        let sslContexts = endpoints.map { endpoint in
            Result { try WebSocketChannel.sslContext(for: endpoint, tls: tls) }
        }
        let sourceAddresses: [[SocketAddress]] = endpoints.map { endpoint in
            guard endpoint.host.hasPrefix("127."), (try? SocketAddress(ipAddress: endpoint.host, port: 0)) != nil else {
                return []
            }
            return (1...254).compactMap { try? SocketAddress(ipAddress: "127.0.0.\($0)", port: 0) }
        }
        return SessionConnector { requestID, loop, created, upgraded in
            let index = requestID % endpoints.count
            let sslContext: NIOSSLContext?
            do {
                sslContext = try sslContexts[index].get()
            } catch {
                return loop.makeFailedFuture(error)
            }
            let addresses = sourceAddresses[index]
            return WebSocketChannel.open(
                to: endpoints[index],
                configuration: configuration,
                sslContext: sslContext,
                localAddress: addresses.isEmpty ? nil : addresses[requestID % addresses.count],
                on: loop,
                created: created,
                upgraded: upgraded
            )
        }
    }
}
