import Synchronization

/// Counts live WebSocket sessions against the process's capacity.
///
/// A slot is taken when a session starts and given back when its socket ends, whatever the
/// reason, so a crashed or vanished client can never leak capacity.
public final class SessionSlots: Sendable {
    public let capacity: Int
    private let active = Mutex(0)

    public init(capacity: Int) {
        self.capacity = capacity
    }

    /// Live sessions right now.
    public var activeCount: Int { active.withLock { $0 } }

    /// Takes a slot, or returns the count that filled the server.
    public func acquire() -> Result<Void, CapacityReached> {
        active.withLock { count in
            guard count < capacity else { return .failure(CapacityReached(active: count, capacity: capacity)) }
            count += 1
            return .success(())
        }
    }

    public func release() {
        active.withLock { count in
            precondition(count > 0, "released more session slots than were acquired")
            count -= 1
        }
    }
}

/// All slots were taken.
public struct CapacityReached: Error, Sendable {
    public let active: Int
    public let capacity: Int
}
