import Testing

@testable import Gateway

@Suite struct RequestTargetTests {
    @Test func stripsTheTokenParameterOnly() {
        let target = RequestTarget("/api/kernels?token=secret&a=1&b=token")
        #expect(target.path == "/api/kernels")
        #expect(target.forwardedTarget == "/api/kernels?a=1&b=token")
    }

    @Test func dropsAnEmptyQuery() {
        #expect(RequestTarget("/api?token=secret").forwardedTarget == "/api")
        #expect(RequestTarget("/api").forwardedTarget == "/api")
    }

    @Test func rejectsNonAbsoluteTargets() {
        #expect(!RequestTarget("http://example.com/").isValid)
        #expect(!RequestTarget("*").isValid)
        #expect(RequestTarget("/").isValid)
    }

    @Test func percentDecoding() {
        #expect(QueryString.percentDecode("a%20b+c") == "a b c")
        #expect(QueryString.values(of: "token", in: "token=x&token=y") == ["x", "y"])
    }

    @Test func requestIDKeepsSaneIncomingValues() {
        #expect(RequestID.make(incoming: "abc-123_DEF.456") == "abc-123_DEF.456")
        #expect(RequestID.make(incoming: "bad id with spaces") != "bad id with spaces")
        #expect(RequestID.make(incoming: nil).count == 32)
        for refused in ["short", String(repeating: "a", count: 65), "ééééééééé", "abcdefgh\r\nX: y", "abc/defgh"] {
            #expect(RequestID.make(incoming: refused) != refused)
        }
        #expect(RequestID.make(incoming: String(repeating: "a", count: 64)) == String(repeating: "a", count: 64))
    }

    @Test func aConnectionsRequestIDsAreDistinctHexAndDifferFromAnotherConnections() {
        var first = SplitMix64()
        var second = SplitMix64()
        let ids = (0..<10_000).map { _ in RequestID.make(incoming: nil, using: &first) }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.utf8.count == 32 && $0.utf8.allSatisfy { ("0"..."9").contains(Character(UnicodeScalar($0))) || ("a"..."f").contains(Character(UnicodeScalar($0))) } })
        #expect(RequestID.make(incoming: nil, using: &second) != ids[0])
    }
}
