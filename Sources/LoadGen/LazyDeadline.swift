import NIOCore

/// One timer per connection, re-armed by comparing times and never cancelled on the hot path
/// (NIO's cancel scans the loop's whole scheduled-task heap).
///
/// Each request only moves the wake time; a pending earlier check re-arms itself when it
/// fires and finds nothing due. A new check is scheduled only when the wake time moves
/// *earlier* than every pending one.
///
/// ```swift
/// if timer.needsCheck(at: wake) { loop.scheduleTask(deadline: wake) { fired(wake) } }
/// // when it runs:
/// timer.fired(scheduledAt: wake)
/// ```
package struct LazyDeadline {
    /// The earliest pending check; `nil` when none is.
    package private(set) var pending: NIODeadline?

    package init() {}

    /// Whether a check must be scheduled at `wake` (recorded as pending if so).
    package mutating func needsCheck(at wake: NIODeadline) -> Bool {
        if let pending, pending <= wake { return false }
        pending = wake
        return true
    }

    /// The check scheduled at `time` ran.
    package mutating func fired(scheduledAt time: NIODeadline) {
        if pending == time { pending = nil }
    }
}
