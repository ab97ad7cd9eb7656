/// The values of one column, stored unboxed.
///
/// Only the array that fits `kind` is used: `int64s` for integer and both
/// timestamps, `int32s` for dates, `doubles`, `bools` (0 or 1), and
/// `blob` + `ends` (UTF-8 or raw bytes, end offset of each value) for text,
/// json and bytes. A null row holds a zero or an empty value there and a 0
/// in `validity`, which exists only once the first null arrived.
struct ColumnStorage: Sendable {
    private(set) var kind: ColumnKind
    private(set) var count = 0
    private(set) var nullCount = 0
    /// One byte a row, 1 = a value, 0 = null; nil while there is no null.
    private(set) var validity: [UInt8]?
    private(set) var int64s: [Int64] = []
    private(set) var int32s: [Int32] = []
    private(set) var doubles: [Double] = []
    private(set) var bools: [UInt8] = []
    private(set) var blob: [UInt8] = []
    private(set) var ends: [Int64] = []

    init(kind: ColumnKind) {
        self.kind = kind
    }

    var approximateByteCount: Int {
        (validity?.capacity ?? 0) + int64s.capacity * 8 + int32s.capacity * 4 + doubles.capacity * 8
            + bools.capacity + blob.capacity + ends.capacity * 8
    }

    func isNull(_ row: Int) -> Bool {
        validity.map { $0[row] == 0 } ?? false
    }

    /// The bytes of a text, json or bytes value.
    func blobSlice(_ row: Int) -> ArraySlice<UInt8> {
        let start = row == 0 ? 0 : Int(ends[row - 1])
        return blob[start..<Int(ends[row])]
    }

    func value(_ row: Int) -> CellValue {
        if isNull(row) { return .null }
        switch kind {
        case .integer: return .integer(int64s[row])
        case .float: return .float(doubles[row])
        case .boolean: return .boolean(bools[row] != 0)
        case .text: return .text(String(decoding: blobSlice(row), as: UTF8.self))
        case .timestamp: return .timestamp(microsSinceEpoch: int64s[row])
        case .timestampTZ: return .timestampTZ(microsSinceEpoch: int64s[row])
        case .date: return .date(daysSinceEpoch: int32s[row])
        case .json: return .json(String(decoding: blobSlice(row), as: UTF8.self))
        case .bytes: return .bytes(Array(blobSlice(row)))
        }
    }

    mutating func reserve(_ rows: Int) {
        switch kind {
        case .integer, .timestamp, .timestampTZ: int64s.reserveCapacity(rows)
        case .float: doubles.reserveCapacity(rows)
        case .boolean: bools.reserveCapacity(rows)
        case .date: int32s.reserveCapacity(rows)
        case .text, .json, .bytes: ends.reserveCapacity(rows)
        }
    }

    mutating func appendNull() {
        if validity == nil {
            validity = [UInt8](repeating: 1, count: count)
        }
        validity?.append(0)
        nullCount += 1
        switch kind {
        case .integer, .timestamp, .timestampTZ: int64s.append(0)
        case .float: doubles.append(0)
        case .boolean: bools.append(0)
        case .date: int32s.append(0)
        case .text, .json, .bytes: ends.append(Int64(blob.count))
        }
        count += 1
    }

    private mutating func appended() {
        validity?.append(1)
        count += 1
    }

    mutating func append(int64 value: Int64) {
        int64s.append(value)
        appended()
    }

    mutating func append(int32 value: Int32) {
        int32s.append(value)
        appended()
    }

    mutating func append(double value: Double) {
        doubles.append(value)
        appended()
    }

    mutating func append(bool value: Bool) {
        bools.append(value ? 1 : 0)
        appended()
    }

    mutating func append(utf8 value: String) {
        blob.append(contentsOf: value.utf8)
        ends.append(Int64(blob.count))
        appended()
    }

    mutating func append(bytes value: [UInt8]) {
        blob.append(contentsOf: value)
        ends.append(Int64(blob.count))
        appended()
    }

    /// The same values as a text column (nulls stay null).
    func asText() -> ColumnStorage {
        var text = ColumnStorage(kind: .text)
        text.reserve(count)
        for row in 0..<count {
            let value = value(row)
            if value.isNull {
                text.appendNull()
            } else {
                text.append(utf8: CellText.plain(value))
            }
        }
        return text
    }

    /// The same values as a float column (integers only).
    func asFloat() -> ColumnStorage {
        var float = ColumnStorage(kind: .float)
        float.doubles = int64s.map(Double.init)
        float.validity = validity
        float.count = count
        float.nullCount = nullCount
        return float
    }
}
