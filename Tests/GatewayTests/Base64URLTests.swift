import Testing

@testable import Gateway

@Suite struct Base64URLTests {
    @Test func encodesWithoutPaddingAndWithURLAlphabet() {
        #expect(Base64URL.encode(Array("a".utf8)) == "YQ")
        #expect(Base64URL.encode([0xfb, 0xff]) == "-_8")
    }

    @Test func decodesUnpaddedAndPadded() {
        #expect(Base64URL.decode("YQ") == Array("a".utf8))
        #expect(Base64URL.decode("YQ==") == Array("a".utf8))
        #expect(Base64URL.decode("-_8") == [0xfb, 0xff])
    }

    @Test func rejectsGarbage() {
        #expect(Base64URL.decode("Y") == nil)
        #expect(Base64URL.decode("Y*Q") == nil)
    }

    @Test func roundTripsTokens() {
        let token = "s3cr3t/with+odd=chars-and_more~"
        #expect(Base64URL.decode(Base64URL.encode(Array(token.utf8))) == Array(token.utf8))
    }
}
