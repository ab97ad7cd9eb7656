import Testing

@testable import Gateway

@Suite struct TokenMatcherTests {
    let matcher = TokenMatcher(token: "correct-horse-battery-staple-0123456789")

    @Test func acceptsOnlyTheExactToken() {
        #expect(matcher.matches("correct-horse-battery-staple-0123456789"))
        #expect(!matcher.matches("correct-horse-battery-staple-012345678"))
        #expect(!matcher.matches("correct-horse-battery-staple-01234567890"))
        #expect(!matcher.matches(""))
    }

    @Test func repeatsPrefixesAndNearMissesOfTheTokenDoNotMatch() {
        let token = "correct-horse-battery-staple-0123456789"
        #expect(!matcher.matches(token + token))
        #expect(!matcher.matches(String(token.dropLast()) + "8"))
        #expect(!matcher.matches("X" + token.dropFirst()))
        #expect(!matcher.matches(String(repeating: "c", count: 1_000_000)))
        #expect(!matcher.matches(String(repeating: "\0", count: token.utf8.count)))
        #expect(!TokenMatcher(token: "").matches(""))
        #expect(TokenMatcher(token: "ab").matches("ab"))
        #expect(!TokenMatcher(token: "ab").matches("abab"))
    }
}

@Suite struct CredentialsTests {
    let matcher = TokenMatcher(token: "T0ken")
    let none = WebSocketSubprotocols(headerValues: [])

    @Test(arguments: ["token T0ken", "Token T0ken", "Bearer T0ken", "bearer  T0ken "])
    func authorizationHeaderForms(_ header: String) {
        let credentials = Credentials(authorization: [header], query: nil, subprotocols: none)
        #expect(credentials.authenticate(with: matcher) == .authorizationHeader)
    }

    @Test(arguments: ["Basic T0ken", "T0ken", "Bearer", "Bearer wrong"])
    func rejectedAuthorizationHeaders(_ header: String) {
        let credentials = Credentials(authorization: [header], query: nil, subprotocols: none)
        #expect(credentials.authenticate(with: matcher) == nil)
    }

    /// The scheme in any case, blanks around the parts dropped; anything else is no token.
    @Test func authorizationForms() {
        #expect(Credentials.token(fromAuthorization: " \tTOKEN \t T0ken \t") == "T0ken")
        #expect(Credentials.token(fromAuthorization: "bEaReR a b") == "a b")
        #expect(Credentials.token(fromAuthorization: "Bearer   ") == nil)
        #expect(Credentials.token(fromAuthorization: "Bearer\tT0ken") == nil)
        #expect(Credentials.token(fromAuthorization: "Bearers T0ken") == nil)
        #expect(Credentials.token(fromAuthorization: "Bear T0ken") == nil)
        #expect(Credentials.token(fromAuthorization: "Tokeñ T0ken") == nil)
        #expect(Credentials.token(fromAuthorization: "") == nil)
        #expect(Credentials.token(fromAuthorization: "token é€") == "é€")
    }

    @Test func queryParameter() {
        #expect(Credentials(authorization: [], query: "a=1&token=T0ken", subprotocols: none).authenticate(with: matcher) == .queryParameter)
        #expect(Credentials(authorization: [], query: "token=T0ke", subprotocols: none).authenticate(with: matcher) == nil)
        #expect(Credentials(authorization: [], query: "xtoken=T0ken", subprotocols: none).authenticate(with: matcher) == nil)
    }

    @Test func percentEncodedQueryToken() {
        let matcher = TokenMatcher(token: "a+b/c=")
        let credentials = Credentials(authorization: [], query: "token=a%2Bb%2Fc%3D", subprotocols: none)
        #expect(credentials.authenticate(with: matcher) == .queryParameter)
    }

    @Test func subprotocolToken() {
        let offered = WebSocketSubprotocols(headerValues: ["v1.kernel.websocket.jupyter.org, spin.token." + Base64URL.encode(Array("T0ken".utf8))])
        #expect(Credentials(authorization: [], query: nil, subprotocols: offered).authenticate(with: matcher) == .webSocketSubprotocol)
    }

    @Test func missingCredentials() {
        let credentials = Credentials(authorization: [], query: nil, subprotocols: none)
        #expect(credentials.isEmpty)
        #expect(credentials.authenticate(with: matcher) == nil)
    }

    @Test func aWrongCandidateDoesNotHideARightOne() {
        let credentials = Credentials(authorization: ["Bearer nope"], query: "token=T0ken", subprotocols: none)
        #expect(credentials.authenticate(with: matcher) == .queryParameter)
    }
}

@Suite struct WebSocketSubprotocolsTests {
    @Test func splitsTokenFromRealProtocols() {
        let offered = WebSocketSubprotocols(headerValues: ["v1.kernel.websocket.jupyter.org, spin.token.VDBrZW4", "spin.json"])
        #expect(offered.forwarded == ["v1.kernel.websocket.jupyter.org", "spin.json"])
        #expect(offered.tokenPayloads == ["VDBrZW4"])
        #expect(offered.forwardedHeaderValue == "v1.kernel.websocket.jupyter.org, spin.json")
        #expect(offered.tokenCandidates == [Array("T0ken".utf8)])
    }

    @Test func onlyATokenLeavesNothingToForward() {
        let offered = WebSocketSubprotocols(headerValues: ["spin.token.VDBrZW4"])
        #expect(offered.forwarded.isEmpty)
        #expect(offered.forwardedHeaderValue == nil)
    }

    @Test func undecodablePayloadIsNoCandidate() {
        let offered = WebSocketSubprotocols(headerValues: ["spin.token.%%%"])
        #expect(offered.tokenCandidates.isEmpty)
    }
}
