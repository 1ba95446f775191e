public import BenchResults
public import LoadGen

/// One run at one moment, as the live view and `/metrics` show it: the progress counts, the
/// ended sessions' tally and the per-window measures, all copied at once by the board's sampler
/// so a page or a scrape never reaches into the running load generator itself.
public struct LiveSample: Sendable {
    public var progress: RunProgress.Snapshot
    public var sessions: SessionTally.Counts
    /// Profile runs only: bursts and the open model keep no windows.
    public var measures: LoadMeasures?
    /// Every window added together.
    public var total: LoadMeasures.Window

    /// Failed sessions, all kinds.
    public var failed: Int { sessions.failed.values.reduce(0, +) }
}
