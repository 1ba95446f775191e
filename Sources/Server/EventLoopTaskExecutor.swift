import NIOCore

/// Runs tasks that prefer it on one event loop, so a session's environment code runs on its
/// connection's loop: a step that is answered at once, or resumes after a wait, costs no hand-off
/// to Swift's global pool and back.
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
