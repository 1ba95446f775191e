import AsyncHTTPClient
public import BenchResults
public import EnvClient
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
        count: Int,
        endpoints: [ServerEndpoint],
        schedule: (@Sendable (Int) -> ContinuousClock.Instant)?
    ) async -> (results: [SessionResult], wallTime: Double) {
        let clock = ContinuousClock()
        let start = clock.now
        guard mode == .http else {
            let (results, _) = await runWebSocketSessions(count: count, firstID: 0, endpoints: endpoints, schedule: schedule)
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

    /// WebSocket sessions `firstID..<firstID + count`, each a ``LoadSessionHandler`` on an
    /// event loop running `script` (default: one episode of the workload): a burst is started by
    /// one job per loop, an open-model run's sessions one by one at their scheduled times.
    /// Cancelling the task (SIGINT) ends the sessions in flight as `Interrupted` and starts no
    /// more. One row per started session, in request order, and, when there is a script, the
    /// run's measures.
    ///
    /// - Parameter refills: each finished session is replaced by a new one until `script.runEnd`.
    func runWebSocketSessions(
        count: Int,
        firstID: Int,
        endpoints: [ServerEndpoint],
        schedule: (@Sendable (Int) -> ContinuousClock.Instant)?,
        script: SessionScript? = nil,
        refills: Bool = false,
        window: Double = 10
    ) async -> (results: [SessionResult], measures: LoadMeasures?) {
        let group = MultiThreadedEventLoopGroup.singleton
        let rows = SessionRows()
        rows.reserve(count)
        let plan = SessionPlan(
            script: script ?? .oneEpisode(workload, timeout: .nanoseconds(timeout.nanoseconds), seed: seed),
            connector: .webSocket(
                endpoints: endpoints,
                configuration: WebSocketConnection.Configuration(connectTimeout: timeout, replyTimeout: timeout, tls: tls),
                tls: tls
            ),
            rows: rows,
            measures: script == nil ? nil : RunMeasures(origin: .now(), window: window),
            progress: progress,
            batchSize: batchSize,
            hardware: hardware,
            refills: refills,
            firstRefillID: firstID + count
        )
        progress?.attach(plan.measures)
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
                    loop.execute {
                        LoadSessionHandler.start(plan, requestID: firstID + index, reserved: true, loop: loop, startedAt: scheduled)
                    }
                }
            } else {
                let loops = Array(group.makeIterator())
                for (offset, loop) in loops.enumerated() {
                    loop.execute {
                        for index in stride(from: offset, to: count, by: loops.count) {
                            LoadSessionHandler.start(plan, requestID: firstID + index, reserved: true, loop: loop, startedAt: .now)
                        }
                    }
                }
            }
            await rows.wait()
        } onCancel: {
            rows.interrupt()
        }
        return (rows.results, plan.measures?.snapshot)
    }

    /// One connection per concurrent session, as the seed's client allowed (up to 1,000 there).
    private func makeHTTPClient(connections: Int) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.tlsConfiguration = tls
        configuration.connectionPool = .init(
            idleTimeout: .seconds(30),
            concurrentHTTP1ConnectionsPerHostSoftLimit: max(connections, 1)
        )
        configuration.timeout = .init(connect: .nanoseconds(timeout.nanoseconds))
        return HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
    }
}
