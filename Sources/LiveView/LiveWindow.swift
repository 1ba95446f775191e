public import BenchResults
import Histogram

/// One window of a run as the live page draws it: the figures of its charts. The board computes
/// them when it samples, and again only while the window can still change, so drawing a long run
/// of many windows costs the page no HdrHistogram work.
public struct LiveWindow: Sendable, Equatable {
    /// Sessions open, as last sampled in the window.
    public var open = 0
    /// Failed sessions so far by kind, as last sampled in the window.
    public var failed: [FailureKind: Int] = [:]
    /// Steps answered per second of the window (of its elapsed part while it runs).
    public var stepsPerSecond = 0.0
    /// Step latency and slot wait percentiles in seconds; 0 when the window has none.
    public var stepP50 = 0.0
    public var stepP99 = 0.0
    public var slotWaitP50 = 0.0
    public var slotWaitP99 = 0.0

    /// What the figures were computed from: values recorded and seconds run.
    private var measured = (values: UInt64(0), seconds: 0.0)

    public init() {}

    /// The measured figures of `window`, which has run for `seconds`; nothing is recomputed
    /// when neither changed (a percentile is a pass over the histogram's counts).
    mutating func measure(_ window: LoadMeasures.Window, seconds: Double) {
        let values = window.stepLatency.totalCount + window.slotWait.totalCount
        guard (values, seconds) != measured else { return }
        measured = (values, seconds)
        func percentile(_ histogram: LoadMeasures.LatencyHistogram, _ percentile: Double) -> Double {
            histogram.totalCount == 0 ? 0 : histogram.seconds(atPercentile: percentile)
        }
        stepsPerSecond = Double(window.stepsAnswered) / max(seconds, 1e-3)
        (stepP50, stepP99) = (percentile(window.stepLatency, 50), percentile(window.stepLatency, 99))
        (slotWaitP50, slotWaitP99) = (percentile(window.slotWait, 50), percentile(window.slotWait, 99))
    }

    public static func == (lhs: LiveWindow, rhs: LiveWindow) -> Bool {
        (lhs.open, lhs.failed, lhs.stepsPerSecond) == (rhs.open, rhs.failed, rhs.stepsPerSecond)
            && (lhs.stepP50, lhs.stepP99, lhs.slotWaitP50, lhs.slotWaitP99) == (rhs.stepP50, rhs.stepP99, rhs.slotWaitP50, rhs.slotWaitP99)
    }
}
