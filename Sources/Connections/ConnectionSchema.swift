import Foundation
import JupyterProtocol

/// The fields each connection type takes (SPEC §6) and their checks.
public enum ConnectionSchema {
    enum Kind: Sendable {
        case text(maxBytes: Int)
        case port
        case choice([String])
        case headers
    }

    struct Field: Sendable {
        let name: String
        let kind: Kind
        var secret = false
    }

    static let postgresSSLModes = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]

    static func fields(for type: ConnectionType) -> [Field] {
        switch type {
        case .postgres:
            [
                Field(name: "url", kind: .text(maxBytes: 4096)), Field(name: "host", kind: .text(maxBytes: 1024)),
                Field(name: "port", kind: .port), Field(name: "user", kind: .text(maxBytes: 256)),
                Field(name: "password", kind: .text(maxBytes: 4096), secret: true),
                Field(name: "database", kind: .text(maxBytes: 256)),
                Field(name: "sslmode", kind: .choice(postgresSSLModes)),
            ]
        case .sqlite:
            [Field(name: "path", kind: .text(maxBytes: 4096))]
        case .ssh:
            [
                Field(name: "host", kind: .text(maxBytes: 1024)), Field(name: "port", kind: .port),
                Field(name: "username", kind: .text(maxBytes: 256)),
                Field(name: "private_key", kind: .text(maxBytes: 32768), secret: true),
                Field(name: "passphrase", kind: .text(maxBytes: 4096), secret: true),
                Field(name: "host_key_fingerprint", kind: .text(maxBytes: 128)),
            ]
        case .http:
            [Field(name: "base_url", kind: .text(maxBytes: 4096)), Field(name: "headers", kind: .headers)]
        }
    }

    /// Fields a client may send back unchanged from a GET; they are ignored.
    static let echoed: Set<String> = ["name", "type", "secrets_set", "builtin"]

    /// Checks a PUT body and makes the connection to store. Secrets absent
    /// from the body keep their stored value (they are write-only, so a
    /// client cannot send them back); `null` removes one.
    public static func validate(
        name: String, body: [String: JSONValue], existing: Connection?
    ) throws(ConnectionError) -> Connection {
        try ConnectionName.validate(name)
        if name == ConnectionName.local {
            throw ConnectionError(.conflict, "builtin_connection", "'local' is built in (shell in the runtime) and cannot be changed.")
        }
        guard let typeName = body["type"]?.stringValue else {
            throw ConnectionError.field("type", "required: one of \(ConnectionType.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        guard let type = ConnectionType(rawValue: typeName) else {
            throw ConnectionError.field("type", "'\(typeName.prefix(32))' is not a connection type: use one of \(ConnectionType.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        if name == ConnectionName.runtimeHost, type != .ssh {
            throw ConnectionError.field("type", "'runtime-host' is the Host SSH Access connection and must be of type ssh.")
        }
        if let given = body["name"], given != .string(name) {
            throw ConnectionError.field("name", "does not match the name in the URL.")
        }
        let known = fields(for: type)
        var connection = Connection(name: name, type: type, fields: [:], secrets: existing?.type == type ? existing!.secrets : [:])
        for (key, value) in body where !echoed.contains(key) {
            guard let field = known.first(where: { $0.name == key }) else {
                throw ConnectionError.field(
                    String(key.prefix(64)),
                    "unknown for a \(type.rawValue) connection; known fields: \(known.map(\.name).joined(separator: ", "))."
                )
            }
            try apply(field, value, to: &connection)
        }
        try ConnectionRules.normalize(&connection)
        return connection
    }

    private static func apply(_ field: Field, _ value: JSONValue, to connection: inout Connection) throws(ConnectionError) {
        if value == .null {
            if field.secret { connection.secrets[field.name] = nil }
            return
        }
        let checked = try check(field, value)
        if field.secret, let text = checked.stringValue {
            connection.secrets[field.name] = text
        } else {
            connection.fields[field.name] = checked
        }
    }

    static func check(_ field: Field, _ value: JSONValue) throws(ConnectionError) -> JSONValue {
        switch field.kind {
        case .text(let maxBytes):
            guard let text = value.stringValue else { throw ConnectionError.field(field.name, "must be a string.") }
            guard text.utf8.count <= maxBytes else { throw ConnectionError.field(field.name, "is longer than \(maxBytes) bytes.") }
            guard !text.utf8.contains(0) else { throw ConnectionError.field(field.name, "must not contain NUL characters.") }
            return value
        case .port:
            if isPlaceholder(value) { return value }
            guard let port = value.intValue, (1...65535).contains(port) else {
                throw ConnectionError.field(field.name, "must be a whole number from 1 to 65535, or a {{runtime_env:NAME}} placeholder.")
            }
            return .int(port)
        case .choice(let options):
            guard let text = value.stringValue, options.contains(text) || isPlaceholder(value) else {
                throw ConnectionError.field(field.name, "must be one of \(options.joined(separator: ", ")), or a {{runtime_env:NAME}} placeholder.")
            }
            return value
        case .headers:
            return try HeaderFields.check(value, field: field.name)
        }
    }

    /// A string made of `{{runtime_env:NAME}}` placeholders (and text around them), for a
    /// field that is not text: checked once it is resolved (`settleResolved`).
    static func isPlaceholder(_ value: JSONValue) -> Bool {
        guard let text = value.stringValue, text.utf8.count <= 1024, !text.utf8.contains(0) else { return false }
        return !RuntimeEnvTemplate.names(in: text).isEmpty
    }

    /// After placeholders were resolved: a port given as one becomes a number and a
    /// choice must be one of its words. The message names the field and its placeholder,
    /// never the value (an environment variable may hold a secret).
    static func settleResolved(_ resolved: inout Connection, stored: Connection) throws(RuntimeEnvTemplate.Failure) {
        for field in fields(for: resolved.type) {
            guard case .string(let raw)? = resolved.fields[field.name], let template = stored.string(field.name) else { continue }
            let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            switch field.kind {
            case .port:
                guard let port = Int(text), (1...65535).contains(port) else {
                    throw badValue(field, template, "a whole number from 1 to 65535")
                }
                resolved.fields[field.name] = .int(Int64(port))
            case .choice(let options):
                guard options.contains(text) else { throw badValue(field, template, "one of \(options.joined(separator: ", "))") }
                resolved.fields[field.name] = .string(text)
            case .text where resolved.type == .postgres && field.name == "url" && isPlaceholder(.string(template)):
                resolved.fields[field.name] = .string(text)
                try settlePostgresURL(text, field, template)
            case .text, .headers:
                continue
            }
        }
    }

    /// A Postgres URL that came from the environment: the same checks a stored one gets
    /// at PUT, and an `sslmode` in its query must be one of the six (a typo would
    /// otherwise connect unverified).
    private static func settlePostgresURL(_ url: String, _ field: Field, _ template: String) throws(RuntimeEnvTemplate.Failure) {
        guard PostgresURL.hasScheme(url), let parsed = PostgresURL.parse(url) else {
            throw badValue(field, template, "a postgres:// or postgresql:// URL")
        }
        if let mode = parsed.query["sslmode"], !postgresSSLModes.contains(mode) {
            throw badValue(field, template, "a URL whose sslmode is one of \(postgresSSLModes.joined(separator: ", "))")
        }
    }

    private static func badValue(_ field: Field, _ template: String, _ wanted: String) -> RuntimeEnvTemplate.Failure {
        RuntimeEnvTemplate.Failure(
            code: .badValue,
            message: "'\(field.name)' is '\(template.prefix(128))', and that variable's value is not \(wanted)."
        )
    }
}
