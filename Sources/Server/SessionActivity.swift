import HummingbirdWebSocket
import Synchronization

/// When a session last did something, so an idle one can be closed (`SESSION_TIMEOUT`).
///
/// A session that is working on a message (e.g. a long step) is busy, not idle.
final class SessionActivity: Sendable {
    private struct State {
        var lastActive = ContinuousClock.now
        var busy = false
    }

    private let state = Mutex(State())

    func begin() {
        state.withLock { $0.busy = true }
    }

    func end() {
        state.withLock {
            $0.busy = false
            $0.lastActive = .now
        }
    }

    /// Sleeps until the session has been idle for `limit`, then closes it. Ends on cancellation.
    func closeWhenIdle(longerThan limit: Duration, outbound: WebSocketOutboundWriter) async {
        while !Task.isCancelled {
            let (busy, idleSince) = state.withLock { ($0.busy, $0.lastActive) }
            let deadline = idleSince + limit
            if !busy && ContinuousClock.now >= deadline {
                try? await outbound.close(.normalClosure, reason: "session idle timeout")
                return
            }
            do {
                try await Task.sleep(until: busy ? .now + limit : deadline)
            } catch {
                return
            }
        }
    }
}
