package import BenchResults
import NIOCore
import Synchronization

/// The rows of one run's sessions, a slot each, and the sessions still in flight, so an
/// interrupted run can end them: every started session leaves exactly one row, a session the
/// run never started leaves none.
///
/// A run first reserves the sessions it means to start (a burst's N), so it is not over
/// before they all started; refills start unreserved, before the session they replace ends.
package final class SessionRows: Sendable {
    private struct State {
        var rows: [SessionResult?] = []
        var live: [NIOLoopBound<LoadSessionHandler>?] = []
        /// Sessions reserved but not started, plus sessions started but not finished.
        var pending = 0
        var interrupted = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    package init() {}

    /// The run will start (or skip) `count` more sessions: their slots are allocated now, not
    /// grown while the sessions start.
    package func reserve(_ count: Int) {
        state.withLock { state in
            state.pending += count
            state.rows.reserveCapacity(state.rows.count + count)
            state.live.reserveCapacity(state.live.count + count)
        }
    }

    /// Gives a new session a slot and records it as live; `nil` (and its reservation given
    /// up) when the run was interrupted.
    func start(
        reserved: Bool,
        _ make: (_ slot: Int) -> NIOLoopBound<LoadSessionHandler>
    ) -> NIOLoopBound<LoadSessionHandler>? {
        let (session, waiter) = state.withLock { state -> (NIOLoopBound<LoadSessionHandler>?, CheckedContinuation<Void, Never>?) in
            guard !state.interrupted else { return (nil, reserved ? Self.giveUp(1, &state) : nil) }
            if !reserved { state.pending += 1 }
            let session = make(state.rows.count)
            state.rows.append(nil)
            state.live.append(session)
            return (session, nil)
        }
        waiter?.resume()
        return session
    }

    /// The session in `slot` ended with `row`.
    func finished(_ slot: Int, _ row: SessionResult) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.rows[slot] = row
            state.live[slot] = nil
            return Self.giveUp(1, &state)
        }
        waiter?.resume()
    }

    /// `count` reserved sessions will never start (the run was interrupted before them).
    func skipped(_ count: Int) {
        state.withLock { Self.giveUp(count, &$0) }?.resume()
    }

    /// Ends every session in flight as `Interrupted`, and starts no more.
    package func interrupt() {
        let live = state.withLock { state in
            state.interrupted = true
            return state.live.compactMap { $0 }
        }
        for session in live {
            session.eventLoop.execute { session.value.interrupt() }
        }
    }

    /// Whether ``interrupt()`` was called.
    var isInterrupted: Bool {
        state.withLock { $0.interrupted }
    }

    /// Returns once every reserved session has finished or been given up, and no other is live.
    package func wait() async {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state in
                if state.pending == 0 { return true }
                state.waiter = continuation
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// The rows of the sessions that started, in request order.
    package var results: [SessionResult] {
        state.withLock { $0.rows.compactMap { $0 } }.sorted { $0.requestID < $1.requestID }
    }

    private static func giveUp(_ count: Int, _ state: inout State) -> CheckedContinuation<Void, Never>? {
        state.pending -= count
        guard state.pending == 0 else { return nil }
        defer { state.waiter = nil }
        return state.waiter
    }
}
