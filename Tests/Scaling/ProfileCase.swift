import BenchResults
import EnvClient
import EnvServer
import EnvTesting
import LoadGen
import Testing

/// A trainer-profile case of the Scaling suite: a few seconds of `pool`, `refill` or
/// `oversubscribe` at a small concurrency, judged on the share of steps answered and step p99
/// against the baseline case that names its profile.
///
/// Short on purpose (CI runs each once): 64 sessions or episodes in flight, episodes of 4 steps
/// of the benchmark's 0.1 s wait with 0.2 s of think time before each, for 3 s. In-process,
/// `oversubscribe` meets a server of half that capacity, so `CAPACITY_REACHED` is retried and
/// slot waits happen; a remote server's capacity is its own.
struct ProfileCase: Sendable, Hashable, CustomTestStringConvertible {
    var profile: String
    var concurrency: Int

    static let wait = 0.1
    static let stepsPerEpisode = 4
    static let think = ThinkTime.constant(0.2)
    static let duration = Duration.seconds(3)
    /// `oversubscribe`'s retry backoff: short, so the few seconds of the case see several.
    static let backoff = 0.05...0.2

    /// Every profile case a recording measures.
    static let all = ScalingSettings.profileNames.map { ProfileCase(profile: $0, concurrency: 64) }

    var testDescription: String { "\(profile) · \(concurrency) in flight · \(Self.stepsPerEpisode) steps · wait \(Self.wait) s" }
    /// Attachment-safe name.
    var fileStem: String { "profile-\(profile)-\(concurrency)" }

    /// The profile as ``ProfileRun`` runs it; `nil` for a name this suite does not know.
    var shape: ProfileRun.Profile? {
        switch profile {
        case "pool": .pool
        case "refill": .refill
        case "oversubscribe": .oversubscribe(backoff: Self.backoff, maxSlotWait: .seconds(60))
        default: nil
        }
    }

    /// The in-process server's capacity: room for every session (refill's replacement opens
    /// while the old session's slot is given back), or half of them (`oversubscribe`).
    var serverCapacity: Int {
        switch profile {
        case "oversubscribe": concurrency / 2
        case "refill": 2 * concurrency
        default: max(100, concurrency)
        }
    }

    /// Runs the case `repetitions` times against `endpoint`.
    func measure(_ endpoint: ServerEndpoint, workload: Workload, repetitions: Int) async throws -> [MeasuredRun] {
        guard let shape else { throw ProfileCaseError(profile: profile) }
        var workload = workload
        workload.steps = Self.stepsPerEpisode
        workload.think = Self.think
        var runs: [MeasuredRun] = []
        for repetition in 1...repetitions {
            let driver = SessionDriver(
                mode: .ws,
                wait: Self.wait,
                timeout: .seconds(60),
                batchSize: concurrency,
                hardware: "cpu-basic",
                workload: workload
            )
            let outcome = await ProfileRun(endpoints: [endpoint], sessions: concurrency, profile: shape, duration: Self.duration, driver: driver)
                .run()
            var summary = RunSummary(
                results: outcome.results,
                mode: .ws,
                url: endpoint.httpURL,
                numRequests: concurrency,
                waitSeconds: Self.wait,
                repetition: repetition,
                totalWallTime: outcome.wallTime,
                hardware: "cpu-basic"
            )
            summary.measures = outcome.measures
            runs.append((summary, outcome.results))
        }
        return runs
    }
}

/// A baseline case naming a profile the suite cannot run.
struct ProfileCaseError: Error, CustomStringConvertible {
    var profile: String
    var description: String { "baseline case with profile '\(profile)': the Scaling suite runs pool, refill and oversubscribe" }
}
