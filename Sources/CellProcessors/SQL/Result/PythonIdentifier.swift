/// Which names a SQL cell may bind its rows to in the kernel.
///
/// The name is spliced into Python code, so this is strict: ASCII letters,
/// digits and `_`, not starting with a digit, at most 255 characters, not a
/// Python keyword (soft keywords included), not starting with `__` (dunders
/// such as `__builtins__` and `__import__`, which the binding code uses), and
/// not one of IPython's own history names (`_`, `_1`, `_i`, `_ii`, `In`, `Out`…).
public enum PythonIdentifier {
    public static let maxLength = 255

    public static func isValid(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= maxLength else { return false }
        guard isLetter(first) || first == UInt8(ascii: "_") else { return false }
        guard bytes.allSatisfy({ isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") }) else { return false }
        if name.hasPrefix("__") || keywords.contains(name) || ipythonNames.contains(name) { return false }
        // IPython's output and input history: _1, _i1, _ii1...
        if name.hasPrefix("_i") && name.dropFirst(2).allSatisfy(\.isNumber) { return false }
        if name.dropFirst().allSatisfy(\.isNumber) && first == UInt8(ascii: "_") { return false }
        return true
    }

    static let keywords: Set<String> = [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
        "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
        "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
        "return", "try", "while", "with", "yield",
        // soft keywords
        "match", "case", "type", "_",
    ]

    static let ipythonNames: Set<String> = ["In", "Out", "_ii", "_iii", "_ih", "_oh", "_dh", "exit", "quit", "get_ipython"]

    private static func isLetter(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
    }

    private static func isDigit(_ b: UInt8) -> Bool {
        b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")
    }
}
