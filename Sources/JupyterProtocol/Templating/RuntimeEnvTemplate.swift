/// `{{runtime_env:NAME}}` placeholders in connection fields and in the source
/// of SQL, shell and HTTP cells (SPEC §6), replaced by the runtime's
/// environment when a cell runs.
///
/// Only placeholders that start with `runtime_env:` are ours: other `{{`
/// (Go templates in `docker inspect -f '{{.Id}}'`, Jinja, Mustache) pass
/// through untouched. Substituted values are never scanned again, so a value
/// that itself contains `{{runtime_env:…}}` cannot loop.
public enum RuntimeEnvTemplate {
    /// Variables a cell can never read, whatever it asks for.
    public static let withheld: Set<String> = ["SPIN_TOKEN", "SSL_KEY_FILE", "SSL_CERT_FILE"]

    public struct Failure: Error, Sendable, Equatable {
        public enum Code: String, Sendable {
            case unset = "runtime_env_unset"
            case withheld = "runtime_env_withheld"
            case unterminated = "template_unterminated"
            case badName = "template_bad_name"
            /// The value does not fit the field it was put in (a port, a choice).
            case badValue = "runtime_env_bad_value"
        }

        public let code: Code
        public let message: String

        public init(code: Code, message: String) {
            self.code = code
            self.message = message
        }
    }

    private static let opener = Array("{{".utf8)
    private static let closer = Array("}}".utf8)
    private static let prefix = Array("runtime_env:".utf8)

    /// Replaces every placeholder in `text`; throws on the first bad one.
    public static func render(_ text: String, environment: [String: String]) throws(Failure) -> String {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            guard let open = find(opener, in: bytes, from: index) else { break }
            guard let nameStart = placeholderStart(bytes, after: open + 2) else {
                output += bytes[index..<open + 2]
                index = open + 2
                continue
            }
            guard let close = find(closer, in: bytes, from: nameStart) else {
                throw Failure(code: .unterminated, message: "A {{runtime_env:…}} placeholder is not closed with '}}'.")
            }
            let name = String(decoding: bytes[nameStart..<close], as: UTF8.self).trimmingSpaces()
            output += bytes[index..<open]
            output += Array(try value(of: name, in: environment).utf8)
            index = close + 2
        }
        output += bytes[min(index, bytes.count)...]
        return String(decoding: output, as: UTF8.self)
    }

    /// Names the placeholders in `text` refers to, without resolving them.
    public static func names(in text: String) -> [String] {
        let bytes = Array(text.utf8)
        var names: [String] = []
        var index = 0
        while let open = find(opener, in: bytes, from: index) {
            guard let start = placeholderStart(bytes, after: open + 2), let close = find(closer, in: bytes, from: start) else {
                index = open + 2
                continue
            }
            names.append(String(decoding: bytes[start..<close], as: UTF8.self).trimmingSpaces())
            index = close + 2
        }
        return names
    }

    private static func value(of name: String, in environment: [String: String]) throws(Failure) -> String {
        guard isVariableName(name) else {
            throw Failure(
                code: .badName,
                message: "'{{runtime_env:\(name.prefix(64))}}' does not name an environment variable (letters, digits and '_', not starting with a digit)."
            )
        }
        if withheld.contains(name) {
            throw Failure(code: .withheld, message: "\(name) is one of the runtime's own secrets and is never available to cells.")
        }
        guard let value = environment[name] else {
            throw Failure(
                code: .unset,
                message: "The runtime has no environment variable \(name) (used as {{runtime_env:\(name)}}): set it where the runtime is started."
            )
        }
        return value
    }

    /// Where the name starts when `{{` at `start - 2` opens one of ours.
    private static func placeholderStart(_ bytes: [UInt8], after start: Int) -> Int? {
        var index = start
        while index < bytes.count, bytes[index] == 0x20 { index += 1 }
        guard bytes.count - index >= prefix.count, Array(bytes[index..<index + prefix.count]) == prefix else { return nil }
        return index + prefix.count
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard needle.count <= bytes.count else { return nil }
        var index = start
        while index + needle.count <= bytes.count {
            if bytes[index] == needle[0], bytes[index + 1] == needle[1] { return index }
            index += 1
        }
        return nil
    }

    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(0x30...0x39).contains(first), name.utf8.count <= 256 else { return false }
        return name.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x5F
        }
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var view = Substring(self)
        while view.first == " " { view = view.dropFirst() }
        while view.last == " " { view = view.dropLast() }
        return String(view)
    }
}
