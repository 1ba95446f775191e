import EnvProtocol
import Foundation
import Synchronization

/// The sessions created over HTTP with `openenv/session/create`, and the ids of sockets that
/// own their session (PROTOCOL-0.10.md rows 5–6).
///
/// An HTTP-created session holds a capacity slot from `create` until it is closed, reaped, or —
/// when closed while a socket is attached — until that socket detaches. It can be attached to
/// by one socket at a time, taking no further slot. Unlike the reference (§4.1), a session a
/// `/ws` connection owns can never be attached to: two sockets never drive one environment, and
/// no socket drives an environment whose slot was freed.
final class MCPSessions: Sendable {
    private struct Entry {
        let environment: SharedEnvironment
        var attached = false
        var closing = false
        var lastActive = ContinuousClock.now
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var socketOwned: Set<String> = []
    }

    private let state = Mutex(State())
    let slots: SessionSlots
    /// Unattached sessions idle this long are reaped (`SESSION_TIMEOUT`).
    let idleTimeout: Duration?

    init(slots: SessionSlots, idleTimeout: Duration?) {
        self.slots = slots
        self.idleTimeout = idleTimeout
    }

    /// Creates a session holding one capacity slot.
    func create(_ environment: SharedEnvironment) -> Result<String, CapacityReached> {
        if case .failure = slots.acquire() {
            reapIdle()
            if case .failure(let full) = slots.acquire() { return .failure(full) }
        }
        let id = UUID().uuidString.lowercased()
        state.withLock { $0.entries[id] = Entry(environment: environment) }
        return .success(id)
    }

    enum CloseOutcome: Equatable {
        case unknown, closed, closing
    }

    /// Closes a session; one with an attached socket is marked closing and ends when it detaches.
    func close(_ id: String) -> CloseOutcome {
        reapIdle()
        let outcome = state.withLock { state -> CloseOutcome in
            guard var entry = state.entries[id] else { return .unknown }
            if entry.attached {
                entry.closing = true
                state.entries[id] = entry
                return .closing
            }
            state.entries[id] = nil
            return .closed
        }
        if outcome == .closed { slots.release() }
        return outcome
    }

    /// The environment of a live session, for HTTP `tools/*` calls; counts as activity.
    func environment(_ id: String) -> SharedEnvironment? {
        reapIdle()
        return state.withLock { state in
            state.entries[id]?.lastActive = .now
            return state.entries[id]?.environment
        }
    }

    enum AttachOutcome {
        case attached(SharedEnvironment)
        case unknown, alreadyAttached, ownedBySocket
    }

    func attach(_ id: String) -> AttachOutcome {
        reapIdle()
        return state.withLock { state in
            if state.socketOwned.contains(id) { return .ownedBySocket }
            guard var entry = state.entries[id], !entry.closing else { return .unknown }
            guard !entry.attached else { return .alreadyAttached }
            entry.attached = true
            state.entries[id] = entry
            return .attached(entry.environment)
        }
    }

    /// The socket attached to `id` has gone: the session lives on, unless it was closed meanwhile.
    func detach(_ id: String) {
        let ended = state.withLock { state -> Bool in
            guard var entry = state.entries[id] else { return false }
            if entry.closing {
                state.entries[id] = nil
                return true
            }
            entry.attached = false
            entry.lastActive = .now
            state.entries[id] = entry
            return false
        }
        if ended { slots.release() }
    }

    /// Whether `id` is a live HTTP-created session with a socket attached.
    func isAttached(_ id: String) -> Bool {
        state.withLock { $0.entries[id]?.attached ?? false }
    }

    /// Records the id a `/ws` connection learned for its own session (WS `openenv/session/create`).
    func registerSocketOwned(_ id: String) {
        state.withLock { _ = $0.socketOwned.insert(id) }
    }

    func unregisterSocketOwned(_ id: String) {
        state.withLock { _ = $0.socketOwned.remove(id) }
    }

    /// Frees the slots of unattached sessions idle longer than ``idleTimeout``. Runs whenever the
    /// sessions are used or a slot is needed, so an idle session's slot is back before anyone
    /// could be refused for it; attached sessions are never reaped, as in the reference.
    func reapIdle() {
        guard let idleTimeout else { return }
        let now = ContinuousClock.now
        let reaped = state.withLock { state -> Int in
            let idle = state.entries.filter { !$0.value.attached && now - $0.value.lastActive > idleTimeout }.map(\.key)
            for id in idle { state.entries[id] = nil }
            return idle.count
        }
        for _ in 0..<reaped { slots.release() }
    }
}
