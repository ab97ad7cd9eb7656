/// The source of an http cell (SPEC §5), parsed but not yet resolved:
///
/// ```
/// POST /orders            ← `METHOD URL`; a lone URL means GET; a trailing
///                           `HTTP/1.1` is accepted and ignored
/// Content-Type: application/json
/// X-Trace: abc            ← `Name: value` lines, until the first empty line
///
/// {"item": 42}            ← the body, byte for byte
/// ```
///
/// Empty lines before the request line are skipped. The method is letters only and
/// is upper-cased (`get` → `GET`); `CONNECT` is refused. Header values must not hold
/// CR, LF, NUL or other control characters (tab is allowed), and folded
/// (indented) continuation lines are refused. ``request(defaults:)`` resolves the
/// URL and merges a connection's default headers.
public struct HTTPCellSource: Sendable, Hashable {
    public var method: String
    /// As written: absolute, or relative to a connection's `base_url`.
    public var url: String
    public var headers: [HTTPCellHeader]
    public var body: [UInt8]

    public init(method: String, url: String, headers: [HTTPCellHeader] = [], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// Methods longer than this are refused.
    static let maxMethodLength = 32

    public static func parse(_ source: String) throws(HTTPCellError) -> HTTPCellSource {
        var lines = SourceLines(source)
        guard let (first, number) = lines.nextNonEmpty() else {
            throw HTTPCellError(code: HTTPCellError.Code.emptySource, message: "The http cell is empty: write `METHOD URL` on its first line, e.g. `GET https://example.com/`.")
        }
        let (method, url) = try requestLine(first, lineNumber: number)
        var headers: [HTTPCellHeader] = []
        while let (line, number) = lines.next(), !line.isEmpty {
            headers.append(try header(line, lineNumber: number))
        }
        return HTTPCellSource(method: method, url: url, headers: headers, body: lines.rest())
    }

    static func requestLine(_ line: Substring, lineNumber: Int) throws(HTTPCellError) -> (String, String) {
        if line.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" || $0.value == 0x7F }) {
            throw HTTPCellError(code: HTTPCellError.Code.badRequestLine, message: "Line \(lineNumber) (the request line) contains a control character; write `METHOD URL`.")
        }
        var parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        if parts.count == 3, parts[2].hasPrefix("HTTP/") { parts.removeLast() }
        switch parts.count {
        case 1 where isLetters(parts[0]) && !parts[0].contains(":"):
            throw HTTPCellError(code: HTTPCellError.Code.badRequestLine, message: "The request line has the method \(parts[0].prefix(maxMethodLength)) but no URL; write `METHOD URL`.")
        case 1:
            return ("GET", parts[0])
        case 2:
            return (try method(parts[0]), parts[1])
        default:
            throw HTTPCellError(code: HTTPCellError.Code.badRequestLine, message: "The request line must be `METHOD URL` (\(parts.count) words found; spaces in a URL must be written %20).")
        }
    }

    static func method(_ token: String) throws(HTTPCellError) -> String {
        guard isLetters(token), token.count <= maxMethodLength else {
            throw HTTPCellError(code: HTTPCellError.Code.badMethod, message: "'\(String(token.prefix(maxMethodLength)).httpEscapedControls)' is not an HTTP method; use GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS.")
        }
        let upper = token.uppercased()
        if upper == "CONNECT" {
            throw HTTPCellError(code: HTTPCellError.Code.badMethod, message: "CONNECT opens a tunnel and is not supported in http cells.")
        }
        return upper
    }

    static func isLetters(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }
    }
}

extension String {
    /// Control characters shown as escapes, for echoing short user text in messages.
    var httpEscapedControls: String {
        String(String.UnicodeScalarView(unicodeScalars.flatMap { scalar -> [Unicode.Scalar] in
            scalar.value < 0x20 || scalar.value == 0x7F ? Array(scalar.escaped(asASCII: true).unicodeScalars) : [scalar]
        }))
    }
}
