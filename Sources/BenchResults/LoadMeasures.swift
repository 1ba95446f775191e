public import Histogram

/// What a run measured beyond its rows, per time window: step latencies as HdrHistograms
/// (microseconds), steps sent and answered, episodes finished, slot waits, sessions the server
/// dropped and reconnects. Windows add up exactly, and so do the measures of several shards.
///
/// ```swift
/// var measures = LoadMeasures(window: 10)
/// measures.recordStep(latency: 0.105, at: 3.2)   // seconds; at: offset from the run's start
/// measures.total.stepLatency.valueAtPercentile(99)
/// ```
public struct LoadMeasures: Sendable, Equatable {
    /// Counts in microseconds.
    public typealias LatencyHistogram = Histogram<UInt64>

    /// The percentiles reported: label and percentile.
    public static let percentiles: [(label: String, percentile: Double)] = [
        ("p50", 50), ("p90", 90), ("p99", 99), ("p99.9", 99.9),
    ]

    /// One window's measures.
    public struct Window: Sendable, Equatable {
        /// Step latencies in microseconds.
        public var stepLatency = LoadMeasures.histogram()
        /// Waits for a slot in microseconds (`oversubscribe` only).
        public var slotWait = LoadMeasures.histogram()
        public var stepsSent = 0
        public var episodes = 0
        public var sessionsDropped = 0
        public var reconnects = 0

        public init() {}

        /// Steps answered: one latency each.
        public var stepsAnswered: Int { Int(stepLatency.totalCount) }

        public static func == (lhs: Window, rhs: Window) -> Bool {
            (lhs.stepsSent, lhs.episodes, lhs.sessionsDropped, lhs.reconnects)
                == (rhs.stepsSent, rhs.episodes, rhs.sessionsDropped, rhs.reconnects)
                && LoadMeasures.sameCounts(lhs.stepLatency, rhs.stepLatency)
                && LoadMeasures.sameCounts(lhs.slotWait, rhs.slotWait)
        }

        public mutating func add(_ other: Window) {
            stepLatency.add(other.stepLatency)
            slotWait.add(other.slotWait)
            stepsSent += other.stepsSent
            episodes += other.episodes
            sessionsDropped += other.sessionsDropped
            reconnects += other.reconnects
        }
    }

    /// Window length in seconds.
    public let window: Double
    /// When the run started, seconds since the Unix epoch (the interval log's `StartTime`).
    public var startTime: Double = 0
    /// Window `i` covers [i × window, (i + 1) × window) seconds from the run's start.
    public private(set) var windows: [Window] = []
    /// The most sessions held (reset answered, not yet ended) at one moment.
    public private(set) var peakHeld = 0
    private var held = 0

    public init(window: Double = 10, startTime: Double = 0) {
        precondition(window > 0, "a window is longer than 0 s")
        self.window = window
        self.startTime = startTime
    }

    /// Equal when every figure is: the windows, their length, the start and the peak.
    public static func == (lhs: LoadMeasures, rhs: LoadMeasures) -> Bool {
        (lhs.window, lhs.startTime, lhs.peakHeld) == (rhs.window, rhs.startTime, rhs.peakHeld) && lhs.windows == rhs.windows
    }

    /// Whether two histograms hold the same counts at the same values.
    static func sameCounts(_ lhs: LatencyHistogram, _ rhs: LatencyHistogram) -> Bool {
        lhs.totalCount == rhs.totalCount
            && lhs.recordedValues().map { ($0.value, $0.count) }.elementsEqual(rhs.recordedValues().map { ($0.value, $0.count) }) { $0 == $1 }
    }

    /// An auto-resizing histogram with 3 significant digits, the layout every measure shares.
    public static func histogram() -> LatencyHistogram {
        Histogram(numberOfSignificantValueDigits: .three)
    }

    /// Every window added together.
    public var total: Window {
        windows.reduce(into: Window()) { $0.add($1) }
    }

    // MARK: Recording (times in seconds from the run's start)

    public mutating func recordStep(latency: Double, at offset: Double) {
        _ = windows[index(offset)].stepLatency.record(Self.microseconds(latency))
    }

    public mutating func recordStepSent(at offset: Double) {
        windows[index(offset)].stepsSent += 1
    }

    public mutating func recordEpisode(at offset: Double) {
        windows[index(offset)].episodes += 1
    }

    public mutating func recordSlotWait(_ seconds: Double, at offset: Double) {
        _ = windows[index(offset)].slotWait.record(Self.microseconds(seconds))
    }

    public mutating func recordDropped(at offset: Double) {
        windows[index(offset)].sessionsDropped += 1
    }

    public mutating func recordReconnects(_ count: Int, at offset: Double) {
        windows[index(offset)].reconnects += count
    }

    /// A session now holds a slot (`+1`) or gave it back (`-1`).
    public mutating func recordHeld(_ change: Int) {
        held += change
        peakHeld = max(peakHeld, held)
    }

    /// Adds another run's (or shard's) measures, window by window; the peaks add too (the
    /// shards' sessions were held on one server side by side).
    public mutating func add(_ other: LoadMeasures) {
        precondition(other.window == window, "measures of different windows do not add")
        grow(to: other.windows.count - 1)
        for (index, window) in other.windows.enumerated() { windows[index].add(window) }
        peakHeld += other.peakHeld
        startTime = windows.isEmpty ? other.startTime : min(startTime, other.startTime)
    }

    /// Adds `other` to window `window` (measures read back from an interval log).
    public mutating func add(_ other: Window, window: Int) {
        grow(to: window)
        windows[window].add(other)
    }

    private mutating func grow(to index: Int) {
        if index >= windows.count {
            windows += Array(repeating: Window(), count: index + 1 - windows.count)
        }
    }

    private mutating func index(_ offset: Double) -> Int {
        let index = max(0, Int(offset / window))
        grow(to: index)
        return index
    }

    /// Seconds as the histograms' microseconds.
    public static func microseconds(_ seconds: Double) -> UInt64 {
        UInt64(max(0, (seconds * 1e6).rounded()))
    }

    /// The histograms' microseconds as seconds.
    public static func seconds(_ microseconds: UInt64) -> Double {
        Double(microseconds) / 1e6
    }
}

extension Histogram where Count == UInt64 {
    /// The value at `percentile` (0…100) of a ``LoadMeasures/LatencyHistogram``, in seconds.
    public func seconds(atPercentile percentile: Double) -> Double {
        LoadMeasures.seconds(valueAtPercentile(percentile))
    }

    /// The largest value of a ``LoadMeasures/LatencyHistogram``, in seconds.
    public var maxSeconds: Double { LoadMeasures.seconds(max) }
}
