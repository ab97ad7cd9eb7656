import CellProcessors
import Foundation
import JupyterProtocol
import XCTest

/// Against a real local HTTPS server (see ``HTTPTestServer``). Each test states its
/// `REQUESTS_CA_BUNDLE` explicitly; the machine's own (set globally) is never read.
final class HTTPTransferTests: XCTestCase {
    override class func tearDown() {
        if case .success(let server) = HTTPTestServer.shared { server.stop() }
        super.tearDown()
    }

    func transfer(_ bundle: String?, limits: CurlTransfer.Limits = .init(connectTimeout: 10, totalTimeout: 60)) throws -> CurlTransfer {
        let environment = bundle.map { [TLSVerification.environmentVariable: $0] } ?? [:]
        return CurlTransfer(tls: try TLSVerification.fromEnvironment(environment), limits: limits)
    }

    func failure(_ transfer: CurlTransfer, _ request: HTTPCellRequest) async -> HTTPCellError? {
        do {
            _ = try await transfer.perform(request)
            XCTFail("\(request.url) should have failed")
            return nil
        } catch let error as HTTPCellError {
            return error
        } catch {
            XCTFail("unexpected \(error)")
            return nil
        }
    }

    func json(_ response: HTTPCellResponse) throws -> JSONValue {
        try JSONCoding.decode(JSONValue.self, from: response.body)
    }

    // MARK: REQUESTS_CA_BUNDLE

    func testUnsetBundleDisablesVerification() async throws {
        let server = try HTTPTestServer.require()
        let transfer = try transfer(nil)
        XCTAssertEqual(transfer.tls, .disabled)
        let response = try await transfer.perform(HTTPCellRequest(method: "GET", url: server.url("/json")))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.reason, "OK")
        XCTAssertEqual(response.httpVersion, "1.1")
        XCTAssertEqual(response.mediaType, "application/json")
        XCTAssertEqual(response.headers.filter { $0.name == "X-Multi" }.map(\.value), ["a", "b"])
        XCTAssertEqual(try json(response)["hello"], "world")
        XCTAssertEqual(response.effectiveURL, server.url("/json"))
        XCTAssertGreaterThan(response.totalTime, 0)
    }

    func testTheRightCAFileVerifies() async throws {
        let server = try HTTPTestServer.require()
        let transfer = try transfer(server.caFile)
        XCTAssertEqual(transfer.tls, .caFile(server.caFile))
        let response = try await transfer.perform(HTTPCellRequest(method: "GET", url: server.url("/json")))
        XCTAssertEqual(response.status, 200)
        let byName = try await transfer.perform(HTTPCellRequest(method: "GET", url: "https://localhost:\(server.port)/text"))
        XCTAssertEqual(String(decoding: byName.body, as: UTF8.self), "plain text é")
    }

    func testAnUnrelatedCAFileFailsClearly() async throws {
        let server = try HTTPTestServer.require()
        let error = await failure(try transfer(server.unrelatedCAFile), HTTPCellRequest(method: "GET", url: server.url("/json")))
        XCTAssertEqual(error?.code, HTTPCellError.Code.certificateUntrusted)
        XCTAssertTrue(error?.message.contains("The server's certificate at 127.0.0.1:\(server.port) is not trusted by REQUESTS_CA_BUNDLE=\(server.unrelatedCAFile)") ?? false, error?.message ?? "")
    }

    func testARehashedDirectoryWithTheCAVerifies() async throws {
        let server = try HTTPTestServer.require()
        let transfer = try transfer(server.caDirectory)
        XCTAssertEqual(transfer.tls, .caDirectory(server.caDirectory))
        let response = try await transfer.perform(HTTPCellRequest(method: "GET", url: server.url("/json")))
        XCTAssertEqual(response.status, 200)
    }

    func testARehashedDirectoryWithAnUnrelatedCAFails() async throws {
        let server = try HTTPTestServer.require()
        let error = await failure(try transfer(server.unrelatedCADirectory), HTTPCellRequest(method: "GET", url: server.url("/json")))
        XCTAssertEqual(error?.code, HTTPCellError.Code.certificateUntrusted)
        XCTAssertTrue(error?.message.contains("REQUESTS_CA_BUNDLE=\(server.unrelatedCADirectory)") ?? false)
    }

    /// The machines set SSL_CERT_FILE, SSL_CERT_DIR and CURL_CA_BUNDLE globally; even
    /// pointed at the test CA they must not make an unrelated bundle pass.
    func testAmbientCAVariablesDoNotWidenTrust() async throws {
        let server = try HTTPTestServer.require()
        let names = ["SSL_CERT_FILE", "SSL_CERT_DIR", "CURL_CA_BUNDLE"]
        let saved = names.map { ($0, ProcessInfo.processInfo.environment[$0]) }
        defer { for (name, value) in saved { if let value { setenv(name, value, 1) } else { unsetenv(name) } } }
        setenv("SSL_CERT_FILE", server.caFile, 1)
        setenv("SSL_CERT_DIR", server.caDirectory, 1)
        setenv("CURL_CA_BUNDLE", server.caFile, 1)
        for bundle in [server.unrelatedCAFile, server.unrelatedCADirectory] {
            let error = await failure(try transfer(bundle), HTTPCellRequest(method: "GET", url: server.url("/json")))
            XCTAssertEqual(error?.code, HTTPCellError.Code.certificateUntrusted, bundle)
        }
    }

    func testACertificateForAnotherNameFailsClearly() async throws {
        let server = try HTTPTestServer.require()
        let error = await failure(try transfer(server.caFile), HTTPCellRequest(method: "GET", url: "https://127.0.0.1:\(server.wrongNamePort)/json"))
        XCTAssertEqual(error?.code, HTTPCellError.Code.certificateNameMismatch, error?.message ?? "")
        let unverified = try await transfer(nil).perform(HTTPCellRequest(method: "GET", url: "https://127.0.0.1:\(server.wrongNamePort)/json"))
        XCTAssertEqual(unverified.status, 200)
    }

    func testBundleConfigurationErrors() throws {
        let server = try HTTPTestServer.require()
        XCTAssertEqual(try TLSVerification.fromEnvironment([TLSVerification.environmentVariable: ""]), .disabled)
        for path in ["/nonexistent/ca.pem", server.plainDirectory] {
            XCTAssertThrowsError(try TLSVerification.fromEnvironment([TLSVerification.environmentVariable: path])) { error in
                XCTAssertEqual((error as? HTTPCellError)?.code, HTTPCellError.Code.badCABundle)
                XCTAssertTrue((error as? HTTPCellError)?.message.contains("REQUESTS_CA_BUNDLE=\(path)") ?? false)
            }
        }
    }
}
