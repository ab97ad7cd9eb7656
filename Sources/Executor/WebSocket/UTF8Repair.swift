import JupyterProtocol

/// Kernel messages are JSON in UTF-8 — nearly always. Python's `jupyter_client`
/// encodes with `surrogateescape`, so a string holding a lone surrogate
/// (`print('\udcff')`) reaches us as a raw byte that is not UTF-8. A WebSocket
/// text frame must be valid UTF-8 (a browser fails the whole connection on it),
/// so frames and JSON documents are checked, and repaired with U+FFFD — JSON's
/// structure is ASCII, so the bad bytes are inside strings and the document
/// stays valid JSON.
enum UTF8Repair {
    /// `bytes` unchanged when valid, else with each bad sequence as U+FFFD.
    static func repaired(_ bytes: [UInt8]) -> [UInt8] {
        UTF8Validation.isValid(bytes) ? bytes : Array(String(decoding: bytes, as: UTF8.self).utf8)
    }
}
