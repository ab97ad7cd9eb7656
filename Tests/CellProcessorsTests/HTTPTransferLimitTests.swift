import CellProcessors
import Foundation
import JupyterProtocol
import XCTest

/// Methods, redirects, limits, cancellation and connection failures against the
/// local HTTPS server, with verification off (`REQUESTS_CA_BUNDLE` unset).
final class HTTPTransferLimitTests: XCTestCase {
    let secret = "Bearer s3cr3t-should-never-appear"

    func transfer(_ limits: CurlTransfer.Limits = .init(connectTimeout: 10, totalTimeout: 60)) -> CurlTransfer {
        CurlTransfer(tls: .disabled, limits: limits)
    }

    func failure(_ transfer: CurlTransfer, _ url: String) async -> HTTPCellError? {
        let request = HTTPCellRequest(method: "GET", url: url, headers: [HTTPCellHeader(name: "Authorization", value: secret)])
        do {
            _ = try await transfer.perform(request)
            XCTFail("\(url) should have failed")
            return nil
        } catch let error as HTTPCellError {
            XCTAssertFalse(error.message.contains("s3cr3t"), "a request header leaked into \(error)")
            return error
        } catch {
            XCTFail("unexpected \(error)")
            return nil
        }
    }

    func testSourceToEchoCarriesMethodHeadersAndBody() async throws {
        let server = try HTTPTestServer.require()
        let source = "PATCH /echo\nX-Test: one\nEmpty:\n\n{\"a\": [1, 2]}"
        let request = try HTTPCellSource.parse(source).request(defaults: HTTPRequestDefaults(baseURL: server.url(""), headers: ["X-Conn": "c"]))
        let response = try await transfer().perform(request)
        let echo = try JSONCoding.decode(JSONValue.self, from: response.body)
        XCTAssertEqual(echo["method"], "PATCH")
        XCTAssertEqual(echo["body"], "{\"a\": [1, 2]}")
        let headers = echo["headers"]?.arrayValue?.compactMap { $0.arrayValue.flatMap { pair in pair.count == 2 ? (pair[0].stringValue ?? "", pair[1].stringValue ?? "") : nil } } ?? []
        let byName = Dictionary(headers.map { ($0.0.lowercased(), $0.1) }, uniquingKeysWith: { first, _ in first })
        XCTAssertEqual(byName["x-test"], "one")
        XCTAssertEqual(byName["x-conn"], "c")
        XCTAssertEqual(byName["empty"], "")
        XCTAssertEqual(byName["content-type"], "application/json")
        XCTAssertNil(byName["expect"])
    }

