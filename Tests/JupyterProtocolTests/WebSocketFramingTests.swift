import Foundation
import Testing
@testable import JupyterProtocol

@Suite struct WebSocketV1FramingTests {
    let vectors: WebSocketVectors

    init() throws {
        vectors = try WebSocketVectors.load()
    }

    @Test func decodesFramesFromJupyterServer() throws {
        #expect(vectors.messages.count >= 4)
        for vector in vectors.messages {
            let (channel, message) = try WebSocketV1Framing.decode(decodeBase64(vector.frame_b64))
            #expect(channel.rawValue == vector.channel, "\(vector.name)")
            #expect(try JSONCoding.decode(JSONValue.self, from: message.header) == vector.header)
            #expect(try JSONCoding.decode(JSONValue.self, from: message.content) == vector.content)
            #expect(message.buffers == vector.buffers_b64.map(decodeBase64))
        }
    }

    @Test func encodesByteForByteLikeJupyterServer() throws {
        for vector in vectors.messages {
            let frame = decodeBase64(vector.frame_b64)
            let (channel, message) = try WebSocketV1Framing.decode(frame)
            #expect(WebSocketV1Framing.encode(channel: channel, message) == frame, "\(vector.name)")
        }
    }

    @Test func framesWeProduceAreAcceptedByJupyterServer() throws {
        let message = MessageFactory().make("stream", content: ["name": "stdout", "text": "ü 日本 🚀\n"])
        var withBuffers = MessageFactory().make("comm_msg", content: ["data": [:]])
        withBuffers.buffers = [[0, 1, 2, 255], []]
        let document: JSONValue = [
            "kind": "ws_v1",
            "messages": [
                ["frame_b64": .string(Data(WebSocketV1Framing.encode(channel: .iopub, message)).base64EncodedString()),
                 "expect": ["channel": "iopub", "msg_type": "stream"]],
                ["frame_b64": .string(Data(WebSocketV1Framing.encode(channel: .shell, withBuffers)).base64EncodedString()),
                 "expect": ["channel": "shell", "msg_type": "comm_msg"]],
            ],
        ]
        let (status, output) = try verifyWithPython(document)
        #expect(status == 0, "verify_frames.py said: \(output)")
    }

    @Test(arguments: [
        [UInt8](),
        [UInt8](repeating: 0xFF, count: 8),
        [6, 0, 0, 0, 0, 0, 0, 0] + [UInt8](repeating: 0, count: 16),
        [3, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0, 40, 0, 0, 0, 0, 0, 0, 0],
        Array("hello, this is not a frame".utf8),
    ])
    func rejectsMalformedFrames(_ frame: [UInt8]) {
        #expect(throws: ProtocolError.self) { try WebSocketV1Framing.decode(frame) }
    }

    @Test func rejectsUnknownChannelAndShortMessages() throws {
        let parts: [[UInt8]] = [Array("{}".utf8), Array("{}".utf8), Array("{}".utf8), Array("{}".utf8)]
        let unknown = WebSocketV1Framing.encode(channel: "bogus", parts: parts)
        #expect((#expect(throws: ProtocolError.self) { try WebSocketV1Framing.decode(unknown) })?.code == .unknownChannel)
        let short = WebSocketV1Framing.encode(channel: "shell", parts: Array(parts.prefix(2)))
        #expect((#expect(throws: ProtocolError.self) { try WebSocketV1Framing.decode(short) })?.code == .wrongFrameCount)
    }
}

@Suite struct WebSocketJSONFormTests {
    @Test func roundTripsThroughTheJSONForm() throws {
        let message = MessageFactory().make("execute_request", content: ["code": "1+1", "silent": false])
        guard case .text(let text) = WebSocketJSONForm.encode(channel: .shell, message) else {
            Issue.record("a message without buffers must be a text frame")
            return
        }
        let parsed = try JSONCoding.object(from: text)
        #expect(parsed["channel"] == "shell")
        #expect(parsed["msg_type"] == "execute_request")
        let (channel, decoded) = try WebSocketJSONForm.decode(text: text)
        #expect(channel == .shell)
        #expect(decoded.msgID == message.msgID)
        #expect(try decoded.decodedContent() == message.decodedContent())
    }

    @Test func buffersUseTheLegacyBinaryForm() throws {
        var message = MessageFactory().make("comm_msg")
        message.buffers = [[1, 2, 3], [4]]
        guard case .binary(let frame) = WebSocketJSONForm.encode(channel: .iopub, message) else {
            Issue.record("a message with buffers must be a binary frame")
            return
        }
        let (channel, decoded) = try WebSocketJSONForm.decode(binary: frame)
        #expect(channel == .iopub)
        #expect(decoded.buffers == [[1, 2, 3], [4]])
    }

    @Test(arguments: [
        "", "garbage", "[]", "{}", #"{"channel":"shell"}"#, #"{"channel":"nope","header":{}}"#,
        #"{"channel":"shell","header":{"msg_type":"x"}}"#, #"{"channel":"shell","header":[]}"#,
        #"{"channel":5,"header":{"msg_id":"a","msg_type":"b"}}"#,
        #"{"channel":"shell","header":{"msg_id":"a","msg_type":"b"},"content":"x"}"#,
    ])
    func rejectsMalformedText(_ text: String) {
        #expect(throws: ProtocolError.self) { try WebSocketJSONForm.decode(text: Array(text.utf8)) }
    }

    @Test func escapesStringsForSplicing() {
        #expect(JSONCoding.quoted("a\"b\\c\n\u{1}") == Array(#""a\"b\\c\n\u0001""#.utf8))
    }
}
