/// One header field, as sent or received. Order and duplicates are kept.
public struct HTTPCellHeader: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

extension [HTTPCellHeader] {
    /// The value of the first header called `name` (compared case-insensitively).
    public func first(named name: String) -> String? {
        first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Whether a header called `name` (case-insensitive) is present.
    public func contains(named name: String) -> Bool {
        first(named: name) != nil
    }
}
