public import BenchResults
public import Histogram
import Synchronization

/// The ended sessions of one run so far: failures by kind and every session's total latency,
/// what a live view (`openenv-bench run --web`) shows while the run goes on. Rows are only
/// collected when the run ends; this is the running count.
///
/// Updated once per session end under its own lock, which nothing else on the hot path takes;
/// a reader copies the counts (``snapshot``) a few times a second at most.
public final class SessionTally: Sendable {
    /// The counts at one moment.
    public struct Counts: Sendable {
        public var succeeded = 0
        public var failed: [FailureKind: Int] = [:]
        /// Total latency of every ended session, successes and failures, in microseconds.
        public var sessionLatency = LoadMeasures.histogram()
    }

    private let counts = Mutex(Counts())

    public init() {}

    /// Counts one ended session.
    public func record(_ row: SessionResult) {
        let microseconds = LoadMeasures.microseconds(row.totalLatency)
        counts.withLock { counts in
            if row.success {
                counts.succeeded += 1
            } else {
                counts.failed[row.errorType ?? .connectionError, default: 0] += 1
            }
            _ = counts.sessionLatency.record(microseconds)
        }
    }

    public var snapshot: Counts { counts.withLock { $0 } }
}
