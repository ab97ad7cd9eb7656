import JupyterProtocol

/// The `headers` field of `http` connections: names are HTTP tokens, values
/// carry no line breaks (no header injection).
enum HeaderFields {
    static func check(_ value: JSONValue, field: String) throws(ConnectionError) -> JSONValue {
        guard let object = value.objectValue else {
            throw ConnectionError.field(field, "must be an object of header names to string values.")
        }
        guard object.count <= 100 else { throw ConnectionError.field(field, "has more than 100 headers.") }
        for (name, headerValue) in object {
            guard isToken(name) else {
                throw ConnectionError.field(field, "'\(name.prefix(64))' is not a valid header name.")
            }
            guard let text = headerValue.stringValue else {
                throw ConnectionError.field(field, "the value of '\(name)' must be a string.")
            }
            guard text.utf8.count <= 8192, !text.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D || $0 == 0 }) else {
                throw ConnectionError.field(field, "the value of '\(name)' must be one line of at most 8192 bytes.")
            }
        }
        return value
    }

    static func isToken(_ name: String) -> Bool {
        let allowed = Set("!#$%&'*+-.^_`|~".utf8)
        return (1...256).contains(name.utf8.count) && name.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || allowed.contains(byte)
        }
    }
}
