import NIOCore
import NIOPosix

/// Runs tasks that prefer it on one event loop: a task working with one connection (its
/// session's environment code, the listener's task that awaits the connection's futures) then
/// resumes on that connection's loop, with no hand-off to Swift's global pool and back.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

extension EventLoopTaskExecutor {
    private static let perThread = ThreadSpecificVariable<EventLoopTaskExecutor>()

    /// The executor of `loop`, made once per loop thread and shared by all its connections (one
    /// allocation per thread, not per session). Call it on `loop`.
    static func shared(by loop: any EventLoop) -> EventLoopTaskExecutor {
        if let executor = perThread.currentValue, executor.eventLoop === loop { return executor }
        let executor = EventLoopTaskExecutor(loop)
        perThread.currentValue = executor
        return executor
    }
}
