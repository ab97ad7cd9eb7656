/// Where one column's sections lie, as offsets from the start of the data.
struct SectionLayout: Sendable {
    var validity: (offset: Int, length: Int)?
    var data: (offset: Int, length: Int)
    var offsets: (offset: Int, length: Int)?

    /// `,"validity":…,"data":…,"offsets":…` for the descriptor.
    var json: String {
        func pair(_ p: (offset: Int, length: Int)?) -> String {
            p.map { "[\($0.offset),\($0.length)]" } ?? "null"
        }
        return ",\"validity\":\(pair(validity)),\"data\":\(pair(data)),\"offsets\":\(pair(offsets))"
    }
}

extension RowsFile {
    /// The sections of every column, in the order `write` puts them.
    static func layout(_ table: ResultTable) -> [SectionLayout] {
        var position = 0
        func take(_ length: Int) -> (offset: Int, length: Int) {
            defer { position += (length + 7) / 8 * 8 }
            return (position, length)
        }
        return table.storage.map { storage in
            let hasValidity = storage.validity != nil && storage.kind != .text && storage.kind != .json
            let validity = hasValidity ? take(storage.count) : nil
            switch storage.kind {
            case .integer, .timestamp, .timestampTZ, .float:
                return SectionLayout(validity: validity, data: take(storage.count * 8))
            case .boolean:
                return SectionLayout(validity: validity, data: take(storage.count))
            case .date:
                return SectionLayout(validity: validity, data: take(storage.count * 4))
            case .bytes:
                let data = take(storage.blob.count)
                return SectionLayout(validity: validity, data: data, offsets: take(storage.count * 8))
            case .text, .json:
                return SectionLayout(validity: nil, data: take(jsonArrayLength(storage)))
            }
        }
    }

    /// The length of the JSON array of strings that `writeJSONStrings` writes.
    static func jsonArrayLength(_ storage: ColumnStorage) -> Int {
        var length = 2 + max(storage.count - 1, 0)
        for row in 0..<storage.count {
            if storage.isNull(row) {
                length += 4
                continue
            }
            length += JSONText.quotedLength(storage.blobSlice(row))
        }
        return length
    }
}
