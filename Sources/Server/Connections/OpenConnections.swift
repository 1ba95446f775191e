import Synchronization

/// The connections one process holds, against ``ConnectionLimits/maxConnections``: admitted
/// when accepted, released when closed. Refused connections that are still being answered have
/// a small budget of their own, so a flood of refusals cannot use up the descriptors the cap
/// leaves free.
final class OpenConnections: Sendable {
    let limit: Int
    /// Refused connections kept open while their 503 is read; beyond these a refusal is a close.
    let answeringLimit: Int
    private let count = Atomic<Int>(0)
    private let answering = Atomic<Int>(0)

    init(limit: Int, answeringLimit: Int = ConnectionLimits.reservedDescriptors / 2) {
        self.limit = limit
        self.answeringLimit = answeringLimit
    }

    /// Takes a place for a new connection; `false` (and nothing taken) when all are held.
    func admit() -> Bool {
        Self.take(count, below: limit)
    }

    func release() {
        count.subtract(1, ordering: .relaxed)
    }

    /// Takes a place for answering a refused connection; `false` when none is left.
    func beginAnswering() -> Bool {
        Self.take(answering, below: answeringLimit)
    }

    func endAnswering() {
        answering.subtract(1, ordering: .relaxed)
    }

    var current: Int { count.load(ordering: .relaxed) }

    private static func take(_ counter: borrowing Atomic<Int>, below limit: Int) -> Bool {
        var current = counter.load(ordering: .relaxed)
        while current < limit {
            let (exchanged, original) = counter.compareExchange(expected: current, desired: current + 1, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
        return false
    }
}
