import CellProcessors
import Connections
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
    /// The connections store and its `/test` probe; nil only in tests of other parts.
    public let connections: ConnectionStore?
    public let connectionTester: ConnectionTester?

    public init(
        kernels: KernelManager, sessions: SessionStore, version: String, journal: JournalStore? = nil,
        connections: ConnectionStore? = nil, connectionTester: ConnectionTester? = nil
    ) {
        self.kernels = kernels
        self.connections = connections
        self.connectionTester = connectionTester
        self.journal = journal
        self.sessions = sessions
        self.startedAt = Date()
        self.version = version
    }
}
