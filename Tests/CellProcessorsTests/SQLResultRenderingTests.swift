import JupyterProtocol
import XCTest

#if canImport(CellProcessors)
@testable import CellProcessors
#else
@testable import SQLResult
#endif

final class SQLResultRenderingTests: XCTestCase {
    func make(_ columns: [(name: String, kind: ColumnKind)], _ rows: [[CellValue]]) -> ResultTable {
        var builder = ResultTableBuilder(columns: columns)
        for row in rows { builder.append(row) }
        return builder.build()
    }

    func strings(_ bundle: [String: JSONValue]) -> (plain: String, html: String) {
        (bundle["text/plain"]?.stringValue ?? "", bundle["text/html"]?.stringValue ?? "")
    }

    func testPlainTextIsAlignedLikePandas() {
        let t = make([(name: "id", kind: .integer), (name: "name", kind: .text), (name: "x", kind: .float)],
                     [[.integer(1), .text("alice"), .float(1.5)], [.integer(20), .null, .null]])
        let plain = strings(TableRendering.mimeBundle(t)).plain
        XCTAssertEqual(plain, """
               id   name    x
            0   1  alice  1.5
            1  20   None  NaN

            [2 rows x 3 columns]
            """)
    }

    func testTruncationShowsHeadAndTailAndCounts() {
        let rows = (0..<1000).map { [CellValue.integer(Int64($0))] }
        let t = make([(name: "n", kind: .integer)], rows)
        let bundle = TableRendering.mimeBundle(t, previewRows: 4, dataRows: 3)
        let (plain, html) = strings(bundle)
        XCTAssertEqual(plain, """
                   n
            0      0
            1      1
            ..   ...
            998  998
            999  999

            [1000 rows x 1 columns]
            """)
        XCTAssertTrue(html.contains("1,000 rows × 1 column (showing first 4)"), html)
        XCTAssertEqual(html.components(separatedBy: "<tr>").count - 1, 4)
        XCTAssertEqual(bundle["application/vnd.dataresource+json"]?["data"]?.arrayValue?.count, 3)
    }

    func testHTMLEscapesEverything() {
        let t = make([(name: "<b>name</b>", kind: .text)], [[.text("<script>alert('x')</script> & \"q\"")]])
        let html = strings(TableRendering.mimeBundle(t)).html
        XCTAssertFalse(html.contains("<script>"))
        XCTAssertFalse(html.contains("<b>"))
        XCTAssertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"))
        XCTAssertTrue(html.contains("1 row × 1 column"))
        XCTAssertFalse(html.contains("showing"))
    }

    func testDataResourceTypesAndValues() throws {
        let t = make(
            [(name: "i", kind: .integer), (name: "f", kind: .float), (name: "b", kind: .boolean), (name: "t", kind: .text),
             (name: "ts", kind: .timestamp), (name: "tz", kind: .timestampTZ), (name: "d", kind: .date),
             (name: "j", kind: .json), (name: "y", kind: .bytes), (name: "i", kind: .integer)],
            [[.integer(1), .float(.nan), .boolean(true), .text("s"), .timestamp(microsSinceEpoch: 1_500_000),
              .timestampTZ(microsSinceEpoch: 0), .date(daysSinceEpoch: 1), .json("{\"k\":[1,null]}"), .bytes([1, 2, 3]), .integer(2)],
             [.null, .float(.infinity), .null, .null, .null, .null, .null, .json("not json"), .null, .null]])
        let resource = TableRendering.mimeBundle(t)["application/vnd.dataresource+json"]
        let fields = try XCTUnwrap(resource?["schema"]?["fields"]?.arrayValue)
        XCTAssertEqual(fields.compactMap { $0["type"]?.stringValue },
                       ["integer", "number", "boolean", "string", "datetime", "datetime", "date", "object", "string", "integer"])
        XCTAssertEqual(fields.compactMap { $0["name"]?.stringValue }, ["i", "f", "b", "t", "ts", "tz", "d", "j", "y", "i.1"])
        let data = try XCTUnwrap(resource?["data"]?.arrayValue)
        XCTAssertEqual(data[0], [
            "i": 1, "f": nil, "b": true, "t": "s", "ts": "1970-01-01T00:00:01.500000", "tz": "1970-01-01T00:00:00Z",
            "d": "1970-01-02", "j": ["k": [1, nil]], "y": "AQID", "i.1": 2,
        ])
        XCTAssertEqual(data[1]["f"], .null)
        XCTAssertEqual(data[1]["j"], "not json")
        XCTAssertEqual(data[1]["i"], .null)
        // The whole bundle encodes as valid JSON (no NaN or Infinity).
        let bytes = JSONCoding.encode(JSONValue.object(TableRendering.mimeBundle(t)))
        XCTAssertNoThrow(try JSONCoding.decode(JSONValue.self, from: bytes))
        XCTAssertNotEqual(bytes, Array("{}".utf8))
    }

    func testEmptyResultWithColumns() {
        let t = make([(name: "a", kind: .integer), (name: "b", kind: .text)], [])
        let bundle = TableRendering.mimeBundle(t)
        let (plain, html) = strings(bundle)
        XCTAssertEqual(plain, "Empty DataFrame\nColumns: [a, b]\nIndex: []\n\n[0 rows x 2 columns]")
        XCTAssertTrue(html.contains("<th>a</th><th>b</th>"))
        XCTAssertTrue(html.contains("0 rows × 2 columns"))
        XCTAssertEqual(bundle["application/vnd.dataresource+json"]?["data"], [])
        XCTAssertEqual(bundle["application/vnd.dataresource+json"]?["schema"]?["fields"]?.arrayValue?.count, 2)
    }

    func testZeroColumns() {
        var builder = ResultTableBuilder(columns: [])
        builder.append([])
        builder.append([])
        let bundle = TableRendering.mimeBundle(builder.build())
        let (plain, html) = strings(bundle)
        XCTAssertEqual(plain, "Empty DataFrame\nColumns: []\nIndex: [0, ..., 1]\n\n[2 rows x 0 columns]")
        XCTAssertTrue(html.contains("2 rows × 0 columns"))
        XCTAssertEqual(bundle["application/vnd.dataresource+json"]?["data"], [[:], [:]])
    }

    func testLongAndMultilineCellsStayOnOneBoundedLine() {
        let t = make([(name: "t", kind: .text)], [[.text(String(repeating: "x", count: 10_000) + "\n")], [.text("a\nb")]])
        let (plain, html) = strings(TableRendering.mimeBundle(t))
        XCTAssertEqual(plain.components(separatedBy: "\n").count, 5)
        XCTAssertTrue(plain.contains("a\\nb"))
        XCTAssertLessThan(html.count, 2_000)
    }

    func testWideTablesAreCut() {
        let columns = (0..<150).map { (name: "c\($0)", kind: ColumnKind.integer) }
        let t = make(columns, [columns.map { _ in .integer(1) }])
        let (plain, html) = strings(TableRendering.mimeBundle(t))
        XCTAssertTrue(plain.contains("c9  ...  c140"), plain)
        XCTAssertTrue(html.contains("showing first 100 columns"))
    }
}
