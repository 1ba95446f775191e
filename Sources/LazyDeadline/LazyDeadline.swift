import NIOCore

/// A connection's deadlines served by one timer that is never cancelled.
///
/// NIO's `Scheduled.cancel()` searches the loop's whole timer heap, so a connection that
/// cancels and re-schedules a timer per message pays for every other connection's timers. This
/// keeps at most one useful timer per connection instead: a deadline that moves later needs no
/// new timer (the one in flight fires early, finds the deadline not yet due, and re-arms for
/// it); only a deadline earlier than the timer in flight needs a new one, and the later timer,
/// when it fires, finds itself stale and does nothing. Cleared deadlines need nothing at all.
///
/// A value kept by a connection's state machine; the handler schedules what it asks for:
///
/// ```swift
/// if timer.request(deadline) {
///     loop.assumeIsolated().scheduleTask(deadline: deadline) { [weak self] in self?.fired(deadline) }
/// }
/// ...
/// func fired(_ deadline: NIODeadline) {
///     guard timer.fire(deadline) else { return }  // stale
///     // check what is due at `loop.now`, then request the next deadline, if any
/// }
/// ```
public struct LazyDeadline: Sendable, Equatable {
    /// When the timer in flight fires; `nil` when there is none the connection waits for.
    public private(set) var scheduled: NIODeadline?

    public init() {}

    /// Asks for a check by `deadline`.
    ///
    /// - Returns: `true` when the caller must schedule a timer for `deadline`: there is none in
    ///   flight, or the one in flight fires later. `false` when the timer in flight fires by then.
    public mutating func request(_ deadline: NIODeadline) -> Bool {
        if let scheduled, scheduled <= deadline { return false }
        scheduled = deadline
        return true
    }

    /// The timer scheduled for `deadline` fired.
    ///
    /// - Returns: `false` when the timer is stale (an earlier one replaced it, or the connection
    ///   ended): the caller does nothing. `true`: the caller checks its deadlines and requests
    ///   the next one.
    public mutating func fire(_ deadline: NIODeadline) -> Bool {
        guard deadline == scheduled else { return false }
        scheduled = nil
        return true
    }

    /// The connection ended: every timer in flight is stale from now on.
    public mutating func invalidate() {
        scheduled = nil
    }
}
