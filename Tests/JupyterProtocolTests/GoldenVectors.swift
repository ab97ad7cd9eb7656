import Foundation
@testable import JupyterProtocol

/// Frames produced by Jupyter's own Python (scripts/golden/gen_vectors.py).
struct SessionVectors: Decodable {
    struct Message: Decodable {
        let name: String
        let identities_b64: [String]
        let frames_b64: [String]
        let signature: String
        let msg_type: String
        let msg_id: String
        let content: JSONValue
        let buffers_b64: [String]

        var frames: [[UInt8]] { (identities_b64 + frames_b64).map(decodeBase64) }
    }
    let key: String
    let messages: [Message]

    static func load() throws -> SessionVectors {
        try JSONDecoder().decode(SessionVectors.self, from: fixture("session_vectors.json"))
    }
}

struct WebSocketVectors: Decodable {
    struct Message: Decodable {
        let name: String
        let channel: String
        let frame_b64: String
        let header: JSONValue
        let content: JSONValue
        let buffers_b64: [String]
    }
    let messages: [Message]

    static func load() throws -> WebSocketVectors {
        try JSONDecoder().decode(WebSocketVectors.self, from: fixture("ws_v1_vectors.json"))
    }
}

func decodeBase64(_ text: String) -> [UInt8] {
    Array(Data(base64Encoded: text) ?? Data())
}

func fixture(_ name: String) throws -> Data {
    guard let url = Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil) else {
        throw CocoaError(.fileNoSuchFile)
    }
    return try Data(contentsOf: url)
}

/// Runs scripts/golden/verify_frames.py with the project's Python on a file
/// our codec wrote; returns its exit status and output.
func verifyWithPython(_ document: JSONValue) throws -> (Int32, String) {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let python = ProcessInfo.processInfo.environment["SPIN_TEST_PYTHON"] ?? root.appendingPathComponent(".venv/bin/python").path
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("spin-frames-\(UUID().uuidString).json")
    try Data(JSONCoding.encode(document)).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [root.appendingPathComponent("scripts/golden/verify_frames.py").path, file.path]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
}
