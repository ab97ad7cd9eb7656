import CCurl
import Foundation

/// Carries a task's cancellation to the transfer thread: sets a flag the progress
/// callback and the poll loop read, and wakes the multi handle out of its poll.
///
/// `@unchecked Sendable`: every field is read and written under `lock`, and the
/// multi handle is only woken while attached (the worker detaches it under the
/// same lock before cleaning it up).
final class CurlCancelSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false
    private var multi: UnsafeMutableRawPointer?

    var isCancelled: Bool {
        lock.withLock { cancelled }
    }

    func cancel() {
        lock.withLock {
            cancelled = true
            if let multi { _ = curl_multi_wakeup(multi) }
        }
    }

    /// Returns false when cancellation came first (then nothing is attached).
    func attach(_ handle: UnsafeMutableRawPointer) -> Bool {
        lock.withLock {
            guard !cancelled else { return false }
            multi = handle
            return true
        }
    }

    func detach() {
        lock.withLock { multi = nil }
    }
}
