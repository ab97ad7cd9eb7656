import Foundation

/// A kernel as Jupyter Server's REST API shows it.
public struct KernelModel: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var lastActivity: String
    public var executionState: String
    public var connections: Int

    enum CodingKeys: String, CodingKey {
        case id, name, connections
        case lastActivity = "last_activity", executionState = "execution_state"
    }
}
