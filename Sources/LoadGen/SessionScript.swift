package import NIOCore

/// What every load-test session of one run does, as one value: the workload (what each step
/// sends, steps per episode, think time), whether episodes repeat, the limits, capacity
/// retries, and when the run ends. Every load pattern — bursts, the open model, hold and the
/// trainer profiles — is a script; one session implementation runs them all.
package struct SessionScript: Sendable {
    /// Retrying `CAPACITY_REACHED` (the `oversubscribe` profile): how long to back off, and
    /// when to give up.
    package struct CapacityRetry: Sendable, Equatable {
        package var backoff: ClosedRange<Double>
        package var maxSlotWait: TimeAmount

        package init(backoff: ClosedRange<Double>, maxSlotWait: TimeAmount) {
            self.backoff = backoff
            self.maxSlotWait = maxSlotWait
        }
    }

    package var workload: Workload
    /// Steps per episode; `nil`: steps until the run ends (hold).
    package var stepsPerEpisode: Int?
    /// After an episode, start another on the same socket (pool, hold) instead of closing.
    package var repeatsEpisodes: Bool
    package var connectTimeout: TimeAmount
    package var replyTimeout: TimeAmount
    /// How long to wait for the server's close frame after ours.
    package var closeTimeout: TimeAmount
    package var capacityRetry: CapacityRetry?
    /// When the run ends (profiles with a duration): a session then closes after the reply it
    /// is waiting for, and starts no more episodes.
    package var runEnd: NIODeadline?
    /// The run's seed: session `id` draws think times and backoffs from stream `id`.
    package var seed: UInt64
    /// Replay: session `id` sends the messages of `replay.sessions[id]` at their recorded
    /// times instead of the workload's.
    package var replay: ReplaySchedule?

    /// A session of one episode of `workload.steps` steps with no duration (bursts, open model).
    package static func oneEpisode(_ workload: Workload, timeout: TimeAmount, seed: UInt64 = 0) -> SessionScript {
        SessionScript(
            workload: workload,
            stepsPerEpisode: workload.steps,
            repeatsEpisodes: false,
            connectTimeout: timeout,
            replyTimeout: timeout,
            closeTimeout: min(timeout, .seconds(5)),
            capacityRetry: nil,
            runEnd: nil,
            seed: seed,
            replay: nil
        )
    }
}
