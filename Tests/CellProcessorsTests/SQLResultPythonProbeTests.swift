import Foundation
import JupyterProtocol
import XCTest

#if canImport(CellProcessors)
@testable import CellProcessors
#else
@testable import SQLResult
#endif

/// Runs the Python loader on rows files. The interpreter is `SPIN_TEST_PYTHON`
/// (a venv with pandas and numpy, for the DataFrame checks) or `python3` from PATH;
/// checks that need pandas skip when it is absent.
enum PythonProbe {
    /// What Python prints: per column its dtype (or "list") and values made JSON-able.
    static let probe = #"""
import datetime, json, sys, time
folder, path, mode = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, folder)
if mode in ("records", "pure"):
    sys.modules["pandas"] = None
if mode == "pure":
    sys.modules["numpy"] = None
import _spin_rows
start = time.perf_counter()
rows = _spin_rows.load(path, remove=True)
seconds = time.perf_counter() - start

def plain(v):
    if v is None or (isinstance(v, float) and v != v):
        return None
    if type(v).__name__ in ("NAType", "NaTType"):
        return None
    if isinstance(v, datetime.datetime):
        return "datetime:" + v.isoformat()
    if isinstance(v, datetime.date):
        return "date:" + v.isoformat()
    if isinstance(v, bytes):
        return "bytes:" + v.hex()
    if hasattr(v, "item") and not isinstance(v, (list, dict)):
        v = v.item()
    return v

def kinds(values):
    return sorted({type(v).__name__ for v in values})

if isinstance(rows, list):
    names = list(rows[0].keys()) if rows else []
    out = {"type": "list", "rows": len(rows), "columns": {
        n: {"types": kinds([r[n] for r in rows]), "values": [plain(r[n]) for r in rows[:5]]} for n in names}}
else:
    out = {"type": "DataFrame", "rows": len(rows), "names": [str(c) for c in rows.columns], "columns": {
        str(n): {"dtype": str(rows[n].dtype), "types": kinds(rows[n].tolist()),
                 "values": [plain(v) for v in rows[n].tolist()[:5]]} for n in rows.columns}}
out["seconds"] = seconds
import os
out["removed"] = not os.path.exists(path)
print(json.dumps(out))
"""#

    struct Probe {
        let json: JSONValue
        func column(_ name: String) -> JSONValue? { json["columns"]?[name] }
        func values(_ name: String) -> [JSONValue] { column(name)?["values"]?.arrayValue ?? [] }
        func dtype(_ name: String) -> String? { column(name)?["dtype"]?.stringValue }
        func types(_ name: String) -> [String] { column(name)?["types"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
    }

    static var python: (executable: String, arguments: [String]) {
        if let python = ProcessInfo.processInfo.environment["SPIN_TEST_PYTHON"], !python.isEmpty {
            return (python, [])
        }
        return ("/usr/bin/env", ["python3"])
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python.executable)
        process.arguments = python.arguments + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func hasPandas() throws -> Bool {
        try run(["-I", "-c", "import pandas, numpy"]).status == 0
    }

    /// Writes `table`, loads it in Python in `mode` (pandas, records, pure), returns what it printed.
    static func load(
        _ table: ResultTable, mode: String, folder: String, path: String? = nil, written: Bool = false
    ) throws -> Probe {
        let path = path ?? folder + "/rows-\(mode)"
        if !written { try RowsFile.write(table, to: path) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + ".tmp"))
        let mode_t = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        XCTAssertEqual(mode_t, 0o600)
        let (status, output) = try run(["-I", "-c", Self.probe, folder, path, mode])
        XCTAssertEqual(status, 0, output)
        let line = output.split(separator: "\n").last.map(String.init) ?? ""
        let json = try JSONCoding.decode(JSONValue.self, from: Array(line.utf8))
        XCTAssertEqual(json["removed"], true)
        return Probe(json: json)
    }
}

extension XCTestCase {
    /// A new folder holding `_spin_rows.py`, removed when the test ends.
    func moduleFolder() throws -> String {
        let folder = NSTemporaryDirectory() + "spin-rows-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try KernelLoader.source.write(toFile: folder + "/\(KernelLoader.moduleName).py", atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: folder) }
        return folder
    }
}
