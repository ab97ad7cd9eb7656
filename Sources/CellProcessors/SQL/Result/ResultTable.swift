/// A SQL result held column by column: names, kinds and unboxed values.
///
/// Built with `ResultTableBuilder`; read with `value(row:column:)`.
public struct ResultTable: Sendable {
    public struct Column: Sendable, Equatable {
        public let name: String
        public let kind: ColumnKind

        public init(name: String, kind: ColumnKind) {
            self.name = name
            self.kind = kind
        }
    }

    public let columns: [Column]
    public let rowCount: Int
    let storage: [ColumnStorage]

    init(names: [String], storage: [ColumnStorage], rowCount: Int) {
        self.columns = zip(names, storage).map { Column(name: $0, kind: $1.kind) }
        self.storage = storage
        self.rowCount = rowCount
    }

    /// The value at `row` (0..<rowCount) of `column` (0..<columns.count).
    public func value(row: Int, column: Int) -> CellValue {
        precondition(row >= 0 && row < rowCount, "row \(row) out of 0..<\(rowCount)")
        return storage[column].value(row)
    }

    /// About how many bytes the values take in memory (array capacities).
    public var approximateByteCount: Int {
        storage.reduce(0) { $0 + $1.approximateByteCount }
    }

    /// How many nulls `column` holds.
    public func nullCount(column: Int) -> Int {
        storage[column].nullCount
    }
}
