/// Why a rows file could not be written. `description` names the step and the
/// system error; `debugDescription` adds the path.
public struct RowsFileError: Error, Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case cannotCreate = "cannot_create"
            case cannotWrite = "cannot_write"
            case cannotRename = "cannot_rename"
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        public static let cannotCreate = Code(.cannotCreate)
        public static let cannotWrite = Code(.cannotWrite)
        public static let cannotRename = Code(.cannotRename)

        public var description: String { value.rawValue }
    }

    public let code: Code
    /// The `errno` of the failed call.
    public let systemError: Int32
    public let path: String

    public init(_ code: Code, systemError: Int32, path: String) {
        self.code = code
        self.systemError = systemError
        self.path = path
    }

    public var description: String { "rows file: \(code) (errno \(systemError))" }
    public var debugDescription: String { "rows file: \(code) (errno \(systemError)) at \(path)" }
}
