/// An error decoding or verifying a Jupyter message.
///
/// `description` names the code only; `detail` is for logs at debug level and
/// never contains key material.
public struct ProtocolError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case missingDelimiter = "missing_delimiter"
            case wrongFrameCount = "wrong_frame_count"
            case badSignature = "bad_signature"
            case invalidJSON = "invalid_json"
            case missingField = "missing_field"
            case partTooLarge = "part_too_large"
            case badFraming = "bad_framing"
            case unknownChannel = "unknown_channel"
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        public static let missingDelimiter = Code(.missingDelimiter)
        public static let wrongFrameCount = Code(.wrongFrameCount)
        public static let badSignature = Code(.badSignature)
        public static let invalidJSON = Code(.invalidJSON)
        public static let missingField = Code(.missingField)
        public static let partTooLarge = Code(.partTooLarge)
        public static let badFraming = Code(.badFraming)
        public static let unknownChannel = Code(.unknownChannel)

        public var description: String { value.rawValue }
    }

    public let code: Code
    public let detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "ProtocolError(\(code)): \(detail)" }
}
