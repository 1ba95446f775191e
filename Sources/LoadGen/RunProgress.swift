public import BenchResults
import EnvProtocol
import Synchronization

/// Live counts of one run while it happens: sessions started, answered (succeeded) and
/// failed, and when each still-open session started — what a progress display shows.
///
/// Session drivers update it as they go with one atomic increment and one atomic store per
/// session start or end, and at an end one short lock of the ``tally``: per session, never per
/// step, so counting costs the load generator nothing it would notice.
/// A display takes a ``Snapshot`` whenever it likes (a few times a second); a snapshot scans
/// the open sessions, so its cost is on the reader's side. A live view also reads the ended
/// sessions' ``tally`` and, for a profile run, its per-window ``measures()``.
///
/// ```swift
/// let progress = RunProgress(sessions: 512)
/// var driver = SessionDriver(mode: .ws, wait: 1, timeout: .seconds(60), batchSize: 512, hardware: "h")
/// driver.progress = progress
/// async let run = Burst(endpoints: [endpoint], sessions: 512, driver: driver).run()
/// print(progress.snapshot())   // 512 started, 301 answered, 0 failed, 1.2s elapsed, slowest open 1.2s
/// ```
// @unchecked: `openSince` is allocated in `init` and freed in `deinit`; in between it is only
// read and written through atomic operations, so sharing it between tasks is safe.
public final class RunProgress: @unchecked Sendable {
    /// Sessions the run is meant to start (request ids `0..<sessions`).
    public let sessions: Int
    /// Which run this is, for the display (e.g. `[2/8] [WS] N=512, wait=1.0s, rep=1`).
    public let label: String
    private let origin: ContinuousClock.Instant
    private let started = Atomic<Int>(0)
    private let answered = Atomic<Int>(0)
    private let failed = Atomic<Int>(0)
    /// Per request id: 1 + nanoseconds from `origin` to the start of the session while it is
    /// open; 0 before it starts and after it ends.
    private let openSince: UnsafeMutablePointer<Atomic<Int>>
    /// Failures by kind and session latencies of the sessions ended so far.
    public let tally = SessionTally()
    /// The run's per-window measures once its sessions start (profile runs only).
    private let liveMeasures = Mutex<RunMeasures?>(nil)

    /// - Parameters:
    ///   - sessions: the run's size; sessions with ids outside `0..<sessions` are counted but
    ///     not aged.
    ///   - label: which run this is, for the display (default none).
    ///   - origin: when the run started, for ``Snapshot/elapsed`` (default now).
    public init(sessions: Int, label: String = "", origin: ContinuousClock.Instant = .now) {
        self.sessions = max(0, sessions)
        self.label = label
        self.origin = origin
        openSince = .allocate(capacity: self.sessions)
        for index in 0..<self.sessions { (openSince + index).initialize(to: Atomic(0)) }
    }

    deinit {
        openSince.deinitialize(count: sessions)
        openSince.deallocate()
    }

    /// Session `id` started at `start` (its scheduled start in an open-model run).
    public func sessionStarted(_ id: Int, at start: ContinuousClock.Instant) {
        started.add(1, ordering: .relaxed)
        guard (0..<sessions).contains(id) else { return }
        openSince[id].store(max(0, Int((start - origin).nanoseconds)) + 1, ordering: .relaxed)
    }

    /// Session `id` ended, answered (`success`) or failed.
    public func sessionEnded(_ id: Int, success: Bool) {
        if success { answered.add(1, ordering: .relaxed) } else { failed.add(1, ordering: .relaxed) }
        guard (0..<sessions).contains(id) else { return }
        openSince[id].store(0, ordering: .relaxed)
    }

    /// Session `row.requestID` ended with `row`: counted, and tallied by its outcome.
    public func sessionEnded(_ row: SessionResult) {
        sessionEnded(row.requestID, success: row.success)
        tally.record(row)
    }

    /// The run records its measures in `measures` (called once, as its sessions start).
    package func attach(_ measures: RunMeasures?) {
        liveMeasures.withLock { $0 = measures }
    }

    /// The per-window measures so far: a copy taken under the measures' lock, which sessions
    /// hold only to record one event (the next event then copies the window it changes, once per
    /// copy taken); `nil` before the sessions start and for bursts.
    public func measures() -> LoadMeasures? {
        liveMeasures.withLock { $0 }?.snapshot
    }

    /// The counts now, and the age of the oldest session still open.
    public func snapshot(at now: ContinuousClock.Instant = .now) -> Snapshot {
        var oldest = Int.max
        for index in 0..<sessions {
            let since = openSince[index].load(ordering: .relaxed)
            if since > 0 && since < oldest { oldest = since }
        }
        return Snapshot(
            label: label,
            sessions: sessions,
            started: started.load(ordering: .relaxed),
            answered: answered.load(ordering: .relaxed),
            failed: failed.load(ordering: .relaxed),
            elapsed: now - origin,
            slowestOpen: oldest == .max ? nil : now - (origin + .nanoseconds(oldest - 1))
        )
    }

    /// The counts at one moment.
    public struct Snapshot: Sendable, Equatable, CustomStringConvertible {
        public var label: String
        public var sessions: Int
        public var started: Int
        public var answered: Int
        public var failed: Int
        /// Since the run started.
        public var elapsed: Duration
        /// Age of the session open longest (from its scheduled start); `nil` when none is open.
        public var slowestOpen: Duration?

        /// Sessions started and not yet ended.
        public var open: Int { max(0, started - answered - failed) }

        /// `LABEL: 512 started, 301 answered, 0 failed, 1.2s elapsed, slowest open 1.2s`
        public var description: String {
            (label.isEmpty ? "" : "\(label): ")
                + "\(started) started, \(answered) answered, \(failed) failed, "
                + "\(Self.seconds(elapsed)) elapsed, slowest open \(slowestOpen.map(Self.seconds) ?? "n/a")"
        }

        private static func seconds(_ duration: Duration) -> String {
            SweepReport.format(duration.seconds, 1) + "s"
        }
    }
}
