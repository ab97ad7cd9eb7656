import Foundation
import Testing
@testable import JupyterProtocol

/// Headers and client messages read with the scanner instead of Foundation.
@Suite struct MessagePartsScanTests {
    @Test func parsesAHeader() throws {
        let text = #"{"msg_id": "a\"1", "msg_type":"execute_request","session":"s","username":null,"date":"d","extra":{"x":[1]}}"#
        let header = try #require(try MessageHeader.parse(Array(text.utf8)))
        #expect(header == MessageHeader(msgID: "a\"1", msgType: "execute_request", session: "s", username: "", date: "d", version: ""))
    }

    @Test func anEmptyHeaderIsNoHeader() throws {
        #expect(try MessageHeader.parse(Array("{}".utf8)) == nil)
        #expect(try MessageHeader.parse(Array(" {\n} ".utf8)) == nil)
    }

    @Test func aDuplicatedMsgIDReadsAsTheLast() throws {
        let header = try MessageHeader.parse(Array(#"{"msg_id":"first","msg_type":"t","msg_id":"last"}"#.utf8))
        #expect(header?.msgID == "last")
    }

    @Test(arguments: [
        (#"{"msg_type":"t"}"#, ProtocolError.Code.missingField),
        (#"{"msg_id":"a"}"#, .missingField),
        (#"{"msg_id":1,"msg_type":"t"}"#, .invalidJSON),
        (#"{"msg_id":null,"msg_type":"t"}"#, .invalidJSON),
        (#"{"msg_id":"a","msg_type":"t","session":5}"#, .invalidJSON),
        (#"{"msg_id":"a","msg_type":"t"} x"#, .invalidJSON),
        (#"["msg_id"]"#, .invalidJSON),
        ("", .invalidJSON),
    ])
    func rejectsBadHeaders(_ text: String, _ code: ProtocolError.Code) {
        let error = #expect(throws: ProtocolError.self) { try MessageHeader.parse(Array(text.utf8)) }
        #expect(error?.code == code, "\(text)")
    }

    @Test func theJSONFormSplicesTheClientsPartsUnchanged() throws {
        let header = #"{ "msg_id" : "m\u00e9", "msg_type": "execute_request", "session": "s" }"#
        let content = #"{"code": "print('\u65e5')\n", "silent": false, "user_expressions": {}}"#
        let text = #"{"channel":"shell","header":"# + header + #","parent_header":null,"# + #""content": "# + content
            + #","buffers":[],"msg_id":"ignored"}"#
        let (channel, message) = try WebSocketJSONForm.decode(text: Array(text.utf8))
        #expect(channel == .shell)
        #expect(message.msgID == "mé")
        #expect(message.header == Array(header.utf8))
        #expect(message.content == Array(content.utf8))
        #expect(message.parentHeader == Array("{}".utf8))
        #expect(message.metadata == Array("{}".utf8))
        #expect(message.parentMsgID == nil)
    }

    @Test func theJSONFormEncodesByteForByte() throws {
        let message = try JupyterMessage(
            header: Array(#"{"msg_id":"i\"d","msg_type":"t"}"#.utf8), parentHeader: [],
            metadata: Array(#"{"m":1}"#.utf8), content: Array(#"{"c":[]}"#.utf8)
        )
        guard case .text(let text) = WebSocketJSONForm.encode(channel: .iopub, message) else {
            Issue.record("a message without buffers must be a text frame")
            return
        }
        let expected = #"{"channel":"iopub","msg_id":"i\"d","msg_type":"t","header":{"msg_id":"i\"d","msg_type":"t"},"#
            + #""parent_header":{},"metadata":{"m":1},"content":{"c":[]},"buffers":[]}"#
        #expect(String(decoding: text, as: UTF8.self) == expected)
    }

    @Test func theJSONFormStillRejectsNonObjectParts() {
        for key in ["parent_header", "metadata", "content"] {
            let text = #"{"channel":"shell","header":{"msg_id":"a","msg_type":"b"},""# + key + #"":[]}"#
            let error = #expect(throws: ProtocolError.self) { try WebSocketJSONForm.decode(text: Array(text.utf8)) }
            #expect(error?.code == .invalidJSON, "\(key)")
        }
        let noHeader = #"{"channel":"shell","header":null}"#
        #expect((#expect(throws: ProtocolError.self) { try WebSocketJSONForm.decode(text: Array(noHeader.utf8)) })?.code == .missingField)
        let unknown = #"{"channel":"nope","header":{"msg_id":"a","msg_type":"b"}}"#
        #expect((#expect(throws: ProtocolError.self) { try WebSocketJSONForm.decode(text: Array(unknown.utf8)) })?.code == .unknownChannel)
    }

    @Test func v1FramesNeedObjectMetadataAndContent() {
        let header = Array(#"{"msg_id":"a","msg_type":"b"}"#.utf8)
        for (metadata, content) in [("[]", "{}"), ("{}", "1"), ("{}", "{"), ("{} {}", "{}")] {
            let frame = WebSocketV1Framing.encode(channel: "shell", parts: [header, Array("{}".utf8), Array(metadata.utf8), Array(content.utf8)])
            let error = #expect(throws: ProtocolError.self) { try WebSocketV1Framing.decode(frame) }
            #expect(error?.code == .invalidJSON, "\(metadata) \(content)")
        }
    }

    @Test func readsContentFields() throws {
        var message = MessageFactory().make("status", content: ["execution_state": "idle"])
        #expect(message.contentString("execution_state") == "idle")
        #expect(message.contentString("missing") == nil)
        message.content = Array(#"{"status":"ok","status":"error"}"#.utf8)
        #expect(message.contentString("status") == "error")
        message.content = Array(#"{"status":"ok""#.utf8)
        #expect(message.contentString("status") == nil, "invalid content reads as nothing")
    }

    /// Every mutation of a valid message that the scanner accepts must be
    /// JSON that Foundation accepts too: spliced parts reach the kernel as
    /// they are, so they must be valid.
    @Test func whatTheScannerAcceptsFoundationAccepts() throws {
        let seed = #"{"channel":"shell","header":{"msg_id":"\u00e9\ud83d\ude80","msg_type":"x"},"content":{"a":[1,-2.5e3,true,null,"\\"]}}"#
        let original = Array(seed.utf8)
        let replacements = Array(#"{}[]",:\ u0123456789abcdefeE.+-tnrl"#.utf8) + [0x00, 0x1F, 0x7F, 0xC3, 0xA9, 0xFF]
        var generator = SplitMix64(seed: 8)
        var accepted = 0
        for _ in 0..<20_000 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[index] = replacements.randomElement(using: &generator)!
                case 1: bytes.remove(at: index)
                default: bytes.insert(replacements.randomElement(using: &generator)!, at: index)
                }
            }
            guard (try? JSONObjectFields(bytes)) != nil else { continue }
            accepted += 1
            #expect((try? JSONSerialization.jsonObject(with: Data(bytes))) != nil, "\(String(decoding: bytes, as: UTF8.self))")
        }
        #expect(accepted > 100)
    }
}

/// A small deterministic generator, so the mutation test is repeatable.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
