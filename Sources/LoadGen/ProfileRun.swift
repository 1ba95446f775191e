public import BenchResults
public import EnvClient
import EnvProtocol
import NIOCore

/// A run shaped like an RL trainer, for a duration: N sessions that each run episodes (a reset
/// and `--steps` steps, with a think time before each step), in one of the trainer profiles.
///
/// - `pool` (TRL's synchronous GRPO): N sessions opened once, each running episodes back to
///   back on its socket until the run ends.
/// - `refill` (asynchronous GRPO): N episodes in flight, each on its own session; a finished
///   episode is replaced at once by a new session.
/// - `oversubscribe` (agentic trainers): like `refill`, where N may exceed the server's
///   capacity; `CAPACITY_REACHED` is retried with jittered backoff, and the wait for a slot is
///   measured.
/// - `hold`: N sessions held for the duration, each stepping with `interval` between a reply
///   and its next step (one episode that lasts the run).
///
/// When the run ends, a session finishes the step it is waiting for and closes; one still
/// waiting for a slot fails as `CAPACITY_REACHED`.
public struct ProfileRun: Sendable {
    /// The shape of the load.
    public enum Profile: Sendable, Equatable {
        case pool
        case refill
        /// `backoff`: seconds to wait before retrying `CAPACITY_REACHED`, drawn uniformly.
        case oversubscribe(backoff: ClosedRange<Double>, maxSlotWait: Duration)
        case hold(interval: Duration)
    }

    public var endpoints: [ServerEndpoint]
    /// Concurrency: sessions (pool, hold) or episodes in flight (refill, oversubscribe).
    public var sessions: Int
    public var profile: Profile
    public var duration: Duration
    /// The measures' window length.
    public var window: Duration
    public var driver: SessionDriver

    public init(
        endpoints: [ServerEndpoint],
        sessions: Int,
        profile: Profile,
        duration: Duration,
        window: Duration = .seconds(10),
        driver: SessionDriver
    ) {
        precondition(!endpoints.isEmpty, "a run needs a server")
        self.endpoints = endpoints
        self.sessions = sessions
        self.profile = profile
        self.duration = duration
        self.window = window
        self.driver = driver
    }

    /// What a profile run found: one row per session, the wall time and the measures.
    public struct Outcome: Sendable {
        public var results: [SessionResult]
        public var wallTime: Double
        public var measures: LoadMeasures
    }

    public func run() async -> Outcome {
        let clock = ContinuousClock()
        let start = clock.now
        let timeout = TimeAmount.nanoseconds(driver.timeout.nanoseconds)
        var script = SessionScript.oneEpisode(driver.workload, timeout: timeout, seed: driver.seed)
        script.runEnd = .now() + .nanoseconds(duration.nanoseconds)
        var refills = false
        switch profile {
        case .pool:
            script.repeatsEpisodes = true
        case .refill:
            refills = true
        case .oversubscribe(let backoff, let maxSlotWait):
            refills = true
            script.capacityRetry = SessionScript.CapacityRetry(
                backoff: backoff,
                maxSlotWait: .nanoseconds(maxSlotWait.nanoseconds)
            )
        case .hold(let interval):
            script.stepsPerEpisode = nil
            script.workload.think = .constant(interval.seconds)
        }
        let (results, measures) = await driver.runWebSocketSessions(
            count: sessions,
            firstID: 0,
            endpoints: endpoints,
            schedule: nil,
            script: script,
            refills: refills,
            window: window.seconds
        )
        return Outcome(
            results: results,
            wallTime: (clock.now - start).seconds,
            measures: measures ?? LoadMeasures(window: window.seconds)
        )
    }
}
