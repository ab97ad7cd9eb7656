import JupyterProtocol

/// An `execute_request` whose `metadata.spin` names a cell processor (SPEC §5).
public struct TypedCellRequest: Sendable {
    /// `sql`, `shell`, `http`, or whatever the client sent (checked by the runner).
    public let cellType: String
    public let connection: String?
    public let variable: String?
    public let code: String
    public let silent: Bool
    public let storeHistory: Bool
    public let stopOnError: Bool
    /// The client's request, the parent of everything the cell sends.
    public let message: JupyterMessage
    /// Set when `metadata.spin` was malformed: the cell fails with this.
    public let problem: String?

    init(
        cellType: String, connection: String?, variable: String?, code: String, silent: Bool, storeHistory: Bool,
        stopOnError: Bool, message: JupyterMessage, problem: String? = nil
    ) {
        self.cellType = cellType
        self.connection = connection
        self.variable = variable
        self.code = code
        self.silent = silent
        self.storeHistory = storeHistory
        self.stopOnError = stopOnError
        self.message = message
        self.problem = problem
    }

    /// A request that cannot run; it is answered in its turn with `reason`.
    init(invalid message: JupyterMessage, reason: String) {
        self.init(
            cellType: "invalid", connection: nil, variable: nil, code: "", silent: true, storeHistory: false,
            stopOnError: false, message: message, problem: reason
        )
    }

    /// What was wrong with `metadata.spin`, reported as the cell's error.
    public struct Invalid: Error, Sendable {
        public let message: String
    }

    /// `nil` for an ordinary (Python) cell; throws when `metadata.spin` is
    /// present but malformed, so the client hears why instead of the kernel
    /// running SQL as Python.
    public static func parse(_ message: JupyterMessage) throws(Invalid) -> TypedCellRequest? {
        // Most cells are Python with no `spin` key: skip decoding their metadata.
        guard mentionsSpin(message.metadata), let metadata = try? message.decodedMetadata(), let spin = metadata["spin"]
        else { return nil }
        guard let fields = spin.objectValue else {
            throw Invalid(message: "metadata.spin must be an object like {\"cell_type\": \"sql\", \"connection\": \"name\"}.")
        }
        let cellType = try string(fields, "cell_type") ?? "python"
        if cellType == "python" { return nil }
        let content = (try? message.decodedContent()) ?? [:]
        guard let code = content["code"]?.stringValue else {
            throw Invalid(message: "execute_request content.code must be a string.")
        }
        return TypedCellRequest(
            cellType: cellType,
            connection: try string(fields, "connection"),
            variable: try string(fields, "variable"),
            code: code,
            silent: content["silent"]?.boolValue ?? false,
            storeHistory: content["store_history"]?.boolValue ?? true,
            stopOnError: content["stop_on_error"]?.boolValue ?? true,
            message: message
        )
    }

    private static let spinKey = Array("\"spin\"".utf8)

    static func mentionsSpin(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= spinKey.count else { return false }
        return (0...(bytes.count - spinKey.count)).contains { start in
            bytes[start] == 0x22 && bytes[start..<start + spinKey.count].elementsEqual(spinKey)
        }
    }

    private static func string(_ fields: [String: JSONValue], _ key: String) throws(Invalid) -> String? {
        guard let value = fields[key], value != .null else { return nil }
        guard let text = value.stringValue else {
            throw Invalid(message: "metadata.spin.\(key) must be a string.")
        }
        guard text.utf8.count <= 256 else {
            throw Invalid(message: "metadata.spin.\(key) is longer than 256 bytes.")
        }
        return text.isEmpty ? nil : text
    }
}
