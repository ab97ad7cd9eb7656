import Foundation
import Testing
@testable import JupyterProtocol

/// The byte-level JSON scanner: what it accepts, what it rejects, and that
/// what it decodes matches Foundation.
@Suite struct JSONScannerTests {
    func fields(_ text: String) throws -> JSONObjectFields {
        try JSONObjectFields(Array(text.utf8))
    }

    @Test(arguments: [
        (#"{"s":"x\"y\\z\/\b\f\n\r\t"}"#, "x\"y\\z/\u{8}\u{C}\n\r\t"),
        (#"{"s":"caf\u00e9 \u65E5\u672c"}"#, "café 日本"),
        (#"{"s":"\ud83d\ude80!"}"#, "🚀!"),
        (#"{"s":"ü 日本 🚀"}"#, "ü 日本 🚀"),
        (#"{"s":""}"#, ""),
        (#"{"s":"\u0000"}"#, "\u{0}"),
    ])
    func decodesStrings(_ text: String, _ expected: String) throws {
        #expect(try fields(text).string("s") == expected)
    }

    @Test func decodesLikeFoundation() throws {
        let text = #"{"a":"\ud834\udd1e \"q\" \\ \u00e9\/","b":"plain","c":"tab\there"}"#
        let foundation = try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
        let scanned = try fields(text)
        for (key, value) in foundation { #expect(scanned.string(key) == value, "\(key)") }
    }

    @Test func matchesEscapedKeys() throws {
        #expect(try fields(#"{"msg\u005fid":"x"}"#).string("msg_id") == "x")
        #expect(try fields(#"{"\u00fc":"y"}"#).string("ü") == "y")
    }

    @Test func duplicateKeysResolveToTheLastLikePython() throws {
        let scanned = try fields(#"{"k":"first","other":1,"k":"second"}"#)
        #expect(scanned.string("k") == "second")
        #expect(scanned.members.count == 3)
        #expect(try fields(#"{"k":"text","k":{"x":1}}"#).member("k")?.kind == .object)
    }

    @Test func skipsNestedValuesAndKeepsTheirBytes() throws {
        let nested = #"{ "b" : [1, {"c":"}]\"{["}], "d":"]" }"#
        let text = #"{"a":"# + nested + #","e":"ok","f":[[],{}],"g":-1.5e+3,"h":true,"i":false,"j":null}"#
        let scanned = try fields(text)
        #expect(scanned.string("e") == "ok")
        let a = try #require(scanned.member("a"))
        #expect(a.kind == .object)
        #expect(scanned.slice(of: a) == Array(nested.utf8))
        #expect(scanned.members.map(\.kind) == [.object, .string, .array, .number, .bool, .bool, .null])
        #expect(scanned.string("a") == nil, "not a string")
        #expect(scanned.string("missing") == nil)
    }

    @Test func allowsWhiteSpaceAroundTokens() throws {
        let scanned = try fields(" \r\n\t{ \"a\" :\n\"b\" , \"c\" : [ 1 , 2 ] }\n ")
        #expect(scanned.string("a") == "b")
        #expect(scanned.slice(of: try #require(scanned.member("c"))) == Array("[ 1 , 2 ]".utf8))
        #expect(try fields("{ }").isEmpty)
    }

    @Test(arguments: ["0", "-0", "1.5", "-1.5e10", "1E+2", "2e-3", "123456789012345678901234567890", "0.0e0"])
    func acceptsNumbers(_ number: String) throws {
        let scanned = try fields(#"{"n":"# + number + "}")
        #expect(scanned.member("n")?.kind == .number)
        #expect(scanned.slice(of: try #require(scanned.member("n"))) == Array(number.utf8))
    }

    @Test(arguments: [
        "01", "1.", ".5", "-", "+1", "1e", "1e+", "0x1", "NaN", "Infinity", "-Infinity", "tru", "nul", "True",
        "nulll", "1.2.3", "--1", "1 2",
    ])
    func rejectsMalformedNumbersAndLiterals(_ value: String) {
        expectInvalid(#"{"n":"# + value + "}")
    }

    @Test(arguments: [
        "", " ", "{", "}", #"{"a""#, #"{"a":}"#, #"{"a":1,}"#, "{,}", #"{"a":1}x"#, #"{"a":1}{}"#, "[]", "[1]",
        #""s""#, "42", "null", "{'a':1}", "{a:1}", #"{"a":1 "b":2}"#, #"{"a" 1}"#, #"{"a":"abc"#, #"{"a":"abc\"}"#,
        #"{"a":[1,2}"#, #"{"a":[1,]}"#, #"{"a":{"b":1}"#, #"{"a":"\q"}"#, #"{"a":"\u12"}"#, #"{"a":"\u12g4"}"#,
        #"{"a":"\ud800"}"#, #"{"a":"\udc00"}"#, #"{"a":"\ud800\u0041"}"#, #"{"a":"\ud800x"}"#, #"{"a":"\"#,
        "{\"a\":\"line\nbreak\"}", "{\"a\":\"tab\there\"}", "{\"a\":\"\u{1}\"}", #"{1:2}"#,
    ])
    func rejectsMalformedText(_ text: String) {
        expectInvalid(text)
    }

    @Test(arguments: [
        [0xFF], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF5, 0x80, 0x80, 0x80],
        [0xF4, 0x90, 0x80, 0x80], [0x80], [0xE2, 0x28, 0xA1], [0xF0, 0x9F, 0x9A],
    ] as [[UInt8]])
    func rejectsMalformedUTF8(_ sequence: [UInt8]) {
        let bytes = Array(#"{"a":"x"#.utf8) + sequence + Array(#"y"}"#.utf8)
        #expect((#expect(throws: ProtocolError.self) { try JSONObjectFields(bytes) })?.code == .invalidJSON)
    }

    @Test func acceptsWellFormedUTF8AtTheEdges() throws {
        let text = "\u{80}\u{7FF}\u{800}\u{D7FF}\u{E000}\u{FFFF}\u{10000}\u{10FFFF}"
        #expect(try fields(#"{"a":""# + text + #""}"#).string("a") == text)
    }

    @Test func limitsNesting() throws {
        // The object itself is depth 1, so 511 arrays inside reach 512.
        let deepest = #"{"a":"# + String(repeating: "[", count: 511) + String(repeating: "]", count: 511) + "}"
        #expect(try fields(deepest).member("a")?.kind == .array)
        expectInvalid(#"{"a":"# + String(repeating: "[", count: 512) + String(repeating: "]", count: 512) + "}")
        expectInvalid(#"{"a":"# + String(repeating: #"{"a":"#, count: 100_000))
        expectInvalid(String(repeating: "[", count: 1_000_000))
    }

    @Test func skipsLargeValues() throws {
        let big = String(repeating: "x\\\"é", count: 250_000)
        let scanned = try fields(#"{"big":""# + big + #"","id":"z"}"#)
        #expect(scanned.string("id") == "z")
        #expect(scanned.member("big")?.value.count == big.utf8.count + 2)
        expectInvalid(#"{"big":""# + big)
    }

    @Test func validateChecksWithoutCollecting() throws {
        try JSONObjectFields.validate(Array(#"{"a":[1,{"b":null}]}"#.utf8))
        #expect(throws: ProtocolError.self) { try JSONObjectFields.validate(Array("[1]".utf8)) }
        #expect(throws: ProtocolError.self) { try JSONObjectFields.validate(Array("{} {}".utf8)) }
    }

    func expectInvalid(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let error = #expect(throws: ProtocolError.self, sourceLocation: sourceLocation) { try fields(text) }
        #expect(error?.code == .invalidJSON, "\(text.prefix(40))", sourceLocation: sourceLocation)
    }
}
