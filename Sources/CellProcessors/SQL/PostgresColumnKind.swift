import Foundation
import NIOCore
import PostgresNIO

/// How one result column's values are read: straight from PostgreSQL's
/// binary format for the common types (no Date or Decimal on the way for
/// integers, floats, text and timestamps — a million rows should not wait on
/// conversions).
struct PostgresColumnKind: Sendable {
    enum Reader: Sendable {
        case integer, float4, float8, boolean, text, timestamp, timestampTZ, date, numeric, uuid, json, jsonb, bytes, other
    }

    let reader: Reader
    let column: ColumnKind

    /// Microseconds from 1970-01-01 to PostgreSQL's epoch, 2000-01-01.
    static let epochOffsetMicros: Int64 = 946_684_800_000_000
    static let epochOffsetDays: Int32 = 10_957

    init(_ type: PostgresDataType) {
        switch type {
        case .int2, .int4, .int8, .oid: (reader, column) = (.integer, .integer)
        case .float4: (reader, column) = (.float4, .float)
        case .float8: (reader, column) = (.float8, .float)
        case .numeric: (reader, column) = (.numeric, .float)
        case .bool: (reader, column) = (.boolean, .boolean)
        case .text, .varchar, .bpchar, .name: (reader, column) = (.text, .text)
        case .timestamp: (reader, column) = (.timestamp, .timestamp)
        case .timestamptz: (reader, column) = (.timestampTZ, .timestampTZ)
        case .date: (reader, column) = (.date, .date)
        case .uuid: (reader, column) = (.uuid, .text)
        case .json: (reader, column) = (.json, .json)
        case .jsonb: (reader, column) = (.jsonb, .json)
        case .bytea: (reader, column) = (.bytes, .bytes)
        default: (reader, column) = (.other, .text)
        }
    }

    func value(_ cell: PostgresCell) -> CellValue {
        guard var buffer = cell.bytes else { return .null }
        if cell.format == .text {
            return .text(buffer.readString(length: buffer.readableBytes) ?? "")
        }
        switch reader {
        case .integer:
            switch buffer.readableBytes {
            case 2: return buffer.readInteger(as: Int16.self).map { .integer(Int64($0)) } ?? .null
            case 4: return buffer.readInteger(as: Int32.self).map { .integer(Int64($0)) } ?? .null
            default: return buffer.readInteger(as: Int64.self).map { .integer($0) } ?? .null
            }
        case .float4: return buffer.readInteger(as: UInt32.self).map { .float(Double(Float(bitPattern: $0))) } ?? .null
        case .float8: return buffer.readInteger(as: UInt64.self).map { .float(Double(bitPattern: $0)) } ?? .null
        case .boolean: return buffer.readInteger(as: UInt8.self).map { .boolean($0 != 0) } ?? .null
        case .text, .json: return .text(buffer.readString(length: buffer.readableBytes) ?? "")
        case .jsonb:
            buffer.moveReaderIndex(forwardBy: min(1, buffer.readableBytes))
            return .json(buffer.readString(length: buffer.readableBytes) ?? "null")
        case .timestamp, .timestampTZ:
            guard let micros = buffer.readInteger(as: Int64.self) else { return .null }
            let shifted = micros.addingReportingOverflow(Self.epochOffsetMicros)
            if shifted.overflow { return .null }
            return reader == .timestamp ? .timestamp(microsSinceEpoch: shifted.partialValue) : .timestampTZ(microsSinceEpoch: shifted.partialValue)
        case .date:
            guard let days = buffer.readInteger(as: Int32.self) else { return .null }
            let shifted = days.addingReportingOverflow(Self.epochOffsetDays)
            return shifted.overflow ? .null : .date(daysSinceEpoch: shifted.partialValue)
        case .numeric:
            guard let decimal = try? cell.decode(Decimal.self) else { return .null }
            return .float(NSDecimalNumber(decimal: decimal).doubleValue)
        case .uuid:
            return (try? cell.decode(UUID.self)).map { .text($0.uuidString.lowercased()) } ?? .null
        case .bytes:
            return .bytes(Array(buffer.readableBytesView))
        case .other:
            if let text = try? cell.decode(String.self) { return .text(text) }
            return .text("(\(cell.dataType) value, \(buffer.readableBytes) bytes)")
        }
    }
}
