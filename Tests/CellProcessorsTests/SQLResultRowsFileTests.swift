import Foundation
import JupyterProtocol
import XCTest

#if canImport(CellProcessors)
@testable import CellProcessors
#else
@testable import SQLResult
#endif

final class SQLResultRowsFileTests: XCTestCase {
    typealias Loader = PythonProbe

    static let everyKind: ResultTable = {
        var builder = ResultTableBuilder(columns: [
            (name: "i", kind: .integer), (name: "i2", kind: .integer), (name: "f", kind: .float),
            (name: "b", kind: .boolean), (name: "b2", kind: .boolean), (name: "t", kind: .text),
            (name: "ts", kind: .timestamp), (name: "tz", kind: .timestampTZ), (name: "d", kind: .date),
            (name: "j", kind: .json), (name: "y", kind: .bytes), (name: "naïve \"name\"", kind: .text),
        ])
        builder.append([.integer(1), .integer(1), .float(1.5), .boolean(true), .boolean(true),
                        .text("héllo \"q\" \\ \n\u{1}😀"), .timestamp(microsSinceEpoch: 1_700_000_000_123_456),
                        .timestampTZ(microsSinceEpoch: 0), .date(daysSinceEpoch: 19_723), .json("{\"a\": [1, 2]}"),
                        .bytes([0, 255]), .text("<script>")])
        builder.append([.null, .integer(2), .null, .null, .boolean(false), .null, .null, .null, .null, .null, .null, .null])
        builder.append([.integer(.min), .integer(3), .float(-0.25), .boolean(false), .boolean(true), .text(""),
                        .timestamp(microsSinceEpoch: -1), .timestampTZ(microsSinceEpoch: 86_400_000_000),
                        .date(daysSinceEpoch: -1), .json("[1, \"x\"]"), .bytes([]), .text("x")])
        return builder.build()
    }()

    func assertCommonValues(_ probe: Loader.Probe, tz: String) {
        XCTAssertEqual(probe.json["rows"], 3)
        XCTAssertEqual(probe.values("i"), [1, nil, .int(.min)])
        XCTAssertEqual(probe.values("i2"), [1, 2, 3])
        XCTAssertEqual(probe.values("f"), [.double(1.5), nil, .double(-0.25)])
        XCTAssertEqual(probe.values("b"), [true, nil, false])
        XCTAssertEqual(probe.values("b2"), [true, false, true])
        XCTAssertEqual(probe.values("t"), ["héllo \"q\" \\ \n\u{1}😀", nil, ""])
        XCTAssertEqual(probe.values("ts"), ["datetime:2023-11-14T22:13:20.123456", nil, "datetime:1969-12-31T23:59:59.999999"])
        XCTAssertEqual(probe.values("tz"), [.string("datetime:1970-01-01T00:00:00" + tz), nil, .string("datetime:1970-01-02T00:00:00" + tz)])
        XCTAssertEqual(probe.values("d"), ["date:2024-01-01", nil, "date:1969-12-31"])
        XCTAssertEqual(probe.values("j"), [["a": [1, 2]], nil, [1, "x"]])
        XCTAssertEqual(probe.values("y"), ["bytes:00ff", nil, "bytes:"])
        XCTAssertEqual(probe.values("naïve \"name\""), ["<script>", nil, "x"])
    }

    func testPandasGetsTypedColumns() throws {
        guard try Loader.hasPandas() else { throw XCTSkip("no pandas for \(Loader.python); set SPIN_TEST_PYTHON") }
        let probe = try Loader.load(Self.everyKind, mode: "pandas", folder: moduleFolder())
        XCTAssertEqual(probe.json["type"], "DataFrame")
        assertCommonValues(probe, tz: "+00:00")
        XCTAssertEqual(probe.dtype("i"), "Int64")
        XCTAssertEqual(probe.dtype("i2"), "int64")
        XCTAssertEqual(probe.dtype("f"), "float64")
        XCTAssertEqual(probe.dtype("b"), "boolean")
        XCTAssertEqual(probe.dtype("b2"), "bool")
        XCTAssertEqual(probe.dtype("t"), "object")
        XCTAssertTrue(probe.dtype("ts")?.hasPrefix("datetime64[") ?? false, "\(String(describing: probe.dtype("ts")))")
        XCTAssertTrue(probe.dtype("tz")?.hasSuffix(", UTC]") ?? false, "\(String(describing: probe.dtype("tz")))")
        XCTAssertEqual(probe.dtype("d"), "object")
        XCTAssertEqual(probe.types("d"), ["NoneType", "date"])
        XCTAssertEqual(probe.types("y"), ["NoneType", "bytes"])
        XCTAssertEqual(probe.types("t"), ["NoneType", "str"])
    }

    func testWithoutPandasGetsListOfDicts() throws {
        for mode in ["records", "pure"] {
            let probe = try Loader.load(Self.everyKind, mode: mode, folder: moduleFolder())
            XCTAssertEqual(probe.json["type"], "list", mode)
            assertCommonValues(probe, tz: "+00:00")
            let expected: [String: [String]] = [
                "i": ["NoneType", "int"], "f": ["NoneType", "float"], "b": ["NoneType", "bool"], "b2": ["bool"],
                "t": ["NoneType", "str"], "ts": ["NoneType", "datetime"], "tz": ["NoneType", "datetime"],
                "d": ["NoneType", "date"], "y": ["NoneType", "bytes"],
            ]
            for (name, types) in expected { XCTAssertEqual(probe.types(name), types, "\(mode) \(name)") }
        }
    }

    func testEmptyAndZeroColumnTables() throws {
        let empty = ResultTableBuilder(columns: [(name: "a", kind: .integer), (name: "b", kind: .text)]).build()
        var zero = ResultTableBuilder(columns: [])
        zero.append([])
        let pandas = try Loader.hasPandas()
        for mode in pandas ? ["pandas", "pure"] : ["pure"] {
            let probe = try Loader.load(empty, mode: mode, folder: moduleFolder())
            XCTAssertEqual(probe.json["rows"], 0)
            if mode == "pandas" {
                XCTAssertEqual(probe.json["names"], ["a", "b"])
                XCTAssertEqual(probe.dtype("a"), "int64")
            }
            let zeroProbe = try Loader.load(zero.build(), mode: mode, folder: moduleFolder())
            XCTAssertEqual(zeroProbe.json["rows"], 1)
        }
    }

    func testWriteReplacesStaleTemporaryAndFailsCleanly() throws {
        let folder = try moduleFolder()
        let path = folder + "/rows"
        _ = FileManager.default.createFile(atPath: path + ".tmp", contents: Data("stale".utf8), attributes: [.posixPermissions: 0o644])
        try RowsFile.write(Self.everyKind, to: path)
        let bytes = try XCTUnwrap(FileManager.default.contents(atPath: path))
        XCTAssertEqual(Array(bytes.prefix(8)), RowsFile.magic)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + ".tmp"))
        XCTAssertThrowsError(try RowsFile.write(Self.everyKind, to: folder + "/missing/rows")) { error in
            XCTAssertEqual((error as? RowsFileError)?.code, .cannotCreate)
        }
    }
}
