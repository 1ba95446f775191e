public import NIOCore

/// A connection's deadlines served by timers that are never cancelled.
///
/// NIO's `Scheduled.cancel()` searches the loop's whole timer heap, so a connection that
/// cancels and re-schedules a timer per message pays for every other connection's timers.
/// Here a deadline that moves later needs no new timer: the one in flight fires early, the
/// caller finds nothing due, and asks again for the deadline then. Only a deadline earlier than
/// every timer in flight needs a new one. The later timers stay pending rather than stale, so a
/// connection that alternates a near deadline (a think time) with a far one (a reply deadline)
/// keeps one far timer in flight, not one per message. Used by the server's session and
/// connection state machines and by the load generator's session.
///
/// A value kept by a connection's state machine; its handler schedules what it asks for:
///
/// ```swift
/// if timer.request(deadline) {
///     loop.assumeIsolated().scheduleTask(deadline: deadline) { [weak self] in self?.fired(deadline) }
/// }
/// ...
/// func fired(_ deadline: NIODeadline) {
///     guard timer.fire(deadline) else { return }  // the connection ended
///     // check what is due at `loop.now`, then request the next deadline, if any
/// }
/// ```
public struct LazyDeadline: Sendable, Equatable {
    /// The timers in flight, earliest last (a few at most: each new one is earlier than all the
    /// others).
    private var pending: [NIODeadline] = []

    public init() {}

    /// The earliest timer in flight; `nil` when there is none.
    public var earliest: NIODeadline? { pending.last }

    /// Asks for a check by `deadline`.
    ///
    /// - Returns: `true` when the caller must schedule a timer for `deadline`: none is in
    ///   flight, or every one in flight fires later. `false` when one fires by then.
    public mutating func request(_ deadline: NIODeadline) -> Bool {
        if let earliest, earliest <= deadline { return false }
        pending.append(deadline)
        return true
    }

    /// The timer scheduled for `deadline` fired.
    ///
    /// - Returns: `false` when the connection ended since (``invalidate()``): the caller does
    ///   nothing. `true`: the caller checks its deadlines and requests the next one.
    public mutating func fire(_ deadline: NIODeadline) -> Bool {
        guard let index = pending.lastIndex(of: deadline) else { return false }
        pending.remove(at: index)
        return true
    }

    /// The connection ended: every timer in flight finds nothing to do from now on.
    public mutating func invalidate() {
        pending.removeAll()
    }
}
