import AsyncHTTPClient
import BenchResults
import EnvClient
import EnvProtocol
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
        await driver.runSessions(count: sessions, endpoints: endpoints, schedule: nil)
    }
}

extension SessionDriver {
    /// Runs `count` sessions spread round-robin over `endpoints`; session `i` starts at
    /// `schedule(i)`, or at once when there is no schedule. One row per session, in request order.
    func runSessions(
        count: Int, endpoints: [ServerEndpoint], schedule: (@Sendable (Int) -> ContinuousClock.Instant)?
    ) async -> (results: [SessionResult], wallTime: Double) {
        let http = mode == .http ? makeHTTPClient(connections: count) : nil
        let clock = ContinuousClock()
        let start = clock.now
        var results = await withTaskGroup(of: SessionResult.self, returning: [SessionResult].self) { group in
            for id in 0..<count {
                let scheduled = schedule?(id)
                if let scheduled { try? await Task.sleep(until: scheduled) }
                // An interrupted run starts no more sessions: only started ones get a row.
                if Task.isCancelled { break }
                let endpoint = endpoints[id % endpoints.count]
                group.addTask { await run(requestID: id, endpoint: endpoint, http: http, scheduledStart: scheduled) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let wallTime = (clock.now - start).seconds
        try? await http?.shutdown()
        results.sort { $0.requestID < $1.requestID }
        return (results, wallTime)
    }

    /// One connection per concurrent session, as the seed's client allowed (up to 1,000 there).
    private func makeHTTPClient(connections: Int) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.tlsConfiguration = tls
        configuration.connectionPool = .init(
            idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: max(connections, 1))
        configuration.timeout = .init(connect: .nanoseconds(timeout.nanoseconds))
        return HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
    }
}
