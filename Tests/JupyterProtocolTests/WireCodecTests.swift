import Foundation
import Testing
@testable import JupyterProtocol

@Suite struct WireCodecTests {
    let vectors: SessionVectors
    let codec: WireCodec

    init() throws {
        vectors = try SessionVectors.load()
        codec = WireCodec(signer: MessageSigner(key: Array(vectors.key.utf8)))
    }

    @Test func decodesAndVerifiesFramesFromJupyterClient() throws {
        #expect(vectors.messages.count >= 5)
        for vector in vectors.messages {
            let (identities, message) = try codec.decode(vector.frames)
            #expect(identities == vector.identities_b64.map(decodeBase64), "\(vector.name)")
            #expect(message.msgType == vector.msg_type)
            #expect(message.msgID == vector.msg_id)
            #expect(try JSONCoding.decode(JSONValue.self, from: message.content) == vector.content)
            #expect(message.buffers == vector.buffers_b64.map(decodeBase64))
        }
    }

    @Test func signsTheSameAsJupyterClient() throws {
        for vector in vectors.messages {
            let frames = vector.frames_b64.map(decodeBase64)
            let signature = codec.signer.signature(of: Array(frames[2...5]))
            #expect(String(decoding: signature, as: UTF8.self) == vector.signature, "\(vector.name)")
        }
    }

    @Test func reencodesByteForByte() throws {
        for vector in vectors.messages {
            let (identities, message) = try codec.decode(vector.frames)
            #expect(codec.encode(message, identities: identities) == vector.frames, "\(vector.name)")
        }
    }

    @Test func framesWeProduceAreAcceptedByJupyterClient() throws {
        let factory = MessageFactory(session: "swift-side")
        let messages = [
            factory.make("execute_request", content: ["code": "print('ü 日本 🚀')", "silent": false]),
            factory.make("status", content: ["execution_state": "idle"], parent: Array(#"{"msg_id":"p1","msg_type":"execute_request","session":"s","username":"u","date":"2026-01-01T00:00:00Z","version":"5.3"}"#.utf8)),
        ]
        let document: JSONValue = [
            "kind": "session", "key": .string(vectors.key),
            "messages": .array(messages.map { message in
                [
                    "frames_b64": .array(codec.encode(message).map { .string(Data($0).base64EncodedString()) }),
                    "expect": ["msg_type": .string(message.msgType), "content": try! JSONCoding.decode(JSONValue.self, from: message.content)],
                ]
            }),
        ]
        let (status, output) = try verifyWithPython(document)
        #expect(status == 0, "verify_frames.py said: \(output)")
    }

    @Test func rejectsMissingDelimiter() {
        #expect(throws: ProtocolError(.missingDelimiter, "no <IDS|MSG> delimiter among 2 frames")) {
            try codec.decode([Array("a".utf8), Array("b".utf8)])
        }
    }

    @Test func rejectsTooFewFramesBeforeCheckingTheSignature() throws {
        let frames = try #require(vectors.messages.first).frames
        let error = #expect(throws: ProtocolError.self) { try codec.decode(Array(frames.prefix(4))) }
        #expect(error?.code == .wrongFrameCount)
    }

    @Test func rejectsABadSignature() throws {
        var frames = try #require(vectors.messages.first).frames
        frames[1] = Array(repeating: UInt8(ascii: "0"), count: 64)
        let error = #expect(throws: ProtocolError.self) { try codec.decode(frames) }
        #expect(error?.code == .badSignature)
    }

    @Test func rejectsATamperedContent() throws {
        var frames = try #require(vectors.messages.first).frames
        frames[5] = Array(#"{"code":"import os; os.system('rm -rf /')"}"#.utf8)
        let error = #expect(throws: ProtocolError.self) { try codec.decode(frames) }
        #expect(error?.code == .badSignature)
    }

    @Test func rejectsBadJSONEvenWhenSigned() throws {
        let parts: [[UInt8]] = [Array("{not json".utf8), Array("{}".utf8), Array("{}".utf8), Array("{}".utf8)]
        let frames = [WireCodec.delimiter, codec.signer.signature(of: parts)] + parts
        let error = #expect(throws: ProtocolError.self) { try codec.decode(frames) }
        #expect(error?.code == .invalidJSON)
    }

    @Test func rejectsOversizedParts() throws {
        let small = WireCodec(signer: codec.signer, limits: .init(maxJSONPart: 1024, maxTotal: 4096))
        let frames = try #require(vectors.messages.first).frames
        var big = frames
        big[5] = Array(repeating: UInt8(ascii: " "), count: 2048)
        let error = #expect(throws: ProtocolError.self) { try small.decode(big) }
        #expect(error?.code == .partTooLarge)
    }

    @Test func emptyKeyMeansUnsigned() throws {
        let unsigned = WireCodec(signer: MessageSigner(key: []))
        let message = MessageFactory().make("kernel_info_request")
        let frames = unsigned.encode(message)
        #expect(frames[1].isEmpty)
        #expect(try unsigned.decode(frames).message.msgID == message.msgID)
    }

    @Test func constantTimeComparison() {
        #expect(MessageSigner.constantTimeEqual(Array("abc".utf8), Array("abc".utf8)))
        #expect(!MessageSigner.constantTimeEqual(Array("abc".utf8), Array("abd".utf8)))
        #expect(!MessageSigner.constantTimeEqual(Array("abc".utf8), Array("abcd".utf8)))
        // every byte counts, the first as much as the last
        #expect(MessageSigner.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!MessageSigner.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!MessageSigner.constantTimeEqual([0, 2, 3], [1, 2, 3]))
        #expect(!MessageSigner.constantTimeEqual([1, 2], [1, 2, 3]))
    }
}
