import NIOCore

/// A task executor that runs jobs on one NIO event loop.
///
/// A connection's handling (`ExecutorChildChannel.handle`) prefers its channel's loop:
/// a request read on the loop is answered on it, instead of waking a thread of Swift's
/// global pool for the responder and the loop again for the answer.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        self.eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
