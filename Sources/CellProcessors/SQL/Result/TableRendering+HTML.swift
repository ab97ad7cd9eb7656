extension TableRendering {
    static let htmlCellLimit = 500
    static let htmlColumnLimit = 100

    /// `text/html`: the first `previewRows` rows (and first 100 columns) as a
    /// `<table>`, then a line with the totals. Every name and value is escaped.
    static func html(_ table: ResultTable, previewRows: Int) -> String {
        let shownRows = min(table.rowCount, max(previewRows, 0))
        let shownColumns = min(table.columns.count, htmlColumnLimit)
        var out = "<div class=\"spin-sql-result\">\n<table class=\"dataframe\" border=\"1\">\n"
        out += "<thead><tr style=\"text-align: right;\"><th></th>"
        for column in table.columns.prefix(shownColumns) {
            out += "<th>" + escaped(cellText(.text(column.name), kind: .text, limit: htmlCellLimit)) + "</th>"
        }
        out += "</tr></thead>\n<tbody>\n"
        for row in 0..<shownRows {
            out += "<tr><th>\(row)</th>"
            for column in 0..<shownColumns {
                let value = table.value(row: row, column: column)
                let text = cellText(value, kind: table.columns[column].kind, limit: htmlCellLimit)
                out += "<td>" + escaped(text) + "</td>"
            }
            out += "</tr>\n"
        }
        out += "</tbody>\n</table>\n<p>" + summary(table, shownRows: shownRows, shownColumns: shownColumns)
        out += "</p>\n</div>"
        return out
    }

    /// `1,000,000 rows × 4 columns (showing first 50)`.
    static func summary(_ table: ResultTable, shownRows: Int, shownColumns: Int) -> String {
        let rows = table.rowCount == 1 ? "1 row" : "\(CellText.grouped(table.rowCount)) rows"
        let columns = table.columns.count == 1 ? "1 column" : "\(CellText.grouped(table.columns.count)) columns"
        var shown: [String] = []
        if shownRows < table.rowCount { shown.append("first \(CellText.grouped(shownRows))") }
        if shownColumns < table.columns.count { shown.append("first \(shownColumns) columns") }
        let showing = shown.isEmpty ? "" : " (showing " + shown.joined(separator: ", ") + ")"
        return rows + " × " + columns + showing
    }

    /// `text` with `&`, `<`, `>`, `"` and `'` as character references.
    static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
