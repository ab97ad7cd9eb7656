/// The type of one column of a SQL result, as the cell processors see it.
///
/// `timestamp` is a wall-clock time without zone (treated as UTC-naive);
/// `timestampTZ` is an instant, stored and shown in UTC.
public enum ColumnKind: String, Sendable, CaseIterable {
    case integer, float, boolean, text, timestamp, timestampTZ, date, json, bytes
}

/// One value of a SQL result, as a database driver hands it over.
public enum CellValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case float(Double)
    case boolean(Bool)
    case text(String)
    /// Microseconds since 1970-01-01T00:00:00, no zone.
    case timestamp(microsSinceEpoch: Int64)
    /// Microseconds since 1970-01-01T00:00:00Z.
    case timestampTZ(microsSinceEpoch: Int64)
    /// Days since 1970-01-01.
    case date(daysSinceEpoch: Int32)
    /// JSON text, as the database returned it.
    case json(String)
    case bytes([UInt8])
}

extension CellValue {
    /// NaN compares equal to NaN here, so that results can be compared in tests.
    public static func == (lhs: CellValue, rhs: CellValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.integer(let a), .integer(let b)): return a == b
        case (.float(let a), .float(let b)): return a == b || (a.isNaN && b.isNaN)
        case (.boolean(let a), .boolean(let b)): return a == b
        case (.text(let a), .text(let b)): return a == b
        case (.timestamp(let a), .timestamp(let b)): return a == b
        case (.timestampTZ(let a), .timestampTZ(let b)): return a == b
        case (.date(let a), .date(let b)): return a == b
        case (.json(let a), .json(let b)): return a == b
        case (.bytes(let a), .bytes(let b)): return a == b
        default: return false
        }
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}
