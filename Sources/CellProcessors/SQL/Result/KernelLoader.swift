/// The Python side of `RowsFile`: a module the kernels import to bind rows.
///
/// The integrator writes `source` as `_spin_rows.py` into a folder on the
/// kernels' `PYTHONPATH`. `load(path, remove=True)` returns a pandas DataFrame
/// when pandas and numpy import, else a list of dicts of plain Python values.
public enum KernelLoader {
    public static let moduleName = "_spin_rows"

    /// One line of Python that binds the rows at `path` to `variable` and
    /// removes the file. A `variable` that `PythonIdentifier` refuses is never
    /// spliced in: the line then raises `NameError` in the kernel instead.
    public static func bindingCode(variable: String, path: String) -> String {
        guard PythonIdentifier.isValid(variable) else {
            return "raise NameError('SPIN: the SQL cell variable is not a valid Python name')"
        }
        return "\(variable) = __import__(\(pythonLiteral(moduleName))).load(\(pythonLiteral(path)), remove=True)"
    }

    /// `text` as a single-quoted Python string literal in which only ASCII
    /// letters, digits and `/ _ . - + : @ , =` and space appear unescaped.
    public static func pythonLiteral(_ text: String) -> String {
        var out = "'"
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if isPlain(v) {
                out.unicodeScalars.append(scalar)
            } else if v < 0x100 {
                out += "\\x" + hex(v, width: 2)
            } else if v < 0x10000 {
                out += "\\u" + hex(v, width: 4)
            } else {
                out += "\\U" + hex(v, width: 8)
            }
        }
        return out + "'"
    }

    private static func isPlain(_ v: UInt32) -> Bool {
        switch v {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        default: return "/_.-+:@,= ".unicodeScalars.contains { $0.value == v }
        }
    }

    private static func hex(_ v: UInt32, width: Int) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: width - s.count) + s
    }
}
