#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The file that moves a result's rows into a kernel, read by `KernelLoader.source`.
///
/// Layout, little-endian, every section starting at a multiple of 8:
///
///     "SPINROWS"  u32 version (1)  u32 descriptor length  descriptor (JSON)  padding
///     sections…
///
/// The descriptor is `{"rows": N, "columns": [{"name", "kind", "nulls",
/// "validity", "data", "offsets"}]}`, where `validity`, `data` and `offsets` are
/// `[offset, length]` pairs (offset from the first byte after the padded
/// descriptor) or null. `validity` is one byte a row, 1 = value, 0 = null,
/// present only when the column has nulls. `data` holds int64 (integer),
/// float64, uint8 0/1 (boolean), int64 microseconds since 1970 (timestamps),
/// int32 days since 1970 (date), raw bytes (bytes, with `offsets`: the int64
/// end offset of each value) or, for text and json, one JSON array of strings
/// and nulls (the json values as their text) — `json.loads` reads a million
/// strings faster than Python can slice them out of a blob.
public enum RowsFile {
    public static let magic = Array("SPINROWS".utf8)
    public static let version: UInt32 = 1

    /// Writes `table` to `path + ".tmp"` (mode 0600, replacing a stale one) and
    /// renames it to `path`. On failure nothing is left behind.
    public static func write(_ table: ResultTable, to path: String) throws(RowsFileError) {
        let temporary = path + ".tmp"
        unlink(temporary)
        do {
            var sink = try FileSink(creating: temporary)
            try write(table, into: &sink)
            try sink.flush()
        } catch {
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw RowsFileError(.cannotRename, systemError: code, path: path)
        }
    }

    private static func write(_ table: ResultTable, into sink: inout FileSink) throws(RowsFileError) {
        let layouts = layout(table)
        var descriptor: [UInt8] = []
        descriptor += Array("{\"rows\":\(table.rowCount),\"columns\":[".utf8)
        for (index, column) in table.columns.enumerated() {
            if index > 0 { descriptor.append(0x2C) }
            descriptor += Array("{\"name\":".utf8)
            JSONText.appendQuoted(column.name.utf8, to: &descriptor)
            descriptor += Array(",\"kind\":\"\(column.kind.rawValue)\",\"nulls\":\(table.nullCount(column: index))".utf8)
            descriptor += Array(layouts[index].json.utf8)
            descriptor.append(0x7D)
        }
        descriptor += Array("]}".utf8)
        try sink.append(magic)
        try sink.append(littleEndian: [version, UInt32(descriptor.count)])
        try sink.append(descriptor)
        try sink.pad()
        for (storage, layout) in zip(table.storage, layouts) {
            try writeSections(storage, layout: layout, into: &sink)
        }
    }

    private static func writeSections(
        _ storage: ColumnStorage, layout: SectionLayout, into sink: inout FileSink
    ) throws(RowsFileError) {
        if let validity = storage.validity, layout.validity != nil {
            try sink.append(validity)
            try sink.pad()
        }
        switch storage.kind {
        case .integer, .timestamp, .timestampTZ: try sink.append(littleEndian: storage.int64s)
        case .float: try sink.append(littleEndian: storage.doubles)
        case .boolean: try sink.append(storage.bools)
        case .date: try sink.append(littleEndian: storage.int32s)
        case .bytes:
            try sink.append(storage.blob)
            try sink.pad()
            try sink.append(littleEndian: storage.ends)
        case .text, .json: try writeJSONStrings(storage, into: &sink)
        }
        try sink.pad()
    }

    private static func writeJSONStrings(_ storage: ColumnStorage, into sink: inout FileSink) throws(RowsFileError) {
        var chunk: [UInt8] = [0x5B]
        chunk.reserveCapacity(1 << 16 + 1024)
        for row in 0..<storage.count {
            if row > 0 { chunk.append(0x2C) }
            if storage.isNull(row) {
                chunk += [0x6E, 0x75, 0x6C, 0x6C]
            } else {
                JSONText.appendQuoted(storage.blobSlice(row), to: &chunk)
            }
            if chunk.count >= 1 << 16 {
                try sink.append(chunk)
                chunk.removeAll(keepingCapacity: true)
            }
        }
        chunk.append(0x5D)
        try sink.append(chunk)
    }
}
