/// The kinds of connection a cell can name (SPEC §6).
public enum ConnectionType: String, Sendable, CaseIterable, Codable {
    case postgres, sqlite, ssh, http

    /// Fields whose values are write-only.
    public var secretFields: Set<String> {
        switch self {
        case .postgres: ["password"]
        case .ssh: ["private_key", "passphrase"]
        case .sqlite, .http: []
        }
    }
}
