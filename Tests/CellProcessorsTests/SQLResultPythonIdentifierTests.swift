import XCTest

#if canImport(CellProcessors)
@testable import CellProcessors
#else
@testable import SQLResult
#endif

final class SQLResultPythonIdentifierTests: XCTestCase {
    func testAcceptsPlainNames() {
        for name in ["df", "df_orders", "_private", "x1", "Orders2024", "id", "matches", "data", String(repeating: "a", count: 255)] {
            XCTAssertTrue(PythonIdentifier.isValid(name), name)
        }
    }

    func testRefusesHostileAndReservedNames() {
        let refused = [
            "", " ", "x; import os", "x=1", "x\n", "a.b", "a-b", "1x", "df ", "x#", "(x)",
            "__import__", "__builtins__", "__name__", "__x",
            "class", "import", "None", "True", "lambda", "match", "type", "_",
            "In", "Out", "_1", "_i", "_i3", "_ii", "_oh", "get_ipython",
            "données", "ｄｆ", "df\u{200B}", "x\u{0}", String(repeating: "a", count: 1000),
        ]
        for name in refused {
            XCTAssertFalse(PythonIdentifier.isValid(name), name.debugDescription)
        }
    }

    func testBindingCode() {
        XCTAssertEqual(
            KernelLoader.bindingCode(variable: "df", path: "/tmp/spin/rows-1"),
            "df = __import__('_spin_rows').load('/tmp/spin/rows-1', remove=True)")
        let hostile = KernelLoader.bindingCode(variable: "x; import os", path: "/tmp/a")
        XCTAssertFalse(hostile.contains("import os"))
        XCTAssertTrue(hostile.hasPrefix("raise NameError("))
    }

    func testPathLiteralEscapesEverythingUnusual() {
        XCTAssertEqual(KernelLoader.pythonLiteral("/a'b\\c\nd"), "'/a\\x27b\\x5cc\\x0ad'")
        XCTAssertEqual(KernelLoader.pythonLiteral("é€😀"), "'\\xe9\\u20ac\\U0001f600'")
        let line = KernelLoader.bindingCode(variable: "df", path: "/x')\nimport os#")
        XCTAssertFalse(line.contains("\n"))
        XCTAssertTrue(line.contains("'/x\\x27\\x29\\x0aimport os\\x23'"))
    }
}
