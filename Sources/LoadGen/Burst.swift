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
        let clock = ContinuousClock()
        let start = clock.now
        guard mode == .http else {
            let results = await runWebSocketSessions(count: count, firstID: 0, endpoints: endpoints, schedule: schedule)
            return (results, (clock.now - start).seconds)
        }
        let http = makeHTTPClient(connections: count)
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
        try? await http.shutdown()
        results.sort { $0.requestID < $1.requestID }
        return (results, wallTime)
    }

    /// WebSocket sessions `firstID..<firstID + count`, each a ``WebSocketSession`` on an event
    /// loop: a burst is started by one job per loop, an open-model run's sessions one by one at
    /// their scheduled times. Cancelling the task (SIGINT) ends the sessions in flight as
    /// `Interrupted` and starts no more. One row per started session, in request order.
    func runWebSocketSessions(
        count: Int, firstID: Int, endpoints: [ServerEndpoint], schedule: (@Sendable (Int) -> ContinuousClock.Instant)?
    ) async -> [SessionResult] {
        let rows = SessionRows(count: count)
        let plan = SessionPlan(driver: self, endpoints: endpoints, rows: rows)
        let group = MultiThreadedEventLoopGroup.singleton
        await withTaskCancellationHandler {
            if let schedule {
                for index in 0..<count {
                    let scheduled = schedule(index)
                    try? await Task.sleep(until: scheduled)
                    // An interrupted run starts no more sessions: only started ones get a row.
                    if Task.isCancelled {
                        rows.skipped(count - index)
                        break
                    }
                    let loop = group.next()
                    loop.execute { Self.startSession(plan, index: index, firstID: firstID, loop: loop, startedAt: scheduled) }
                }
            } else {
                let loops = Array(group.makeIterator())
                for (offset, loop) in loops.enumerated() {
                    loop.execute {
                        for index in stride(from: offset, to: count, by: loops.count) {
                            Self.startSession(plan, index: index, firstID: firstID, loop: loop, startedAt: .now)
                        }
                    }
                }
            }
            await rows.wait()
        } onCancel: {
            rows.interrupt()
        }
        return rows.results
    }

    /// Starts session `index` of `plan` on `loop` (called on it).
    private static func startSession(
        _ plan: SessionPlan, index: Int, firstID: Int, loop: any EventLoop, startedAt: ContinuousClock.Instant
    ) {
        let requestID = firstID + index
        let session = WebSocketSession(plan: plan, index: index, requestID: requestID, loop: loop, startedAt: startedAt)
        guard plan.rows.starting(index, NIOLoopBound(session, eventLoop: loop)) else { return }
        let endpoint = requestID % plan.endpoints.count
        session.begin(
            endpoint: plan.endpoints[endpoint], sslContext: plan.sslContexts[endpoint],
            localAddress: plan.sourceAddress(endpoint: endpoint, requestID: requestID))
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
