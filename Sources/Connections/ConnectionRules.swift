import Foundation
import JupyterProtocol

/// Rules across fields of one connection, applied after each field passed
/// its own check.
enum ConnectionRules {
    static func normalize(_ connection: inout Connection) throws(ConnectionError) {
        switch connection.type {
        case .postgres: try postgres(&connection)
        case .sqlite: try sqlite(connection)
        case .ssh: try ssh(connection)
        case .http: try http(connection)
        }
    }

    private static func postgres(_ connection: inout Connection) throws(ConnectionError) {
        if let url = connection.string("url") {
            guard PostgresURL.hasScheme(url) || ConnectionSchema.isPlaceholder(.string(url)) else {
                throw ConnectionError.field("url", "must start with postgres:// or postgresql:// (or be a {{runtime_env:NAME}} placeholder).")
            }
            // A password inside the URL is a secret like any other: it moves
            // to `password` so that the URL can be shown.
            let split = PostgresURL.separatePassword(url)
            connection.fields["url"] = .string(split.url)
            if let password = split.password { connection.secrets["password"] = password }
        } else if connection.string("host") == nil {
            throw ConnectionError.field("host", "required when there is no url.")
        }
    }

    private static func sqlite(_ connection: Connection) throws(ConnectionError) {
        guard let path = connection.string("path"), !path.isEmpty else {
            throw ConnectionError.field("path", "required: a file path, relative paths are under $SPIN_HOME/var/data.")
        }
        if !path.hasPrefix("/"), path.split(separator: "/").contains("..") {
            throw ConnectionError.field("path", "a relative path must stay under $SPIN_HOME/var/data (no '..').")
        }
    }

    private static func ssh(_ connection: Connection) throws(ConnectionError) {
        guard connection.string("username")?.isEmpty == false else {
            throw ConnectionError.field("username", "required: the user to log in as.")
        }
        if connection.name != ConnectionName.runtimeHost, connection.string("host")?.isEmpty != false {
            throw ConnectionError.field("host", "required: the machine to connect to.")
        }
        guard connection.secrets["private_key"]?.isEmpty == false else {
            throw ConnectionError.field("private_key", "required: the private key (OpenSSH or PEM text), e.g. from ssh-keygen -t ed25519.")
        }
        if let fingerprint = connection.string("host_key_fingerprint"), !isFingerprint(fingerprint) {
            throw ConnectionError.field("host_key_fingerprint", "must look like SHA256:… as `ssh-keygen -lf` prints it.")
        }
    }

    private static func http(_ connection: Connection) throws(ConnectionError) {
        guard let base = connection.string("base_url"), !base.isEmpty else {
            throw ConnectionError.field("base_url", "required: e.g. https://api.example.com/v1.")
        }
        let lowered = base.lowercased()
        guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://") || lowered.hasPrefix("{{") else {
            throw ConnectionError.field("base_url", "must be an http:// or https:// URL.")
        }
    }

    static func isFingerprint(_ text: String) -> Bool {
        guard text.hasPrefix("SHA256:") else { return false }
        let body = text.dropFirst(7)
        return (40...50).contains(body.count) && body.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == 0x2B || byte == 0x2F || byte == 0x3D
        }
    }
}

/// Reading the parts of a `postgres://` URL without a URL parser, because
/// `{{runtime_env:…}}` placeholders are not valid URL characters.
public enum PostgresURL {
    public struct Parts: Sendable, Equatable {
        public var user: String?
        public var password: String?
        public var host: String?
        public var port: Int?
        public var database: String?
        public var query: [String: String] = [:]
    }

    /// True if `url` starts with `postgres://` or `postgresql://`.
    static func hasScheme(_ url: String) -> Bool {
        url.hasPrefix("postgres://") || url.hasPrefix("postgresql://")
    }

    static func separatePassword(_ url: String) -> (url: String, password: String?) {
        guard let schemeEnd = url.range(of: "://") else { return (url, nil) }
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@") else { return (url, nil) }
        let userinfo = authority[..<at]
        guard let colon = userinfo.firstIndex(of: ":") else { return (url, nil) }
        let password = String(userinfo[userinfo.index(after: colon)...])
        let stripped = String(url[..<schemeEnd.upperBound]) + userinfo[..<colon] + rest[at...]
        return (stripped, password.removingPercentEncoding ?? password)
    }

    /// Splits an (already resolved) URL into its parts.
    public static func parse(_ url: String) -> Parts? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        var parts = Parts()
        var rest = Substring(url[schemeEnd.upperBound...])
        if let questionMark = rest.firstIndex(of: "?") {
            for pair in rest[rest.index(after: questionMark)...].split(separator: "&") {
                let items = pair.split(separator: "=", maxSplits: 1)
                parts.query[String(items[0])] = items.count > 1 ? String(items[1]).removingPercentEncoding : ""
            }
            rest = rest[..<questionMark]
        }
        if let slash = rest.firstIndex(of: "/") {
            let database = String(rest[rest.index(after: slash)...])
            parts.database = database.isEmpty ? nil : database.removingPercentEncoding
            rest = rest[..<slash]
        }
        if let at = rest.lastIndex(of: "@") {
            let userinfo = rest[..<at]
            if let colon = userinfo.firstIndex(of: ":") {
                parts.user = String(userinfo[..<colon]).removingPercentEncoding
                parts.password = String(userinfo[userinfo.index(after: colon)...]).removingPercentEncoding
            } else {
                parts.user = String(userinfo).removingPercentEncoding
            }
            rest = rest[rest.index(after: at)...]
        }
        if let colon = rest.lastIndex(of: ":"), !rest.hasSuffix("]") {
            parts.port = Int(rest[rest.index(after: colon)...])
            rest = rest[..<colon]
        }
        parts.host = rest.isEmpty ? nil : String(rest.trimmingCharacters(in: CharacterSet(charactersIn: "[]")))
        return parts
    }
}
