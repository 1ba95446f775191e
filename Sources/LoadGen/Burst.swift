import AsyncHTTPClient
import NIOCore
import NIOPosix
import NIOSSL

/// One run: `sessions` sessions started together against one or more servers.
public struct Burst: Sendable {
    /// Servers to spread sessions over, round-robin (several backends without a balancer).
    public var endpoints: [ServerEndpoint]
    public var sessions: Int
    public var driver: SessionDriver

    public init(endpoints: [ServerEndpoint], sessions: Int, driver: SessionDriver) {
        precondition(!endpoints.isEmpty, "a burst needs a server")
        self.endpoints = endpoints
        self.sessions = sessions
        self.driver = driver
    }

    /// Runs every session and returns one row per session, in request order, plus the wall time.
    public func run() async -> (results: [SessionResult], wallTime: Double) {
        let http = driver.mode == .http ? Self.makeHTTPClient(for: driver, connections: sessions) : nil
        let clock = ContinuousClock()
        let start = clock.now
        var results = await withTaskGroup(of: SessionResult.self, returning: [SessionResult].self) { group in
            for id in 0..<sessions {
                let endpoint = endpoints[id % endpoints.count]
                group.addTask { await driver.run(requestID: id, endpoint: endpoint, http: http) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let wallTime = (clock.now - start).seconds
        try? await http?.shutdown()
        results.sort { $0.requestID < $1.requestID }
        return (results, wallTime)
    }

    /// One connection per concurrent session, as the seed's client allowed (up to 1,000 there).
    static func makeHTTPClient(for driver: SessionDriver, connections: Int) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.tlsConfiguration = driver.tls
        configuration.connectionPool = .init(
            idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: max(connections, 1))
        configuration.timeout = .init(connect: .nanoseconds(driver.timeout.nanoseconds))
        return HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
    }
}
