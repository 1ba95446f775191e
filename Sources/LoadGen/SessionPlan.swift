import EnvClient
import NIOCore
import NIOSSL

/// What every WebSocket session of one run shares, made once per run: the messages already
/// encoded as bytes, the limits as NIO time, the TLS context per server, and where rows go.
final class SessionPlan: Sendable {
    let driver: SessionDriver
    let rows: SessionRows
    let endpoints: [ServerEndpoint]
    /// One per endpoint: its TLS context (`nil` for ws), or why none could be made.
    let sslContexts: [Result<NIOSSLContext?, any Error>]
    let configuration: WebSocketConnection.Configuration
    let connectTimeout: TimeAmount
    let replyTimeout: TimeAmount
    let reset = ByteBuffer(string: #"{"type":"reset","data":{}}"#)
    let close = ByteBuffer(string: #"{"type":"close"}"#)
    /// One per endpoint: source addresses to spread its connections over (none: the kernel's
    /// choice). For a loopback server, 127.0.0.1–254: each has its own ephemeral ports, so the
    /// TIME_WAIT sockets earlier runs of a sweep leave do not run the ports out for later ones.
    private let sourceAddresses: [[SocketAddress]]
    /// The step messages of one cycle of the workload (one for the benchmark's wait step).
    private let steps: [ByteBuffer]

    init(driver: SessionDriver, endpoints: [ServerEndpoint], rows: SessionRows) {
        self.driver = driver
        self.rows = rows
        self.endpoints = endpoints
        configuration = WebSocketConnection.Configuration(
            connectTimeout: driver.timeout, replyTimeout: driver.timeout, tls: driver.tls)
        sslContexts = endpoints.map { endpoint in
            Result { try WebSocketChannel.sslContext(for: endpoint, tls: driver.tls) }
        }
        sourceAddresses = endpoints.map { endpoint in
            guard endpoint.host.hasPrefix("127."), (try? SocketAddress(ipAddress: endpoint.host, port: 0)) != nil else {
                return []
            }
            return (1...254).compactMap { try? SocketAddress(ipAddress: "127.0.0.\($0)", port: 0) }
        }
        connectTimeout = .nanoseconds(driver.timeout.nanoseconds)
        replyTimeout = connectTimeout
        let workload = driver.workload
        let cycle: Int
        switch workload.step {
        case .benchmarkWait: cycle = 1
        case .actions(let actions): cycle = min(actions.count, workload.steps)
        case .tool: cycle = workload.steps  // each call has its own JSON-RPC id
        }
        steps = (0..<cycle).map { ByteBuffer(string: workload.webSocketMessage(step: $0, wait: driver.wait)) }
    }

    /// Where session `requestID` connects to `endpoints[endpoint]` from (`nil`: the kernel's choice).
    func sourceAddress(endpoint: Int, requestID: Int) -> SocketAddress? {
        let addresses = sourceAddresses[endpoint]
        return addresses.isEmpty ? nil : addresses[requestID % addresses.count]
    }

    /// The message of step `index` (0-based).
    func step(_ index: Int) -> ByteBuffer {
        steps[index % steps.count]
    }
}
