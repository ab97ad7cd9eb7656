import JupyterProtocol

/// The outputs a SQL cell shows: `text/plain`, `text/html` and
/// `application/vnd.dataresource+json`, each bounded whatever the row count.
public enum TableRendering {
    /// The mime bundle of an `execute_result` for `table`.
    ///
    /// - `text/plain`: like pandas' repr, right-aligned, the first and last
    ///   `previewRows / 2` rows around a `...` row when truncated, then
    ///   `[N rows x M columns]`.
    /// - `text/html`: a `<table>` of the first `previewRows` rows, every cell
    ///   HTML-escaped, and a footer with the total row count.
    /// - `application/vnd.dataresource+json`: a Table Schema and the first
    ///   `dataRows` rows as objects.
    public static func mimeBundle(
        _ table: ResultTable,
        previewRows: Int = 50,
        dataRows: Int = 1000
    ) -> [String: JSONValue] {
        [
            "text/plain": .string(plainText(table, previewRows: previewRows)),
            "text/html": .string(html(table, previewRows: previewRows)),
            "application/vnd.dataresource+json": dataResource(table, dataRows: dataRows),
        ]
    }

    /// What a null shows as, the way pandas prints it for such a column.
    static func nullText(_ kind: ColumnKind) -> String {
        switch kind {
        case .integer, .boolean: return "<NA>"
        case .float: return "NaN"
        case .timestamp, .timestampTZ: return "NaT"
        case .text, .date, .json, .bytes: return "None"
        }
    }

    /// A cell as one line of at most `limit` characters (then cut, `...` at its end).
    static func cellText(_ value: CellValue, kind: ColumnKind, limit: Int) -> String {
        if value.isNull { return nullText(kind) }
        let text: String
        switch value {
        case .float(let v) where v.isNaN: text = "NaN"
        case .float(let v) where v.isInfinite: text = v < 0 ? "-inf" : "inf"
        default: text = CellText.plain(value)
        }
        var line = ""
        var count = 0
        for ch in text {
            if count >= limit {
                line.removeLast(min(3, line.count))
                return line + "..."
            }
            switch ch {
            case "\n": line += "\\n"
            case "\r": line += "\\r"
            case "\t": line += "\\t"
            case "\r\n": line += "\\r\\n"
            default: line.append(ch)
            }
            count += 1
        }
        return line
    }

    /// Indices to show out of `count`, `nil` where the shown ones skip some:
    /// all when `count <= limit`, else the first `limit - limit / 2` and last `limit / 2`.
    static func headAndTail(_ count: Int, limit: Int) -> [Int?] {
        guard count > limit else { return Array(0..<count) }
        let tail = limit / 2
        let head = limit - tail
        return Array(0..<head) + [nil] + Array((count - tail)..<count)
    }
}
