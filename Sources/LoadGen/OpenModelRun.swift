public import BenchResults
public import EnvClient
import EnvProtocol

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
    public var sessions: Int { Self.sessions(arrivalRate: arrivalRate, duration: duration) }

    public static func sessions(arrivalRate: Double, duration: Duration) -> Int {
        Int((arrivalRate * duration.seconds).rounded(.down))
    }

    public func run() async -> (results: [SessionResult], wallTime: Double) {
        var driver = self.driver
        driver.batchSize = sessions
        let start = ContinuousClock.now
        let rate = arrivalRate
        return await driver.runSessions(count: sessions, endpoints: endpoints) { id in
            start + .seconds(Double(id) / rate)
        }
    }
}
