import EnvProtocol
import LazyDeadline
package import NIOCore

/// The deadlines of a connection before it becomes a request (``ConnectionLimits``), as a value:
/// events in, what to do out; ``ConnectionDeadlineHandler`` carries it out.
///
/// One deadline runs at a time, the one of the phase the connection is in: the TLS handshake,
/// the first request head, or (between requests on a kept-alive connection) the next head. While
/// a request is served, and once the connection is a WebSocket session, none runs. A single
/// ``LazyDeadline`` timer serves them all and is never cancelled: a phase that ends leaves the
/// timer in flight to find nothing due.
package struct ConnectionDeadlines {
    package enum Phase: String, Sendable {
        case tlsHandshake = "tls_handshake"
        case requestHead = "request_head"
        case keepAliveIdle = "keep_alive_idle"
    }

    package enum Action: Equatable {
        case none
        /// Schedule a timer at this deadline; report it with ``timerFired(_:now:)``.
        case schedule(NIODeadline)
        /// The phase ran out: close the connection (and count it by its phase).
        case close(Phase)
    }

    private let limits: ConnectionLimits
    private let firstPhase: Phase
    private var started = false
    /// The phase whose deadline runs, and when it falls due.
    private var running: (phase: Phase, due: NIODeadline)?
    private var timer = LazyDeadline()

    package init(limits: ConnectionLimits, firstPhase: Phase) {
        self.limits = limits
        self.firstPhase = firstPhase
    }

    /// The connection is active: its first phase starts (once).
    package mutating func connectionActive(now: NIODeadline) -> Action {
        guard !started else { return .none }
        started = true
        return enter(firstPhase, now: now)
    }

    /// The TLS handshake completed: the first request head is due.
    package mutating func handshakeCompleted(now: NIODeadline) -> Action { enter(.requestHead, now: now) }
    /// Every response has ended and every request body arrived: the next head is due.
    package mutating func fellIdle(now: NIODeadline) -> Action { enter(.keepAliveIdle, now: now) }
    /// A request head arrived: no deadline while it is served.
    package mutating func requestHeadReceived() { running = nil }
    /// The connection is a WebSocket session now: no deadline of this kind again.
    package mutating func upgraded() { running = nil }

    /// The connection is gone: timers in flight find nothing to do.
    package mutating func connectionClosed() {
        running = nil
        timer.invalidate()
    }

    /// The timer scheduled at `deadline` fired at `now`.
    package mutating func timerFired(_ deadline: NIODeadline, now: NIODeadline) -> Action {
        guard timer.fire(deadline), let running else { return .none }
        guard now >= running.due else { return schedule(running.due) }
        self.running = nil
        return .close(running.phase)
    }

    private mutating func enter(_ phase: Phase, now: NIODeadline) -> Action {
        guard let limit = limit(of: phase) else {
            running = nil
            return .none
        }
        let due = now + .nanoseconds(limit.nanoseconds)
        running = (phase, due)
        return schedule(due)
    }

    private mutating func schedule(_ due: NIODeadline) -> Action {
        timer.request(due) ? .schedule(due) : .none
    }

    private func limit(of phase: Phase) -> Duration? {
        switch phase {
        case .tlsHandshake: limits.tlsHandshakeTimeout
        case .requestHead: limits.requestHeadTimeout
        case .keepAliveIdle: limits.keepAliveTimeout
        }
    }
}
