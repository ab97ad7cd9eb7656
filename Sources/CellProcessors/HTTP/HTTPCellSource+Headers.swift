extension HTTPCellSource {
    /// Parses one `Name: value` line. Messages name the line and, once it is known
    /// to be a token, the header name, never the value.
    static func header(_ line: Substring, lineNumber: Int) throws(HTTPCellError) -> HTTPCellHeader {
        if let first = line.utf8.first, first == 0x20 || first == 0x09 {
            throw HTTPCellError(code: HTTPCellError.Code.badHeader, message: "Line \(lineNumber) starts with whitespace: folded header lines are not supported; put each header on one line as `Name: value` (end the headers with an empty line before the body).")
        }
        guard let colon = line.firstIndex(of: ":") else {
            throw HTTPCellError(code: HTTPCellError.Code.badHeader, message: "Line \(lineNumber) is not a header `Name: value` (no colon); end the headers with an empty line before the body.")
        }
        let name = String(line[..<colon])
        guard isToken(name) else {
            throw HTTPCellError(code: HTTPCellError.Code.badHeader, message: "Line \(lineNumber): the header name before the colon is not a valid token (letters, digits and !#$%&'*+-.^_`|~ only, no spaces).")
        }
        let value = String(line[line.index(after: colon)...])
        return HTTPCellHeader(name: name, value: try checkedValue(value, name: name, origin: "line \(lineNumber)"))
    }

    /// A header value with surrounding spaces and tabs removed, refused when it
    /// holds a control character (CR/LF would start a new header: injection).
    static func checkedValue(_ value: String, name: String, origin: String) throws(HTTPCellError) -> String {
        if value.unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7F }) {
            throw HTTPCellError(code: HTTPCellError.Code.headerInjection, message: "The value of the header \(name) (\(origin)) contains a line break or another control character, which could inject headers; remove it.")
        }
        var scalars = Substring(value).unicodeScalars
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }

    /// RFC 9110 `token`.
    static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { byte in
            switch byte {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
            case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
                UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
                true
            default: false
            }
        }
    }
}
