import HTTPTypes
import Testing

@testable import Gateway

@Suite struct CORSPolicyTests {
    let listed = CORSPolicy(origins: OriginList(parsing: "https://app.example, http://localhost:3000/"))
    let any = CORSPolicy(origins: OriginList(parsing: "*"))

    @Test func parsesOriginLists() {
        #expect(OriginList(parsing: "") == .any)
        #expect(OriginList(parsing: "*") == .any)
        #expect(OriginList(parsing: "https://a.example,*") == .any)
        #expect(OriginList(parsing: "https://A.example/") == .only(["https://a.example"]))
    }

    @Test func allowedOriginIsEchoed() {
        let fields = listed.responseHeaders(origin: "https://app.example")
        #expect(fields[.accessControlAllowOrigin] == "https://app.example")
        #expect(fields[.vary] == "Origin")
    }

    @Test func disallowedOriginGetsNoCORSHeaders() {
        #expect(listed.responseHeaders(origin: "https://evil.example")[.accessControlAllowOrigin] == nil)
        #expect(!listed.allowsWebSocket(origin: "https://evil.example"))
        #expect(listed.allowsWebSocket(origin: "http://localhost:3000"))
        #expect(listed.allowsWebSocket(origin: nil))
    }

    @Test func wildcardAllowsEveryOrigin() {
        #expect(any.allowsWebSocket(origin: "https://whatever.example"))
        #expect(any.responseHeaders(origin: "https://whatever.example")[.accessControlAllowOrigin] == "https://whatever.example")
    }

    @Test func preflightWithPrivateNetworkAccess() {
        let (status, fields) = listed.preflight(origin: "https://app.example", requestedHeaders: "authorization, content-type", privateNetwork: true)
        #expect(status == .noContent)
        #expect(fields[CORSPolicy.allowPrivateNetwork] == "true")
        #expect(fields[.accessControlAllowHeaders] == "authorization, content-type")
        #expect(fields[.accessControlAllowMethods]?.contains("DELETE") == true)
    }

    @Test func preflightWithoutPrivateNetworkHasNoPNAHeader() {
        let (_, fields) = listed.preflight(origin: "https://app.example", requestedHeaders: nil, privateNetwork: false)
        #expect(fields[CORSPolicy.allowPrivateNetwork] == nil)
        #expect(fields[.accessControlAllowHeaders] == CORSPolicy.defaultAllowedHeaders)
    }

    @Test func preflightFromDisallowedOriginIsRefused() {
        let (status, fields) = listed.preflight(origin: "https://evil.example", requestedHeaders: nil, privateNetwork: true)
        #expect(status == .forbidden)
        #expect(fields[.accessControlAllowOrigin] == nil)
        #expect(fields[CORSPolicy.allowPrivateNetwork] == nil)
    }

    @Test func oddRequestedHeadersAreNotEchoed() {
        let (_, fields) = listed.preflight(origin: "https://app.example", requestedHeaders: "x\r\ninjected: 1", privateNetwork: false)
        #expect(fields[.accessControlAllowHeaders] == CORSPolicy.defaultAllowedHeaders)
    }
}
