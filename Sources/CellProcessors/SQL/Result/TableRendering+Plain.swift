extension TableRendering {
    static let plainCellLimit = 50
    static let plainColumnLimit = 20

    /// `text/plain`: pandas' DataFrame repr, the index left-aligned, values
    /// right-aligned, two spaces between columns, then `[N rows x M columns]`.
    static func plainText(_ table: ResultTable, previewRows: Int) -> String {
        let footer = "[\(table.rowCount) rows x \(table.columns.count) columns]"
        guard table.rowCount > 0, !table.columns.isEmpty else {
            let names = table.columns.map { cellText(.text($0.name), kind: .text, limit: plainCellLimit) }
            let index = table.rowCount == 0 ? "[]" : "[0, ..., \(table.rowCount - 1)]"
            return "Empty DataFrame\nColumns: [\(names.joined(separator: ", "))]\nIndex: \(index)\n\n\(footer)"
        }
        let rows = headAndTail(table.rowCount, limit: max(previewRows, 2))
        let columns = headAndTail(table.columns.count, limit: plainColumnLimit)
        var grid: [[String]] = [[""] + columns.map { column in
            column.map { cellText(.text(table.columns[$0].name), kind: .text, limit: plainCellLimit) } ?? "..."
        }]
        for row in rows {
            guard let row else {
                grid.append([".."] + Array(repeating: "...", count: columns.count))
                continue
            }
            grid.append([String(row)] + columns.map { column in
                guard let column else { return "..." }
                let kind = table.columns[column].kind
                return cellText(table.value(row: row, column: column), kind: kind, limit: plainCellLimit)
            })
        }
        return aligned(grid) + "\n\n" + footer
    }

    /// The grid's lines, the index (first) column padded on the right, every
    /// other cell on the left, to its column's width.
    private static func aligned(_ grid: [[String]]) -> String {
        var widths = [Int](repeating: 0, count: grid[0].count)
        for line in grid {
            for (i, cell) in line.enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        return grid.map { line in
            line.enumerated().map { i, cell in
                let padding = String(repeating: " ", count: widths[i] - cell.count)
                return i == 0 ? cell + padding : padding + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
