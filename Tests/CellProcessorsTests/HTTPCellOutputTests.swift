import CellProcessors
import Foundation
import JupyterProtocol
import XCTest

final class HTTPCellOutputTests: XCTestCase {
    func response(_ body: String, type: String?, status: Int = 200) -> HTTPCellResponse {
        response(Array(body.utf8), type: type, status: status)
    }

    func response(_ body: [UInt8], type: String?, status: Int = 200) -> HTTPCellResponse {
        HTTPCellResponse(
            status: status, reason: "OK", httpVersion: "1.1",
            headers: type.map { [HTTPCellHeader(name: "Content-Type", value: $0)] } ?? [], body: body,
            effectiveURL: "https://user:pw@h/x?key=secret"
        )
    }

    func testStatusDisplayListsStatusLineAndHeaders() {
        var redirected = response("{}", type: "application/json")
        redirected.redirectCount = 2
        let output = HTTPCellOutput(response: redirected)
        XCTAssertEqual(output.statusDisplay, ["text/plain": "HTTP/1.1 200 OK\nContent-Type: application/json\n(after 2 redirects: https://h/x)"])
        let http2 = HTTPCellOutput(response: HTTPCellResponse(status: 204, httpVersion: "2"))
        XCTAssertEqual(http2.statusDisplay, ["text/plain": "HTTP/2 204"])
    }

    func testJSONBody() {
        let output = HTTPCellOutput(response: response("{\"b\": [1, 2.5], \"a\": null}", type: "application/json; charset=utf-8"))
        let json: JSONValue = ["b": [1, .double(2.5)], "a": nil]
        XCTAssertEqual(output.value, .json(json))
        XCTAssertEqual(output.result["application/json"], json)
        XCTAssertEqual(output.result["text/plain"], "{\n  \"a\" : null,\n  \"b\" : [\n    1,\n    2.5\n  ]\n}")
    }

    func testJSONIsSniffedUnlessTheTypeForbidsIt() {
        XCTAssertEqual(HTTPCellOutput(response: response("[1]", type: "text/plain")).value, .json([1]))
        XCTAssertEqual(HTTPCellOutput(response: response(" {\"a\":1}", type: nil)).value, .json(["a": 1]))
        XCTAssertEqual(HTTPCellOutput(response: response("{\"a\":1}", type: "application/problem+json")).value, .json(["a": 1]))
        XCTAssertEqual(HTTPCellOutput(response: response("[1]", type: "text/html")).value, .text("[1]"))
        XCTAssertEqual(HTTPCellOutput(response: response("42", type: "text/plain")).value, .text("42"))
    }

    func testBadJSONWithAJSONTypeIsText() {
        let output = HTTPCellOutput(response: response("{oops", type: "application/json"))
        XCTAssertEqual(output.value, .text("{oops"))
        XCTAssertEqual(output.result, ["text/plain": "{oops"])
    }

    func testTextAndHTMLAreShownAsPlainText() {
        let html = HTTPCellOutput(response: response("<script>alert(1)</script>", type: "text/html"))
        XCTAssertEqual(html.result, ["text/plain": "<script>alert(1)</script>"])
        XCTAssertEqual(html.value, .text("<script>alert(1)</script>"))
        let latin1 = HTTPCellOutput(response: response([0x63, 0x61, 0x66, 0xE9], type: "text/plain; charset=ISO-8859-1"))
        XCTAssertEqual(latin1.value, .text("café"))
    }

    func testBinaryAndImages() {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0, 1, 2]
        let image = HTTPCellOutput(response: response(png, type: "image/png"))
        XCTAssertEqual(image.result, ["image/png": .string(Data(png).base64EncodedString()), "text/plain": "<7 bytes of image/png>"])
        XCTAssertEqual(image.value, .bytes(png))
        XCTAssertEqual(image.value.jsonValue, .string(Data(png).base64EncodedString()))
        let big = HTTPCellOutput(response: response(png, type: "image/png"), limits: .init(maxImageBytes: 4))
        XCTAssertEqual(big.result, ["text/plain": "<7 bytes of image/png>"])
        let svg = HTTPCellOutput(response: response("<svg onload=x/>", type: "image/svg+xml"))
        XCTAssertEqual(svg.result, ["text/plain": "<svg onload=x/>"])
        let octets = HTTPCellOutput(response: response([0, 0xFF], type: nil))
        XCTAssertEqual(octets.result, ["text/plain": "<2 bytes of application/octet-stream>"])
        let invalidUTF8 = HTTPCellOutput(response: response([0xC3, 0x28], type: "text/plain"))
        XCTAssertEqual(invalidUTF8.value, .bytes([0xC3, 0x28]))
    }

    func testLargeBodiesAreCutInTheDisplayButNotInTheValue() {
        let text = String(repeating: "é", count: 10)
        let output = HTTPCellOutput(response: response(text, type: "text/plain"), limits: .init(maxDisplayBytes: 5))
        XCTAssertEqual(output.result["text/plain"]?.stringValue?.hasPrefix("éé\n… (16 more bytes not shown"), true)
        XCTAssertEqual(output.value, .text(text))
        let json = HTTPCellOutput(response: response("[1,2,3,4,5,6]", type: "application/json"), limits: .init(maxDisplayBytes: 8))
        XCTAssertNil(json.result["application/json"])
        XCTAssertEqual(json.value, .json([1, 2, 3, 4, 5, 6]))
    }

    func testEndToEndFromTheLocalServer() async throws {
        let server = try HTTPTestServer.require()
        let transfer = CurlTransfer(tls: try TLSVerification.fromEnvironment([TLSVerification.environmentVariable: server.caFile]))
        let png = try await transfer.perform(HTTPCellRequest(method: "GET", url: server.url("/png")))
        XCTAssertNotNil(HTTPCellOutput(response: png).result["image/png"])
        let sniffed = try await transfer.perform(HTTPCellRequest(method: "GET", url: server.url("/json-as-text")))
        XCTAssertEqual(HTTPCellOutput(response: sniffed).value, .json(["k": true]))
    }
}
