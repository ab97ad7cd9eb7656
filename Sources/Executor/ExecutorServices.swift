import Foundation
import Kernels
import Logging

/// What the routes work with.
public struct ExecutorServices: Sendable {
    public let kernels: KernelManager
    public let sessions: SessionStore
    public let startedAt: Date
    public let version: String
    /// The output journal; nil when `SPIN_JOURNAL=off`.
    public let journal: JournalStore?

    public init(kernels: KernelManager, sessions: SessionStore, version: String, journal: JournalStore? = nil) {
        self.kernels = kernels
        self.journal = journal
        self.sessions = sessions
        self.startedAt = Date()
        self.version = version
    }
}
