/// Collects rows into a `ResultTable`, storing each column unboxed.
///
/// Each column keeps the declared kind while the values fit it. A value of
/// another case is converted when that loses nothing a reader would miss:
///
/// | column      | converted in                                                        |
/// |-------------|---------------------------------------------------------------------|
/// | integer     | boolean (0/1), integral float, text that parses as Int64            |
/// | float       | integer, boolean (0/1), text that parses as Double                  |
/// | boolean     | integer 0 or 1, text `t`/`f`/`true`/`false` (any case)              |
/// | text        | everything, in the form `CellText.plain` gives                      |
/// | timestamp   | timestampTZ (its UTC time), date (midnight)                         |
/// | timestampTZ | timestamp (taken as UTC), date (midnight UTC)                       |
/// | date        | —                                                                   |
/// | json        | integer, float (non-finite: null), boolean, text as a JSON string   |
/// | bytes       | text (its UTF-8)                                                    |
///
/// An integer column that meets a non-integral float becomes a float column.
/// Any other misfit turns the whole column into a text column (values so far
/// rendered as text), so no value is ever dropped. Rows shorter than the
/// column list are padded with nulls; extra values are ignored.
public struct ResultTableBuilder: Sendable {
    private let names: [String]
    private var storage: [ColumnStorage]
    public private(set) var rowCount = 0

    public init(columns: [(name: String, kind: ColumnKind)]) {
        self.names = columns.map(\.name)
        self.storage = columns.map { ColumnStorage(kind: $0.kind) }
    }

    /// Reserves room for `rows` more rows of fixed-width values.
    public mutating func reserveCapacity(_ rows: Int) {
        for index in storage.indices { storage[index].reserve(rowCount + rows) }
    }

    public mutating func append(_ row: [CellValue]) {
        for index in storage.indices {
            append(index < row.count ? row[index] : .null, to: index)
        }
        rowCount += 1
    }

    public func build() -> ResultTable {
        ResultTable(names: names, storage: storage, rowCount: rowCount)
    }

    private mutating func append(_ value: CellValue, to index: Int) {
        if case .null = value {
            storage[index].appendNull()
            return
        }
        if Self.store(value, in: &storage[index]) { return }
        if storage[index].kind == .integer, case .float = value {
            storage[index] = storage[index].asFloat()
        } else {
            storage[index] = storage[index].asText()
        }
        let stored = Self.store(value, in: &storage[index])
        assert(stored, "float and text columns take every value")
    }

    /// Stores `value` (not null) if it fits `column`'s kind; false if it does not.
    private static func store(_ value: CellValue, in column: inout ColumnStorage) -> Bool {
        switch column.kind {
        case .integer:
            guard let v = integer(value) else { return false }
            column.append(int64: v)
        case .float:
            guard let v = float(value) else { return false }
            column.append(double: v)
        case .boolean:
            guard let v = boolean(value) else { return false }
            column.append(bool: v)
        case .text:
            column.append(utf8: CellText.plain(value))
        case .timestamp, .timestampTZ:
            guard let v = micros(value) else { return false }
            column.append(int64: v)
        case .date:
            guard case .date(let days) = value else { return false }
            column.append(int32: days)
        case .json:
            guard let v = json(value) else { return false }
            column.append(utf8: v)
        case .bytes:
            switch value {
            case .bytes(let v): column.append(bytes: v)
            case .text(let v): column.append(utf8: v)
            default: return false
            }
        }
        return true
    }

    private static func integer(_ value: CellValue) -> Int64? {
        switch value {
        case .integer(let v): return v
        case .boolean(let v): return v ? 1 : 0
        case .float(let v): return Int64(exactly: v)
        case .text(let v): return Int64(v.trimmingSpaces)
        default: return nil
        }
    }

    private static func float(_ value: CellValue) -> Double? {
        switch value {
        case .float(let v): return v
        case .integer(let v): return Double(v)
        case .boolean(let v): return v ? 1 : 0
        case .text(let v):
            switch v.trimmingSpaces.lowercased() {
            case "infinity": return .infinity
            case "-infinity": return -.infinity
            default: return Double(v.trimmingSpaces)
            }
        default: return nil
        }
    }

    private static func boolean(_ value: CellValue) -> Bool? {
        switch value {
        case .boolean(let v): return v
        case .integer(0): return false
        case .integer(1): return true
        case .text(let v):
            switch v.trimmingSpaces.lowercased() {
            case "t", "true": return true
            case "f", "false": return false
            default: return nil
            }
        default: return nil
        }
    }

    private static func micros(_ value: CellValue) -> Int64? {
        switch value {
        case .timestamp(let v), .timestampTZ(let v): return v
        case .date(let days): return Int64(days) * 86_400_000_000
        default: return nil
        }
    }

    private static func json(_ value: CellValue) -> String? {
        switch value {
        case .json(let v): return v
        case .integer(let v): return String(v)
        case .float(let v): return v.isFinite ? String(v) : "null"
        case .boolean(let v): return v ? "true" : "false"
        case .text(let v): return String(decoding: JSONText.quoted(v), as: UTF8.self)
        default: return nil
        }
    }
}

extension String {
    var trimmingSpaces: Substring {
        var s = self[...]
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return s
    }
}
