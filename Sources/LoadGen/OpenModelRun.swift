import AsyncHTTPClient

/// An open-model run: sessions arrive at a fixed rate for a duration, whether or not earlier
/// ones have finished — the way independent trainers arrive — instead of one burst.
///
/// Every session's latencies are measured from its *scheduled* start, so a generator or server
/// that falls behind shows up as latency rather than as a quietly lower rate.
public struct OpenModelRun: Sendable {
    public var endpoints: [ServerEndpoint]
    /// Sessions started per second.
    public var arrivalRate: Double
    public var duration: Duration
    public var driver: SessionDriver

    public init(endpoints: [ServerEndpoint], arrivalRate: Double, duration: Duration, driver: SessionDriver) {
        precondition(!endpoints.isEmpty && arrivalRate > 0, "an open-model run needs a server and a positive rate")
        self.endpoints = endpoints
        self.arrivalRate = arrivalRate
        self.duration = duration
        self.driver = driver
    }

    /// Sessions the run will start: rate × duration.
    public var sessions: Int { Int((arrivalRate * duration.seconds).rounded(.down)) }

    public func run() async -> (results: [SessionResult], wallTime: Double) {
        var sized = self.driver
        sized.batchSize = sessions
        let driver = sized
        let http = driver.mode == .http ? Burst.makeHTTPClient(for: driver, connections: sessions) : nil
        let clock = ContinuousClock()
        let start = clock.now
        var results = await withTaskGroup(of: SessionResult.self, returning: [SessionResult].self) { group in
            for id in 0..<sessions {
                let scheduled = start + .seconds(Double(id) / arrivalRate)
                try? await Task.sleep(until: scheduled)
                let endpoint = endpoints[id % endpoints.count]
                group.addTask {
                    await driver.run(requestID: id, endpoint: endpoint, http: http, scheduledStart: scheduled)
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let wallTime = (clock.now - start).seconds
        try? await http?.shutdown()
        results.sort { $0.requestID < $1.requestID }
        return (results, wallTime)
    }
}
