import BenchResults
public import EnvClient
import EnvProtocol
import NIOCore

/// A recorded run replayed (`run --profile replay`): every session of a ``ReplaySchedule``
/// starts at its (scaled) recorded time and sends its recorded messages at their times, through
/// the same session state machine and handler as every other load pattern. Latencies count
/// from when a session or message was due, so a server that falls behind shows as latency,
/// not as a slower replay (no coordinated omission).
public struct ReplayRun: Sendable {
    public var endpoints: [ServerEndpoint]
    public var schedule: ReplaySchedule
    /// The measures' window length.
    public var window: Duration
    public var driver: SessionDriver

    public init(endpoints: [ServerEndpoint], schedule: ReplaySchedule, window: Duration = .seconds(10), driver: SessionDriver) {
        precondition(!endpoints.isEmpty, "a replay needs a server")
        self.endpoints = endpoints
        self.schedule = schedule
        self.window = window
        self.driver = driver
    }

    public func run() async -> ProfileRun.Outcome {
        let timeout = TimeAmount.nanoseconds(driver.timeout.nanoseconds)
        var script = SessionScript.oneEpisode(driver.workload, timeout: timeout, seed: driver.seed)
        script.replay = schedule
        let start = ContinuousClock.now
        let sessions = schedule.sessions
        let (results, measures) = await driver.runWebSocketSessions(
            count: sessions.count,
            firstID: 0,
            endpoints: endpoints,
            schedule: { start + .seconds(sessions[$0].start) },
            script: script,
            window: window.seconds
        )
        return ProfileRun.Outcome(
            results: results,
            wallTime: (ContinuousClock.now - start).seconds,
            measures: measures ?? LoadMeasures(window: window.seconds)
        )
    }
}
