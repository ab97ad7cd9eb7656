import CellProcessors
import Foundation
import JupyterProtocol
import XCTest

/// Redirects are followed by the runtime, not libcurl, so credentials stay on their origin.
final class HTTPRedirectTests: XCTestCase {
    let headers = [
        HTTPCellHeader(name: "X-Api-Key", value: "k"), HTTPCellHeader(name: "Authorization", value: "Bearer t"),
        HTTPCellHeader(name: "Accept", value: "application/json"),
    ]

    func echoedHeaders(_ response: HTTPCellResponse) throws -> [String: String] {
        let echo = try JSONCoding.decode(JSONValue.self, from: response.body)
        let pairs = echo["headers"]?.arrayValue?.compactMap { pair -> (String, String)? in
            guard let items = pair.arrayValue, items.count == 2 else { return nil }
            return ((items[0].stringValue ?? "").lowercased(), items[1].stringValue ?? "")
        } ?? []
        return Dictionary(pairs, uniquingKeysWith: { first, _ in first })
    }

    func testCrossOriginRedirectKeepsOnlyHeadersWithoutCredentials() async throws {
        let server = try HTTPTestServer.require()
        let request = HTTPCellRequest(method: "GET", url: server.url("/redirect-cross"), headers: headers)
        let response = try await CurlTransfer(tls: .disabled).perform(request)
        XCTAssertEqual(response.redirectCount, 1)
        XCTAssertEqual(response.effectiveURL, "https://localhost:\(server.port)/echo")
        let sent = try echoedHeaders(response)
        XCTAssertNil(sent["x-api-key"])
        XCTAssertNil(sent["authorization"])
        XCTAssertEqual(sent["accept"], "application/json")
    }

    func testSameOriginRedirectKeepsTheHeadersAndA307KeepsTheMethod() async throws {
        let server = try HTTPTestServer.require()
        let request = HTTPCellRequest(method: "PUT", url: server.url("/redirect-same"), headers: headers, body: Array("b".utf8))
        let response = try await CurlTransfer(tls: .disabled).perform(request)
        let sent = try echoedHeaders(response)
        XCTAssertEqual(sent["x-api-key"], "k")
        XCTAssertEqual(sent["authorization"], "Bearer t")
        let echo = try JSONCoding.decode(JSONValue.self, from: response.body)
        XCTAssertEqual(echo["method"], "PUT")
        XCTAssertEqual(echo["body"], "b")
    }

    func testSeeOtherTurnsAPostIntoAGet() async throws {
        let server = try HTTPTestServer.require()
        let request = HTTPCellRequest(method: "POST", url: server.url("/see-other"), headers: [HTTPCellHeader(name: "Content-Type", value: "application/json")], body: Array("{}".utf8))
        let response = try await CurlTransfer(tls: .disabled).perform(request)
        let echo = try JSONCoding.decode(JSONValue.self, from: response.body)
        XCTAssertEqual(echo["method"], "GET")
        XCTAssertEqual(echo["body"], "")
        XCTAssertNil(try echoedHeaders(response)["content-type"])
    }

    func testZeroRedirectsAllowed() async throws {
        let server = try HTTPTestServer.require()
        do {
            _ = try await CurlTransfer(tls: .disabled, limits: .init(maxRedirects: 0)).perform(HTTPCellRequest(method: "GET", url: server.url("/redirect")))
            XCTFail("should not follow")
        } catch let error as HTTPCellError {
            XCTAssertEqual(error.code, HTTPCellError.Code.tooManyRedirects)
        }
    }
}
