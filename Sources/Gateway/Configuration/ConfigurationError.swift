/// A configuration problem that stops the gateway before it starts.
///
/// The `message` is one line an operator can act on; it never contains the token.
public struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum _Code: Hashable, Sendable {
            case missingToken, incompleteTLS, unreadableTLSFile, invalidTLSMaterial
            case invalidPort, invalidValue
        }
        private let code: _Code
        public static let missingToken = Code(code: .missingToken)
        public static let incompleteTLS = Code(code: .incompleteTLS)
        public static let unreadableTLSFile = Code(code: .unreadableTLSFile)
        public static let invalidTLSMaterial = Code(code: .invalidTLSMaterial)
        public static let invalidPort = Code(code: .invalidPort)
        public static let invalidValue = Code(code: .invalidValue)
        public var description: String { "\(self.code)" }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Process exit code for every configuration error.
    public var exitCode: Int32 { 2 }
    public var description: String { self.message }
}
