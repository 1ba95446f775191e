import LazyDeadline
package import NIOCore
package import NIOWebSocket

/// The rules of one `/ws` connection as a value: frames, replies, the closing handshake and every
/// deadline in, what to do out. ``WebSocketSessionHandler`` carries the actions out, reading the
/// time from its event loop, and owns what is not a value (the session, the running answer).
///
/// - Messages are answered strictly in order: while one is answered (``Work``) or its reply
///   waits for the socket, no further input is asked for, and messages already read wait in
///   ``pending``.
/// - Closing: the server's close frame starts the handshake; the peer then has the close
///   timeout to answer. A protocol violation is answered with a close frame and the connection
///   closed once it is written.
/// - Deadlines (ping, idle, reply write, closing handshake) share one ``LazyDeadline`` timer.
package struct WebSocketSessionStateMachine {
    /// The connection's time limits.
    package struct Timeouts: Sendable {
        /// A reply the socket has not taken within this long drops the connection.
        package var write: TimeAmount
        /// The peer must answer our close frame within this long.
        package var close: TimeAmount
        /// Ping an idle peer this often; drop it after two intervals without a frame.
        package var ping: TimeAmount?
        /// Close a session idle this long (``nil``: never; attached sessions are never reaped).
        package var idle: TimeAmount?

        package init(write: TimeAmount, close: TimeAmount, ping: TimeAmount?, idle: TimeAmount?) {
            self.write = write
            self.close = close
            self.ping = ping
            self.idle = idle
        }
    }

    /// What answers the message being answered.
    package enum Work: Equatable {
        /// A step timed by plan: a timer of the loop.
        case timedStep
        /// The environment's code (``EnvironmentCall``), running in a task.
        case call
    }

    /// When the session (its slot) ends as the connection closes.
    package enum SessionEnd: Equatable {
        /// Now: nothing is running.
        case now
        /// Now, and the timed step whose wait runs is dropped (its time still counts).
        case nowAbandoningTimedStep
        /// When the running ``Work/call`` returns.
        case whenWorkReturns
    }

    /// What to do after sending a close frame that starts the closing handshake.
    package enum AfterClose: Equatable {
        case nothing
        /// Ask for input again (the peer's close frame is awaited).
        case read
        /// Close the connection: the peer half-closed, it can send no close frame.
        case disconnect
    }

    package enum Action: Equatable {
        case none
        /// Ask the channel for more input.
        case read
        /// Answer a ping with this data.
        case pong(ByteBuffer)
        /// Answer this message (a text, binary or close frame) now; report how with
        /// ``replied(writable:now:)``, ``workStarted(_:)``, ``closeWith(_:reason:now:)`` or
        /// ``startClose(_:reason:now:)``.
        case take(WebSocketFrame)
        /// Schedule the timer at this deadline; report it with ``timerFired(_:now:)``.
        case schedule(NIODeadline)
        /// Send a ping (an idle peer), then schedule the timer if a deadline is given.
        case ping(schedule: NIODeadline?)
        /// Close the connection now.
        case disconnect
        /// A protocol violation or the peer's close: send a close frame with this code and close
        /// the connection once it is written; schedule the timer if a deadline is given.
        case closeAfterWrite(WebSocketErrorCode, reason: String?, schedule: NIODeadline?)
        /// Start the closing handshake: end the session as `end` says, send a close frame,
        /// schedule the timer if a deadline is given, then `then`.
        case startClose(
            WebSocketErrorCode,
            reason: String?,
            end: SessionEnd,
            schedule: NIODeadline?,
            then: AfterClose
        )
    }

    private enum Phase: Equatable {
        case open
        /// Our close frame is sent: the peer has the close timeout from then.
        case closing(since: NIODeadline)
        /// The connection is gone.
        case closed
    }

    private let timeouts: Timeouts
    private var phase = Phase.open
    /// Messages that arrived while one was being answered (the rest of one socket read); made
    /// on first use, as most sessions never pipeline.
    private var pending: CircularBuffer<WebSocketFrame>?
    private var work: Work?
    /// A read is held back until another message can be taken.
    private var readHeld = false
    /// The peer half-closed: close once the message being answered is.
    private var inputClosed = false
    /// Graceful shutdown: start closing once the message being answered is.
    private var closeWhenIdle = false
    private var lastActive: NIODeadline
    /// When a reply found the socket full; cleared when it drains.
    private var stalledSince: NIODeadline?
    private var nextPing: NIODeadline?
    private var pingSentAt: NIODeadline?
    private var timer = LazyDeadline()

    /// A connection opened at `now`.
    package init(timeouts: Timeouts, now: NIODeadline) {
        self.timeouts = timeouts
        self.lastActive = now
        self.nextPing = timeouts.ping.map { now + $0 }
    }

    /// Whether the next message can be taken now.
    private var canTakeMessage: Bool { phase == .open && work == nil && stalledSince == nil }
    private var isIdle: Bool { canTakeMessage && pending?.isEmpty != false }

    // MARK: Lifecycle

    /// The session is served: the first deadline, if any.
    package mutating func sessionStarted(now: NIODeadline) -> Action {
        schedule(nextDeadline(now: now))
    }

    /// The connection is gone: when its session ends (a running call is to be cancelled).
    package mutating func connectionClosed() -> SessionEnd {
        phase = .closed
        pending = nil
        timer.invalidate()
        return endWork()
    }

    /// The session ends: a timed step's wait is dropped, a running call ends it when it returns.
    private mutating func endWork() -> SessionEnd {
        switch work {
        case nil: return .now
        case .timedStep:
            work = nil
            return .nowAbandoningTimedStep
        case .call: return .whenWorkReturns
        }
    }

    // MARK: Input

    /// The channel asks whether to read.
    package mutating func read() -> Action {
        if phase == .open && !isIdle {
            readHeld = true
            return .none
        }
        return .read
    }

    /// A frame arrived.
    package mutating func frameReceived(_ frame: WebSocketFrame, now: NIODeadline) -> Action {
        guard phase != .closed else { return .none }
        guard !frame.rsv1, !frame.rsv2, !frame.rsv3 else { return fail(.protocolError, now: now) }
        // Any frame shows the peer is there, as its pong would: a client busy sending is not
        // dropped because its pong is still queued behind its messages.
        pingSentAt = nil
        switch frame.opcode {
        case .ping:
            return phase == .open ? .pong(frame.unmaskedData) : .none
        case .pong:
            return .none
        case .text, .binary, .connectionClose:
            guard phase == .open else {
                // Closing: only the peer's close frame matters now.
                return frame.opcode == .connectionClose ? .disconnect : .none
            }
            if isIdle { return .take(frame) }
            if pending == nil { pending = CircularBuffer(initialCapacity: 4) }
            pending?.append(frame)
            return .none
        default:
            return fail(.protocolError, now: now)
        }
    }

    /// The peer half-closed its side.
    package mutating func peerHalfClosed() -> Action {
        inputClosed = true
        return phase != .open || isIdle ? .disconnect : .none
    }

    /// Graceful shutdown: a message being answered is answered first.
    package mutating func shouldQuiesce(now: NIODeadline) -> Action {
        closeWhenIdle = true
        return isIdle ? startClose(.normalClosure, now: now) : .none
    }

    /// The socket takes writes again (`writable`) or not.
    package mutating func writabilityChanged(writable: Bool, now: NIODeadline) -> Action {
        guard writable, stalledSince != nil else { return .none }
        stalledSince = nil
        lastActive = now
        return next(now: now)
    }

    /// What comes next once nothing is being answered: a message that waited, a close asked for
    /// meanwhile, or more input. The handler calls it until it returns `.none` or `.read`.
    package mutating func next(now: NIODeadline) -> Action {
        guard canTakeMessage else { return .none }
        if let frame = pending?.popFirst() { return .take(frame) }
        if closeWhenIdle { return startClose(.normalClosure, now: now) }
        if inputClosed { return .disconnect }
        guard readHeld else { return .none }
        readHeld = false
        return .read
    }

    // MARK: Answers

    /// A reply was written; `writable`: the socket took it.
    package mutating func replied(writable: Bool, now: NIODeadline) -> Action {
        if writable {
            lastActive = now
            return .none
        }
        stalledSince = now
        return schedule(now + timeouts.write)
    }

    /// Answering the message taken goes on in the background.
    package mutating func workStarted(_ work: Work) {
        self.work = work
    }

    /// The running work ended. Returns whether its reply is still wanted (the session is open);
    /// when not, the handler ends the session.
    package mutating func workFinished() -> Bool {
        work = nil
        return phase == .open
    }

    /// Whether a timed step's wait that just ended is still wanted (the connection did not
    /// close meanwhile).
    package var awaitsTimedStep: Bool { work == .timedStep && phase != .closed }

    // MARK: Closing

    /// Starts the closing handshake (the session ended: the client's `close`, capacity, idle,
    /// shutdown).
    package mutating func startClose(_ code: WebSocketErrorCode, reason: String? = nil, now: NIODeadline) -> Action {
        guard phase == .open else { return .none }
        phase = .closing(since: now)
        pending = nil
        // The session is over once its close frame is sent: its slot does not wait for the
        // peer's side of the handshake (a running answer ends it when it returns).
        let end = endWork()
        let deadline = schedule(now + timeouts.close).scheduled
        let then: AfterClose
        if inputClosed {
            then = .disconnect
        } else if readHeld {
            readHeld = false
            then = .read
        } else {
            then = .nothing
        }
        return .startClose(code, reason: reason, end: end, schedule: deadline, then: then)
    }

    /// Sends a close frame with `code`, then closes: a protocol violation, or the peer's close.
    package mutating func closeWith(_ code: WebSocketErrorCode, reason: String? = nil, now: NIODeadline) -> Action {
        phase = .closing(since: now)
        pending = nil
        return .closeAfterWrite(code, reason: reason, schedule: schedule(now + timeouts.close).scheduled)
    }

    /// A protocol violation: close with `code` at once.
    package mutating func fail(_ code: WebSocketErrorCode, now: NIODeadline) -> Action {
        guard phase == .open else { return .none }
        return closeWith(code, now: now)
    }

    /// NIO's protocol error handler has sent a close frame and closes the connection.
    package mutating func protocolErrorSent(now: NIODeadline) {
        if phase == .open { phase = .closing(since: now) }
    }

    // MARK: Deadlines

    /// The timer scheduled at `deadline` fired at `now`.
    package mutating func timerFired(_ deadline: NIODeadline, now: NIODeadline) -> Action {
        guard timer.fire(deadline), phase != .closed else { return .none }
        if let stalledSince, now >= stalledSince + timeouts.write {
            // The client has not taken its reply: it cannot keep its slot.
            return .disconnect
        }
        if case .closing(let since) = phase {
            return now >= since + timeouts.close ? .disconnect : schedule(nextDeadline(now: now))
        }
        if let idle = timeouts.idle, isIdle, now >= lastActive + idle {
            // Ends the session at once: the slot is free without waiting for the client's side
            // of the closing handshake.
            return startClose(.normalClosure, reason: "session idle timeout", now: now)
        }
        guard let interval = timeouts.ping else { return schedule(nextDeadline(now: now)) }
        if work != nil || stalledSince != nil {
            // A busy session is not judged: its input is held while it works.
            pingSentAt = nil
            nextPing = now + interval
        } else if let pingSentAt {
            // Two intervals without a frame: one was missed by a live in-process test client
            // whose tasks were starved of CPU, while the loop's timer kept time.
            if now >= pingSentAt + interval * 2 { return closeWith(.goingAway, reason: "Ping timeout", now: now) }
        } else if let nextPing, now >= nextPing {
            pingSentAt = now
            self.nextPing = now + interval
            return .ping(schedule: schedule(nextDeadline(now: now)).scheduled)
        }
        return schedule(nextDeadline(now: now))
    }

    /// The earliest moment a deadline can fall due, if any applies.
    private func nextDeadline(now: NIODeadline) -> NIODeadline? {
        var next: NIODeadline?
        func consider(_ deadline: NIODeadline?) {
            guard let deadline else { return }
            next = next.map { min($0, deadline) } ?? deadline
        }
        consider(stalledSince.map { $0 + timeouts.write })
        switch phase {
        case .closing(let since):
            consider(since + timeouts.close)
        case .open:
            if let interval = timeouts.ping { consider(pingSentAt.map { $0 + interval * 2 } ?? nextPing) }
            // Idle time starts when the session is idle again (nothing running, no reply stuck in
            // the socket, nothing waiting): while it is not, at the earliest now + idle. (From
            // `lastActive` alone, a reply stuck after a long gap asked for a deadline already past,
            // and the loop re-armed its timer without end until the write timeout.)
            if let idle = timeouts.idle { consider(isIdle ? lastActive + idle : now + idle) }
        case .closed:
            return nil
        }
        return next
    }

    /// `.schedule(deadline)` when the timer in flight does not fire by then, else `.none`.
    private mutating func schedule(_ deadline: NIODeadline?) -> Action {
        guard let deadline, phase != .closed, timer.request(deadline) else { return .none }
        return .schedule(deadline)
    }
}

extension WebSocketSessionStateMachine.Action {
    /// The deadline a `.schedule` asks for.
    fileprivate var scheduled: NIODeadline? {
        if case .schedule(let deadline) = self { return deadline }
        return nil
    }
}
