import Foundation
import JupyterProtocol

/// Jupyter Server's sessions: a notebook path bound to a kernel.
public actor SessionStore {
    public struct Session: Sendable, Hashable {
        public var id: String
        public var path: String
        public var name: String
        public var type: String
        public var kernelID: String
    }

    private var sessions: [String: Session] = [:]

    public init() {}

    public func list() -> [Session] {
        sessions.values.sorted { $0.id < $1.id }
    }

    public func get(_ id: String) -> Session? { sessions[id] }

    public func find(path: String) -> Session? {
        sessions.values.first { $0.path == path }
    }

    public func create(path: String, name: String, type: String, kernelID: String) -> Session {
        let session = Session(id: MessageFactory.newID(), path: path, name: name, type: type, kernelID: kernelID)
        sessions[session.id] = session
        return session
    }

    public func update(_ session: Session) {
        sessions[session.id] = session
    }

    @discardableResult
    public func remove(_ id: String) -> Session? {
        sessions.removeValue(forKey: id)
    }

    /// Sessions whose kernel is gone are removed, as Jupyter Server does.
    public func prune(keeping kernelIDs: Set<String>) {
        sessions = sessions.filter { kernelIDs.contains($0.value.kernelID) }
    }
}
