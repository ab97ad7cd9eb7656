import Foundation
import JupyterProtocol

/// The connections of this runtime, kept under `$SPIN_HOME/var/connections`:
/// `connections.json` for fields and `secrets.json` for secrets, both mode
/// 0600 in a 0700 folder, each with a schema version (SPEC §6, §7).
public actor ConnectionStore {
    public static let schema = 1

    public nonisolated let folder: String
    private var connections: [String: Connection]

    /// Opens (or creates) the store; refuses files written by a newer runtime.
    public init(folder: String) throws(ConnectionError) {
        self.folder = folder
        try SecureFile.makeFolder(folder)
        self.connections = try StoredConnections.load(folder: folder)
    }

    public func list() -> [Connection] {
        connections.values.sorted { $0.name < $1.name }
    }

    public func get(_ name: String) throws(ConnectionError) -> Connection {
        guard let connection = connections[name] else {
            throw ConnectionError(.notFound, "no_such_connection", "There is no connection named '\(name.prefix(64))'.")
        }
        return connection
    }

    /// Creates or replaces a connection; returns it and whether it is new.
    public func put(name: String, body: [String: JSONValue]) throws(ConnectionError) -> (Connection, created: Bool) {
        let existing = connections[name]
        let connection = try ConnectionSchema.validate(name: name, body: body, existing: existing)
        var updated = connections
        updated[name] = connection
        try StoredConnections.save(updated, folder: folder)
        connections = updated
        return (connection, existing == nil)
    }

    public func delete(_ name: String) throws(ConnectionError) {
        if name == ConnectionName.local {
            throw ConnectionError(.conflict, "builtin_connection", "'local' is built in and cannot be deleted.")
        }
        guard connections[name] != nil else {
            throw ConnectionError(.notFound, "no_such_connection", "There is no connection named '\(name.prefix(64))'.")
        }
        var updated = connections
        updated[name] = nil
        try StoredConnections.save(updated, folder: folder)
        connections = updated
    }

    /// Pins an SSH host key seen on first use, unless one is pinned already.
    public func pinHostKey(_ fingerprint: String, for name: String) throws(ConnectionError) {
        guard var connection = connections[name], connection.type == .ssh,
            connection.string("host_key_fingerprint") == nil
        else { return }
        connection.fields["host_key_fingerprint"] = .string(fingerprint)
        var updated = connections
        updated[name] = connection
        try StoredConnections.save(updated, folder: folder)
        connections = updated
    }
}
