import XCTest

#if canImport(CellProcessors)
@testable import CellProcessors
#else
@testable import SQLResult
#endif

final class SQLResultBuilderTests: XCTestCase {
    func table(_ kind: ColumnKind, _ values: [CellValue]) -> ResultTable {
        var builder = ResultTableBuilder(columns: [(name: "c", kind: kind)])
        for value in values { builder.append([value]) }
        return builder.build()
    }

    func column(_ t: ResultTable) -> [CellValue] {
        (0..<t.rowCount).map { t.value(row: $0, column: 0) }
    }

    func testKeepsValuesAndNulls() {
        let values: [CellValue] = [.integer(1), .null, .integer(-5)]
        let t = table(.integer, values)
        XCTAssertEqual(t.rowCount, 3)
        XCTAssertEqual(t.columns, [ResultTable.Column(name: "c", kind: .integer)])
        XCTAssertEqual(column(t), values)
        XCTAssertEqual(t.nullCount(column: 0), 1)
    }

    func testEveryKindRoundTrips() {
        let samples: [(ColumnKind, CellValue)] = [
            (.integer, .integer(.min)), (.float, .float(.nan)), (.boolean, .boolean(true)),
            (.text, .text("héllo\n")), (.timestamp, .timestamp(microsSinceEpoch: -1)),
            (.timestampTZ, .timestampTZ(microsSinceEpoch: 1_700_000_000_123_456)),
            (.date, .date(daysSinceEpoch: -719_162)), (.json, .json("{\"a\":[1]}")), (.bytes, .bytes([0, 255])),
        ]
        for (kind, value) in samples {
            let t = table(kind, [.null, value])
            XCTAssertEqual(t.columns[0].kind, kind)
            XCTAssertEqual(column(t), [.null, value], "\(kind)")
        }
    }

    func testConvertsFittingValues() {
        XCTAssertEqual(column(table(.integer, [.boolean(true), .float(3), .text(" 42 ")])), [.integer(1), .integer(3), .integer(42)])
        XCTAssertEqual(column(table(.float, [.integer(2), .text("1.5"), .text("-Infinity")])), [.float(2), .float(1.5), .float(-.infinity)])
        XCTAssertEqual(column(table(.boolean, [.integer(0), .text("t"), .text("FALSE")])), [.boolean(false), .boolean(true), .boolean(false)])
        XCTAssertEqual(
            column(table(.text, [.integer(7), .boolean(false), .date(daysSinceEpoch: 19_723), .bytes([1, 0xab])])),
            [.text("7"), .text("false"), .text("2024-01-01"), .text("\\x01ab")])
        XCTAssertEqual(
            column(table(.timestamp, [.date(daysSinceEpoch: 1), .timestampTZ(microsSinceEpoch: 5)])),
            [.timestamp(microsSinceEpoch: 86_400_000_000), .timestamp(microsSinceEpoch: 5)])
        XCTAssertEqual(
            column(table(.json, [.integer(1), .text("a\"b"), .float(.nan), .boolean(true)])),
            [.json("1"), .json("\"a\\\"b\""), .json("null"), .json("true")])
        XCTAssertEqual(column(table(.bytes, [.text("hi")])), [.bytes([104, 105])])
    }

    func testIntegerColumnWidensToFloat() {
        let t = table(.integer, [.integer(1), .null, .float(2.5)])
        XCTAssertEqual(t.columns[0].kind, .float)
        XCTAssertEqual(column(t), [.float(1), .null, .float(2.5)])
    }

    func testMisfitTurnsColumnIntoText() {
        let t = table(.date, [.date(daysSinceEpoch: 0), .null, .text("not a date"), .integer(3)])
        XCTAssertEqual(t.columns[0].kind, .text)
        XCTAssertEqual(column(t), [.text("1970-01-01"), .null, .text("not a date"), .text("3")])
        let ints = table(.integer, [.integer(1), .text("x")])
        XCTAssertEqual(column(ints), [.text("1"), .text("x")])
    }

    func testShortRowsArePaddedWithNulls() {
        var builder = ResultTableBuilder(columns: [(name: "a", kind: .integer), (name: "b", kind: .text)])
        builder.append([.integer(1)])
        builder.append([.integer(2), .text("x"), .text("ignored")])
        let t = builder.build()
        XCTAssertEqual(t.value(row: 0, column: 1), .null)
        XCTAssertEqual(t.value(row: 1, column: 1), .text("x"))
    }

    func testTimestampText() {
        XCTAssertEqual(CellText.plain(.timestamp(microsSinceEpoch: 0)), "1970-01-01 00:00:00")
        XCTAssertEqual(CellText.plain(.timestamp(microsSinceEpoch: -1)), "1969-12-31 23:59:59.999999")
        XCTAssertEqual(CellText.plain(.timestampTZ(microsSinceEpoch: 951_782_400_000_000)), "2000-02-29 00:00:00+00:00")
        XCTAssertEqual(CellText.plain(.date(daysSinceEpoch: 2_932_896)), "9999-12-31")
    }
}
