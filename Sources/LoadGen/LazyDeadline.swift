import NIOCore

/// One connection's timer checks, re-armed by comparing times and never cancelled on the hot
/// path (NIO's cancel scans the loop's whole scheduled-task heap).
///
/// Each request only moves the wake time. A check is scheduled only when the wake time moves
/// *earlier* than every pending check; a check that fires and finds nothing due re-arms for
/// the wake time then. So a session that alternates a think time (soon) with a reply deadline
/// (far) keeps one far check pending, not one per step.
///
/// ```swift
/// if timer.needsCheck(at: wake) { loop.scheduleTask(deadline: wake) { fired(wake) } }
/// // when it runs:
/// timer.fired(scheduledAt: wake)
/// ```
package struct LazyDeadline {
    /// The checks scheduled and not yet run, earliest last (a few at most: each new one is
    /// earlier than all the others).
    private var pending: [NIODeadline] = []

    package init() {}

    /// The earliest pending check.
    package var earliest: NIODeadline? { pending.last }

    /// Whether a check must be scheduled at `wake` (recorded as pending if so).
    package mutating func needsCheck(at wake: NIODeadline) -> Bool {
        if let earliest, earliest <= wake { return false }
        pending.append(wake)
        return true
    }

    /// The check scheduled at `time` ran.
    package mutating func fired(scheduledAt time: NIODeadline) {
        pending.removeAll { $0 == time }
    }
}
