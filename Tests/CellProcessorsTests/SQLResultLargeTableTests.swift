import Foundation
import JupyterProtocol
import XCTest

#if canImport(CellProcessors)
@testable import CellProcessors
#else
@testable import SQLResult
#endif

/// One million rows × (2 integers, 1 text, 1 timestamp): built, written, loaded.
/// Prints the times and sizes; asserts only on values.
final class SQLResultLargeTableTests: XCTestCase {
    static let rows = 1_000_000
    static let base: Int64 = 1_700_000_000_000_000

    static func build() -> ResultTable {
        var builder = ResultTableBuilder(columns: [
            (name: "id", kind: .integer), (name: "amount", kind: .integer),
            (name: "customer", kind: .text), (name: "created_at", kind: .timestamp),
        ])
        builder.reserveCapacity(rows)
        for i in 0..<rows {
            let n = Int64(i)
            builder.append([
                .integer(n), i % 10 == 9 ? .null : .integer(n * 7),
                .text("customer-\(i)"), .timestamp(microsSinceEpoch: base + n * 1_000_000),
            ])
        }
        return builder.build()
    }

    func testMillionRows() throws {
        let rssBefore = Self.residentBytes()
        var start = Date()
        let table = Self.build()
        let buildSeconds = Date().timeIntervalSince(start)
        let rssAfter = Self.residentBytes()
        XCTAssertEqual(table.rowCount, Self.rows)
        XCTAssertEqual(table.value(row: 999_999, column: 2), .text("customer-999999"))
        XCTAssertEqual(table.value(row: 9, column: 1), .null)
        XCTAssertLessThan(table.approximateByteCount, 100_000_000)

        let folder = try moduleFolder()
        let path = folder + "/large"
        start = Date()
        try RowsFile.write(table, to: path)
        let writeSeconds = Date().timeIntervalSince(start)
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? -1
        start = Date()
        _ = TableRendering.mimeBundle(table)
        let renderSeconds = Date().timeIntervalSince(start)
        var report = String(
            format: "1M rows: build %.2fs, table %.1f MB (RSS +%.1f MB), write %.2fs, file %.1f MB, render %.3fs",
            buildSeconds, Double(table.approximateByteCount) / 1e6, Double(rssAfter - rssBefore) / 1e6,
            writeSeconds, Double(size) / 1e6, renderSeconds)

        let modes = try PythonProbe.hasPandas() ? ["pandas", "pure"] : ["pure"]
        for mode in modes {
            if mode != modes[0] { try RowsFile.write(table, to: path) }
            let probe = try PythonProbe.load(table, mode: mode, folder: folder, path: path, written: true)
            XCTAssertEqual(probe.json["rows"], .int(Int64(Self.rows)))
            XCTAssertEqual(probe.values("id"), [0, 1, 2, 3, 4])
            XCTAssertEqual(probe.values("customer"), ["customer-0", "customer-1", "customer-2", "customer-3", "customer-4"])
            XCTAssertEqual(probe.values("created_at").first, "datetime:2023-11-14T22:13:20")
            if mode == "pandas" {
                XCTAssertEqual(probe.dtype("amount"), "Int64")
                XCTAssertEqual(probe.dtype("id"), "int64")
            }
            let seconds = probe.json["seconds"].flatMap { if case .double(let s) = $0 { s } else { nil } } ?? -1
            report += String(format: ", load (%@) %.2fs", mode, seconds)
        }
        print(report)
    }

    /// VmRSS from /proc (Linux); 0 elsewhere.
    static func residentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let kb = line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
            return kb * 1024
        }
        return 0
    }
}
