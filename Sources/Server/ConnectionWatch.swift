import EnvProtocol
import NIOCore
import Synchronization

/// Ties a session's work to its TCP connection, so a client that vanishes, stops reading or
/// goes idle cannot hold a capacity slot for longer than the server chooses.
///
/// - A client that resets its connection mid-step (or whose connection is otherwise closed)
///   cancels the step at once instead of after its `wait_seconds` (PROTOCOL.md §5 case 47).
/// - A reply the client does not read within the write timeout
///   (``ServerConfiguration/replyWriteTimeout``) closes the connection. Replies already wait for
///   the socket (the outbound writer suspends while the channel is not writable), so a
///   non-reading client costs at most the socket buffers; the deadline makes sure it does not
///   also keep its slot forever.
/// - With an idle limit (``ServerConfiguration/sessionTimeout``), a session that has answered
///   nothing for that long is closed (`SESSION_TIMEOUT`); one working on a message is busy,
///   not idle.
///
/// Both deadlines are one timer on the connection's event loop, armed once per session and
/// re-armed from the loop for the next moment one could fall due: a reply only takes a lock,
/// where a deadline scheduled and cancelled per reply (or a sleeping task per session) costs
/// thread hand-offs between Swift's pool and the event loop.
final class ConnectionWatch: Sendable {
    private struct State {
        /// When the reply being written started; `nil` while none is.
        var writeStarted: NIODeadline?
        /// Whether a message is being answered.
        var busy = false
        var lastActive = NIODeadline.now()
        /// Set once the idle limit has passed, so the session is closed only once.
        var idleReaped = false
        /// Set once the session's work has ended or the connection closed: nothing more to watch.
        var finished = false
        var timer: Scheduled<Void>?
        var cancelWork: (@Sendable () -> Void)?
    }

    let channel: any Channel
    private let writeTimeout: TimeAmount
    private let idleTimeout: TimeAmount?
    /// Closes the session when the idle limit has passed.
    private let onIdle: @Sendable () async -> Void
    private let state = Mutex(State())

    /// - Parameters:
    ///   - writeTimeout: how long one reply may take to be written.
    ///   - idleTimeout: close the session after this long without a message; `nil` never.
    ///   - onIdle: closes the session (with its close code and reason); the work is cancelled after it.
    init(
        channel: any Channel, writeTimeout: Duration, idleTimeout: Duration? = nil,
        onIdle: @escaping @Sendable () async -> Void = {}
    ) {
        self.channel = channel
        self.writeTimeout = .nanoseconds(writeTimeout.nanoseconds)
        self.idleTimeout = idleTimeout.map { .nanoseconds($0.nanoseconds) }
        self.onIdle = onIdle
    }

    /// Runs `body` in a task that is cancelled when the connection closes (or the session is
    /// reaped as idle), watching the deadlines while it runs.
    func run<Result: Sendable>(_ body: sending @escaping @isolated(any) () async -> Result) async -> Result {
        let work = Task(operation: body)
        state.withLock { $0.cancelWork = { work.cancel() } }
        // One hand-off to the loop for the whole session: the close callback and the timer are
        // set up there, so neither costs another.
        channel.eventLoop.execute { [self] in
            channel.closeFuture.whenComplete { _ in self.connectionClosed() }
            check()
        }
        let result = await withTaskCancellationHandler {
            await work.value
        } onCancel: {
            work.cancel()
        }
        // The timer goes with the connection (on the loop, no hand-off); until then it does nothing.
        state.withLock { $0.finished = true }
        return result
    }

    /// A message is being answered: the session is busy, not idle.
    func begin() {
        state.withLock { $0.busy = true }
    }

    /// The message's reply is written: the idle time starts now.
    func end() {
        state.withLock {
            $0.busy = false
            $0.lastActive = .now()
        }
    }

    /// Runs `write`, closing the connection if it has not completed within the write timeout.
    func withDeadline<Result>(_ write: () async throws -> Result) async throws -> Result {
        state.withLock { $0.writeStarted = .now() }
        defer { state.withLock { $0.writeStarted = nil } }
        return try await write()
    }

    /// What the timer found due.
    private enum Due {
        case write
        case idle(cancelWork: (@Sendable () -> Void)?, next: NIODeadline)
        case nothing(next: NIODeadline)
        case finished
    }

    /// On the event loop: acts on a deadline that has passed, then re-arms for the next one.
    private func check() {
        let now = NIODeadline.now()
        let due: Due = state.withLock { state in
            guard !state.finished else { return .finished }
            // A write can start at any moment; one that has started is due at its deadline.
            var next = (state.writeStarted ?? now) + writeTimeout
            if state.writeStarted.map({ now >= $0 + writeTimeout }) == true { return .write }
            guard let idleTimeout, !state.idleReaped else { return .nothing(next: next) }
            if state.busy {
                // Idle time starts when the message is answered, at the earliest now.
                next = min(next, now + idleTimeout)
                return .nothing(next: next)
            }
            let idleDeadline = state.lastActive + idleTimeout
            guard now >= idleDeadline else { return .nothing(next: min(next, idleDeadline)) }
            state.idleReaped = true
            return .idle(cancelWork: state.cancelWork, next: next)
        }
        let next: NIODeadline
        switch due {
        case .finished:
            return
        case .write:
            channel.close(promise: nil)
            return
        case .idle(let cancelWork, let deadline):
            // Reaping ends the session at once: the slot is free without waiting for the
            // client's side of the closing handshake.
            Task { [onIdle] in
                await onIdle()
                cancelWork?()
            }
            next = deadline
        case .nothing(let deadline):
            next = deadline
        }
        let timer = channel.eventLoop.scheduleTask(deadline: next) { self.check() }
        state.withLock { $0.timer = timer }
    }

    /// On the event loop: the connection is gone, so is the work and the timer.
    private func connectionClosed() {
        let (timer, cancelWork) = state.withLock { state in
            state.finished = true
            return (state.timer, state.cancelWork)
        }
        timer?.cancel()
        cancelWork?()
    }
}
