import Foundation
import JupyterProtocol

/// The on-disk form of the connection store.
enum StoredConnections {
    static func fieldsPath(_ folder: String) -> String { "\(folder)/connections.json" }
    static func secretsPath(_ folder: String) -> String { "\(folder)/secrets.json" }

    static func load(folder: String) throws(ConnectionError) -> [String: Connection] {
        guard let fieldsFile = try document(fieldsPath(folder)) else { return [:] }
        let secretsFile = try document(secretsPath(folder)) ?? [:]
        let secrets = secretsFile["secrets"]?.objectValue ?? [:]
        var result: [String: Connection] = [:]
        for (name, entry) in fieldsFile["connections"]?.objectValue ?? [:] {
            guard let typeName = entry["type"]?.stringValue, let type = ConnectionType(rawValue: typeName) else {
                throw unreadable(fieldsPath(folder))
            }
            let stored = secrets[name]?.objectValue ?? [:]
            result[name] = Connection(
                name: name, type: type, fields: entry["fields"]?.objectValue ?? [:],
                secrets: stored.compactMapValues(\.stringValue)
            )
        }
        return result
    }

    /// Secrets first: a crash between the two writes leaves extra secrets
    /// (ignored), never a connection whose secrets are missing.
    static func save(_ connections: [String: Connection], folder: String) throws(ConnectionError) {
        var secrets: [String: JSONValue] = [:]
        var entries: [String: JSONValue] = [:]
        for (name, connection) in connections {
            entries[name] = ["type": .string(connection.type.rawValue), "fields": .object(connection.fields)]
            if !connection.secrets.isEmpty { secrets[name] = .object(connection.secrets.mapValues(JSONValue.string)) }
        }
        let schema = JSONValue.int(Int64(ConnectionStore.schema))
        try SecureFile.write(JSONCoding.encode(JSONValue.object(["schema": schema, "secrets": .object(secrets)])), to: secretsPath(folder))
        try SecureFile.write(JSONCoding.encode(JSONValue.object(["schema": schema, "connections": .object(entries)])), to: fieldsPath(folder))
    }

    private static func document(_ path: String) throws(ConnectionError) -> [String: JSONValue]? {
        guard let bytes = SecureFile.read(path) else { return nil }
        guard let object = try? JSONCoding.object(from: bytes) else { throw unreadable(path) }
        let schema = object["schema"]?.intValue ?? 0
        if schema > Int64(ConnectionStore.schema) {
            throw ConnectionError(
                .storage, "state_too_new",
                "\(path) was written by a newer runtime (connections schema \(schema)); this runtime reads schema \(ConnectionStore.schema). Run the newer image."
            )
        }
        return object
    }

    private static func unreadable(_ path: String) -> ConnectionError {
        ConnectionError(.storage, "state_unreadable", "\(path) is not a connection store this runtime can read; restore it from a backup or move it aside.")
    }
}
