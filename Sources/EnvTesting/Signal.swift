import Synchronization

/// A one-shot broadcast between a test's tasks: every waiter resumes once ``fire()`` is called
/// (or when its task is cancelled, so a failed test never leaves waiters behind).
public final class Signal: Sendable {
    private let fired = Mutex(false)

    public init() {}

    public func fire() {
        fired.withLock { $0 = true }
    }

    public func wait() async {
        while !fired.withLock({ $0 }), !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
