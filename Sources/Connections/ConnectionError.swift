/// Why a connection could not be stored, found or used. Messages never carry
/// secret values (SPEC §6).
public struct ConnectionError: Error, Sendable, Equatable {
    public enum Kind: Sendable {
        /// The request was wrong (400).
        case invalid
        /// No such connection (404).
        case notFound
        /// The operation is not allowed on this connection (409).
        case conflict
        /// The store could not be read or written (500).
        case storage
    }

    public let kind: Kind
    public let code: String
    public let message: String

    public init(_ kind: Kind, _ code: String, _ message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    static func field(_ name: String, _ message: String) -> ConnectionError {
        ConnectionError(.invalid, "invalid_field", "Field '\(name)': \(message)")
    }
}
