import JupyterProtocol

/// A stored connection: its public fields and its write-only secrets.
public struct Connection: Sendable, Equatable {
    public let name: String
    public let type: ConnectionType
    /// Non-secret fields, as given (templates unresolved).
    public var fields: [String: JSONValue]
    /// Secret fields (`password`, `private_key`, `passphrase`), never returned.
    public var secrets: [String: String]

    public init(name: String, type: ConnectionType, fields: [String: JSONValue], secrets: [String: String]) {
        self.name = name
        self.type = type
        self.fields = fields
        self.secrets = secrets
    }

    /// What the API shows: the fields, `name`, `type` and which secrets are set.
    public var publicView: JSONValue {
        var object = fields
        object["name"] = .string(name)
        object["type"] = .string(type.rawValue)
        object["secrets_set"] = .array(secrets.keys.sorted().map(JSONValue.string))
        return .object(object)
    }

    /// A string field, or nil.
    public func string(_ key: String) -> String? {
        fields[key]?.stringValue
    }
}

/// The built-in `local` connection as the API lists it.
public enum LocalConnection {
    public static let publicView: JSONValue = [
        "name": "local", "type": "local", "builtin": true, "secrets_set": [],
    ]
}