    func testOtherMethods() async throws {
        let server = try HTTPTestServer.require()
        for method in ["GET", "POST", "PUT", "DELETE", "OPTIONS"] {
            let response = try await transfer().perform(HTTPCellRequest(method: method, url: server.url("/echo")))
            XCTAssertEqual(try JSONCoding.decode(JSONValue.self, from: response.body)["method"], .string(method))
        }
        let head = try await transfer().perform(HTTPCellRequest(method: "HEAD", url: server.url("/json")))
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.body, [])
        let teapot = try await transfer().perform(HTTPCellRequest(method: "GET", url: server.url("/status/418")))
        XCTAssertEqual(teapot.status, 418)
    }

    func testRedirectIsFollowedAndTheLastResponseKept() async throws {
        let server = try HTTPTestServer.require()
        let response = try await transfer().perform(HTTPCellRequest(method: "GET", url: server.url("/redirect")))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.redirectCount, 1)
        XCTAssertEqual(response.effectiveURL, server.url("/json"))
        XCTAssertNil(response.headers.first(named: "Location"))
        XCTAssertEqual(try JSONCoding.decode(JSONValue.self, from: response.body)["hello"], "world")
    }

    func testRedirectLoopFailsClearly() async throws {
        let server = try HTTPTestServer.require()
        let error = await failure(transfer(.init(maxRedirects: 3)), server.url("/loop"))
        XCTAssertEqual(error?.code, HTTPCellError.Code.tooManyRedirects)
        XCTAssertTrue(error?.message.contains("3 redirects") ?? false, error?.message ?? "")
    }

    func testRedirectToAFileURLIsRefused() async throws {
        let server = try HTTPTestServer.require()
        let error = await failure(transfer(), server.url("/redirect-file"))
        XCTAssertEqual(error?.code, HTTPCellError.Code.unsupportedScheme)
    }

    func testEndlessBodyStopsAtTheLimit() async throws {
        let server = try HTTPTestServer.require()
        let error = await failure(transfer(.init(maxResponseBytes: 1 << 20)), server.url("/endless"))
        XCTAssertEqual(error?.code, HTTPCellError.Code.responseTooLarge)
        XCTAssertTrue(error?.message.contains("1 MiB (1048576 bytes)") ?? false, error?.message ?? "")
    }

    func testDeclaredHugeBodyIsRefusedUpFront() async throws {
        let server = try HTTPTestServer.require()
        let error = await failure(transfer(), server.url("/declared-huge"))
        XCTAssertEqual(error?.code, HTTPCellError.Code.responseTooLarge)
        XCTAssertTrue(error?.message.contains("64 MiB") ?? false, error?.message ?? "")
    }

    func testABodyAtTheLimitIsKept() async throws {
        let server = try HTTPTestServer.require()
        let response = try await transfer(.init(maxResponseBytes: 256)).perform(HTTPCellRequest(method: "GET", url: server.url("/binary")))
        XCTAssertEqual(response.body, Array(0...255))
        let error = await failure(transfer(.init(maxResponseBytes: 255)), server.url("/binary"))
        XCTAssertEqual(error?.code, HTTPCellError.Code.responseTooLarge)
    }

    func testHeadersOverTheirLimitAreRefused() async throws {
        let server = try HTTPTestServer.require()
        let error = await failure(transfer(.init(maxHeaderBytes: 64)), server.url("/json"))
        XCTAssertEqual(error?.code, HTTPCellError.Code.responseTooLarge)
        XCTAssertTrue(error?.message.contains("headers") ?? false, error?.message ?? "")
    }

    func testCancellationAbortsASlowRequestPromptly() async throws {
        let server = try HTTPTestServer.require()
        let transfer = transfer()
        let url = server.url("/slow")
        let started = ContinuousClock.now
        let task = Task { try await transfer.perform(HTTPCellRequest(method: "GET", url: url)) }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        let result = await task.result
        XCTAssertThrowsError(try result.get()) { XCTAssertTrue($0 is CancellationError, "\($0)") }
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(20), "cancellation did not abort the transfer")
    }

    func testAlreadyCancelledTaskDoesNotStart() async throws {
        let transfer = transfer()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await transfer.perform(HTTPCellRequest(method: "GET", url: "https://127.0.0.1:1/"))
        }
        let result = await task.result
        XCTAssertThrowsError(try result.get()) { XCTAssertTrue($0 is CancellationError, "\($0)") }
    }

    func testTotalTimeout() async throws {
        let server = try HTTPTestServer.require()
        let error = await failure(transfer(.init(connectTimeout: 10, totalTimeout: 1)), server.url("/slow"))
        XCTAssertEqual(error?.code, HTTPCellError.Code.timeout)
        XCTAssertTrue(error?.message.contains("did not finish within 1 s") ?? false, error?.message ?? "")
    }

    func testConnectionRefused() async throws {
        let port = HTTPTestServer.closedPort()
        let error = await failure(transfer(), "https://127.0.0.1:\(port)/")
        XCTAssertEqual(error?.code, HTTPCellError.Code.connectFailed)
        XCTAssertTrue(error?.message.contains("127.0.0.1:\(port) refused the connection") ?? false, error?.message ?? "")
    }

    func testUnknownHost() async throws {
        let error = await failure(transfer(.init(connectTimeout: 20, totalTimeout: 30)), "https://no-such-host.invalid/")
        XCTAssertEqual(error?.code, HTTPCellError.Code.dnsFailed)
    }
}
