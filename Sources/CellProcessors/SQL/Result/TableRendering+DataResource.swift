import Foundation
import JupyterProtocol

extension TableRendering {
    /// `application/vnd.dataresource+json`: `{"schema": {"fields": [...]}, "data": [...]}`
    /// with the first `dataRows` rows as objects keyed by field name.
    ///
    /// Repeated column names get `.1`, `.2`… appended (as pandas' readers do)
    /// so that no value is lost. Table Schema types: integer, number, boolean,
    /// string, datetime (values `2024-01-02T03:04:05.123456`, `Z` appended for
    /// timestampTZ), date, object for json (the parsed value, or its text when
    /// it does not parse) and string for bytes (base64). Non-finite floats are null.
    static func dataResource(_ table: ResultTable, dataRows: Int) -> JSONValue {
        let names = uniqueNames(table.columns.map(\.name))
        let fields: [JSONValue] = zip(names, table.columns).map { name, column in
            ["name": .string(name), "type": .string(schemaType(column.kind))]
        }
        var data: [JSONValue] = []
        let shown = min(table.rowCount, max(dataRows, 0))
        data.reserveCapacity(shown)
        for row in 0..<shown {
            var object: [String: JSONValue] = [:]
            for (column, name) in names.enumerated() {
                object[name] = json(table.value(row: row, column: column))
            }
            data.append(.object(object))
        }
        return ["schema": ["fields": .array(fields)], "data": .array(data)]
    }

    static func schemaType(_ kind: ColumnKind) -> String {
        switch kind {
        case .integer: return "integer"
        case .float: return "number"
        case .boolean: return "boolean"
        case .text, .bytes: return "string"
        case .timestamp, .timestampTZ: return "datetime"
        case .date: return "date"
        case .json: return "object"
        }
    }

    static func json(_ value: CellValue) -> JSONValue {
        switch value {
        case .null: return .null
        case .integer(let v): return .int(v)
        case .float(let v): return v.isFinite ? .double(v) : .null
        case .boolean(let v): return .bool(v)
        case .text(let v): return .string(v)
        case .timestamp(let micros): return .string(CellText.timestamp(micros, separator: "T"))
        case .timestampTZ(let micros): return .string(CellText.timestamp(micros, separator: "T") + "Z")
        case .date(let days): return .string(CellText.date(Int64(days)))
        case .json(let text):
            return (try? JSONCoding.decode(JSONValue.self, from: Array(text.utf8))) ?? .string(text)
        case .bytes(let v): return .string(Data(v).base64EncodedString())
        }
    }

    /// `names` with each repeat suffixed `.1`, `.2`… (skipping names already taken).
    static func uniqueNames(_ names: [String]) -> [String] {
        var taken = Set(names)
        var seen: Set<String> = []
        return names.map { name in
            guard seen.contains(name) else {
                seen.insert(name)
                return name
            }
            var n = 1
            while taken.contains("\(name).\(n)") { n += 1 }
            let unique = "\(name).\(n)"
            taken.insert(unique)
            return unique
        }
    }
}
