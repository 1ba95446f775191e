import BenchResults
import NIOCore
import Synchronization

/// The rows of one run's WebSocket sessions, in slots allocated up front, and the sessions
/// still in flight, so an interrupted run can end them: every started session leaves exactly
/// one row, a session the run never started leaves none.
final class SessionRows: Sendable {
    private struct State {
        var rows: [SessionResult?]
        var live: [NIOLoopBound<WebSocketSession>?]
        /// Slots neither finished nor given up.
        var pending: Int
        var interrupted = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state: Mutex<State>

    init(count: Int) {
        state = Mutex(State(rows: Array(repeating: nil, count: count), live: Array(repeating: nil, count: count), pending: count))
    }

    /// Session `index` is starting; `false` (and its slot given up) when the run was interrupted.
    func starting(_ index: Int, _ session: NIOLoopBound<WebSocketSession>) -> Bool {
        let (started, waiter) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
            guard !state.interrupted else { return (false, Self.giveUp(1, &state)) }
            state.live[index] = session
            return (true, nil)
        }
        waiter?.resume()
        return started
    }

    /// Session `index` ended with `row`.
    func finished(_ index: Int, _ row: SessionResult) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.rows[index] = row
            state.live[index] = nil
            return Self.giveUp(1, &state)
        }
        waiter?.resume()
    }

    /// `count` slots will never start (the run was interrupted before them).
    func skipped(_ count: Int) {
        state.withLock { Self.giveUp(count, &$0) }?.resume()
    }

    /// Ends every session in flight as `Interrupted`, and starts no more.
    func interrupt() {
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

    /// Returns once every slot has finished or been given up.
    func wait() async {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state in
                if state.pending == 0 { return true }
                state.waiter = continuation
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// The rows of the sessions that started, in slot order.
    var results: [SessionResult] {
        state.withLock { $0.rows.compactMap { $0 } }
    }

    private static func giveUp(_ count: Int, _ state: inout State) -> CheckedContinuation<Void, Never>? {
        state.pending -= count
        guard state.pending == 0 else { return nil }
        defer { state.waiter = nil }
        return state.waiter
    }
}
