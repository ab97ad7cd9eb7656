import CellProcessors
import XCTest

final class HTTPCellSourceTests: XCTestCase {
    func parse(_ source: String, _ defaults: HTTPRequestDefaults? = nil) throws(HTTPCellError) -> HTTPCellRequest {
        try HTTPCellSource.parse(source).request(defaults: defaults)
    }

    func code(_ source: String, _ defaults: HTTPRequestDefaults? = nil) -> String? {
        do {
            _ = try parse(source, defaults)
            return nil
        } catch {
            return error.code
        }
    }

    func message(_ source: String, _ defaults: HTTPRequestDefaults? = nil) -> String {
        do {
            _ = try parse(source, defaults)
            return ""
        } catch {
            return error.message
        }
    }

    func testMethodURLHeadersAndBody() throws {
        let request = try parse("POST https://api.example.com/orders\nX-Trace: abc \nAccept:application/json\n\n{\"a\": 1}\nsecond line")
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.url, "https://api.example.com/orders")
        XCTAssertEqual(request.headers, [
            HTTPCellHeader(name: "X-Trace", value: "abc"), HTTPCellHeader(name: "Accept", value: "application/json"),
        ])
        XCTAssertEqual(String(decoding: request.body, as: UTF8.self), "{\"a\": 1}\nsecond line")
    }

    func testCRLFSourceAndBodyKeptByteForByte() throws {
        let request = try parse("PUT http://h/x\r\nA: 1\r\n\r\nline1\r\nline2\r\n")
        XCTAssertEqual(request.headers.first(named: "a"), "1")
        XCTAssertEqual(request.body, Array("line1\r\nline2\r\n".utf8))
    }

    func testLoneURLMeansGETAndLeadingBlankLinesAreSkipped() throws {
        let request = try parse("\n  \nhttps://example.com/")
        XCTAssertEqual(request.method, "GET")
        XCTAssertEqual(request.url, "https://example.com/")
        XCTAssertEqual(request.body, [])
    }

    func testLowercaseMethodAndTrailingHTTPVersion() throws {
        let request = try parse("patch https://example.com/a HTTP/1.1")
        XCTAssertEqual(request.method, "PATCH")
    }

    func testJSONBodyGetsContentTypeUnlessGiven() throws {
        XCTAssertEqual(try parse("POST http://h/\n\n{\"a\":1}").headers.first(named: "content-type"), "application/json")
        XCTAssertEqual(try parse("POST http://h/\n\n[1,2]").headers.first(named: "content-type"), "application/json")
        XCTAssertNil(try parse("POST http://h/\n\na=1").headers.first(named: "content-type"))
        XCTAssertNil(try parse("POST http://h/\n\n{not json").headers.first(named: "content-type"))
        let given = try parse("POST http://h/\nContent-Type: text/plain\n\n{\"a\":1}")
        XCTAssertEqual(given.headers, [HTTPCellHeader(name: "Content-Type", value: "text/plain")])
    }

    func testEmptySource() {
        XCTAssertEqual(code(""), HTTPCellError.Code.emptySource)
        XCTAssertEqual(code(" \n\t\n\r\n"), HTTPCellError.Code.emptySource)
    }

    func testBadRequestLines() {
        XCTAssertEqual(code("GET"), HTTPCellError.Code.badRequestLine)
        XCTAssertEqual(code("GET https://h/a b"), HTTPCellError.Code.badRequestLine)
        XCTAssertEqual(code("GET\u{0}https://h/"), HTTPCellError.Code.badRequestLine)
        XCTAssertEqual(code("GE-T https://h/"), HTTPCellError.Code.badMethod)
        XCTAssertEqual(code("G3T https://h/"), HTTPCellError.Code.badMethod)
        XCTAssertEqual(code("CONNECT https://h/"), HTTPCellError.Code.badMethod)
        XCTAssertEqual(code(String(repeating: "A", count: 33) + " https://h/"), HTTPCellError.Code.badMethod)
        XCTAssertEqual(code("GÉT https://h/"), HTTPCellError.Code.badMethod)
    }

    func testNonHTTPSchemesAreRefused() {
        for url in ["file:///etc/passwd", "FILE:///etc/passwd", "gopher://h:70/_x", "ftp://h/", "dict://h:11211/stat",
                    "ldap://h/", "smb://h/share", "javascript:alert(1)", "localhost:8080/x", "data:text/plain,hi"] {
            XCTAssertEqual(code("GET \(url)"), HTTPCellError.Code.unsupportedScheme, url)
        }
        XCTAssertEqual(code("GET file:///etc/passwd", HTTPRequestDefaults(baseURL: "https://h/")), HTTPCellError.Code.unsupportedScheme)
    }

    func testBadURLs() {
        XCTAssertEqual(code("GET https://"), HTTPCellError.Code.badURL)
        XCTAssertEqual(code("GET http:///path"), HTTPCellError.Code.badURL)
        XCTAssertEqual(code("GET //h/path", HTTPRequestDefaults(baseURL: "https://h")), HTTPCellError.Code.badURL)
        XCTAssertEqual(code("GET https://h/\u{7F}"), HTTPCellError.Code.badRequestLine)
    }

    func testRelativeURLNeedsABaseURL() {
        XCTAssertEqual(code("GET /users"), HTTPCellError.Code.relativeURL)
        XCTAssertEqual(code("/users"), HTTPCellError.Code.relativeURL)
        XCTAssertEqual(code("GET /users", HTTPRequestDefaults(headers: ["A": "b"])), HTTPCellError.Code.relativeURL)
        XCTAssertEqual(code("GET /users", HTTPRequestDefaults(baseURL: "file:///etc")), HTTPCellError.Code.unsupportedScheme)
        XCTAssertEqual(code("GET /users", HTTPRequestDefaults(baseURL: "api.example.com")), HTTPCellError.Code.badBaseURL)
    }

    func testRelativeURLIsAppendedToTheBaseURL() throws {
        let v1 = HTTPRequestDefaults(baseURL: "https://api.example.com/v1")
        XCTAssertEqual(try parse("GET /users?x=1", v1).url, "https://api.example.com/v1/users?x=1")
        XCTAssertEqual(try parse("GET users", v1).url, "https://api.example.com/v1/users")
        XCTAssertEqual(try parse("GET /users", HTTPRequestDefaults(baseURL: "https://api.example.com/v1/")).url, "https://api.example.com/v1/users")
        XCTAssertEqual(try parse("GET ?q=2", HTTPRequestDefaults(baseURL: "https://h/search?q=1")).url, "https://h/search?q=2")
        XCTAssertEqual(try parse("GET /x", HTTPRequestDefaults(baseURL: "http://127.0.0.1:8080")).url, "http://127.0.0.1:8080/x")
    }

    func testConnectionHeadersAreDefaultsTheCellOverrides() throws {
        let defaults = HTTPRequestDefaults(baseURL: "https://api.example.com", headers: ["Authorization": "Bearer k", "Accept": "text/csv"])
        let request = try parse("GET /a\naccept: application/json", defaults)
        XCTAssertEqual(request.headers, [
            HTTPCellHeader(name: "Authorization", value: "Bearer k"), HTTPCellHeader(name: "accept", value: "application/json"),
        ])
    }

    func testConnectionHeadersStayOnTheConnectionsOrigin() throws {
        let defaults = HTTPRequestDefaults(baseURL: "https://api.example.com", headers: ["Authorization": "Bearer k"])
        XCTAssertEqual(try parse("GET https://API.example.com:443/a", defaults).headers.first(named: "authorization"), "Bearer k")
        XCTAssertNil(try parse("GET https://evil.example.net/a", defaults).headers.first(named: "authorization"))
        XCTAssertNil(try parse("GET http://api.example.com/a", defaults).headers.first(named: "authorization"))
        XCTAssertNil(try parse("GET https://api.example.com:8443/a", defaults).headers.first(named: "authorization"))
        let noBase = HTTPRequestDefaults(headers: ["X-Key": "k"])
        XCTAssertEqual(try parse("GET https://anywhere/a", noBase).headers.first(named: "x-key"), "k")
    }

    func testMalformedHeaderLines() {
        XCTAssertEqual(code("GET http://h/\nno colon here"), HTTPCellError.Code.badHeader)
        XCTAssertEqual(code("GET http://h/\n: empty name"), HTTPCellError.Code.badHeader)
        XCTAssertEqual(code("GET http://h/\nBad Name: v"), HTTPCellError.Code.badHeader)
        XCTAssertEqual(code("GET http://h/\nA: 1\n  folded"), HTTPCellError.Code.badHeader)
        XCTAssertEqual(code("GET http://h/\nNäme: v"), HTTPCellError.Code.badHeader)
    }

    func testHeaderInjectionIsRefused() {
        XCTAssertEqual(code("GET http://h/\nX-A: 1\rInjected: yes"), HTTPCellError.Code.headerInjection)
        XCTAssertEqual(code("GET http://h/\nX-A: 1\u{0}2"), HTTPCellError.Code.headerInjection)
        XCTAssertEqual(code("GET http://h/\nX-A: 1\u{1B}[2J"), HTTPCellError.Code.headerInjection)
        XCTAssertEqual(code("GET http://h/", HTTPRequestDefaults(headers: ["X-A": "1\r\nHost: evil"])), HTTPCellError.Code.headerInjection)
        XCTAssertEqual(code("GET http://h/", HTTPRequestDefaults(headers: ["Bad Name": "v"])), HTTPCellError.Code.badHeader)
        XCTAssertNoThrow(try parse("GET http://h/\nX-A: a\tb"))
    }

    func testMessagesNeverEchoHeaderValuesOrURLSecrets() {
        let secret = "s3cr3t-token"
        XCTAssertFalse(message("GET http://h/\nAuthorization Bearer \(secret)").contains(secret))
        XCTAssertFalse(message("GET http://h/\nAuthorization: Bearer \(secret)\r\nX: y").contains(secret))
        XCTAssertFalse(message("GET http://h/", HTTPRequestDefaults(headers: ["Authorization": "\(secret)\n"])).contains(secret))
        XCTAssertTrue(message("GET http://h/\nAuthorization: Bearer \(secret)\u{0}").contains("Authorization"))
    }

    func testHostileInputDoesNotCrash() {
        let samples = [
            String(repeating: "\n", count: 10_000), String(repeating: "A: b\n", count: 10_000),
            "GET " + String(repeating: "%", count: 5000), "\u{FEFF}GET http://h/", "GET http://[::1/", "GET http://h:99999/",
            "GET http://h/\n\n" + String(repeating: "\u{0}", count: 100), "🙂 🙂", "GET \u{202E}http://h/",
        ]
        for sample in samples {
            _ = code(sample)
        }
    }
}
