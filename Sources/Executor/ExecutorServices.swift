import Foundation
import Kernels
import Logging

/// What the routes work with.
public struct ExecutorServices: Sendable {
    public let kernels: KernelManager
    public let sessions: SessionStore
    public let startedAt: Date
    public let version: String

    public init(kernels: KernelManager, sessions: SessionStore, version: String) {
        self.kernels = kernels
        self.sessions = sessions
        self.startedAt = Date()
        self.version = version
    }
}
