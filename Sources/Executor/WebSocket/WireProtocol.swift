import Foundation
import JupyterProtocol

/// The message form a kernel WebSocket speaks, chosen at the handshake.
enum WireProtocol: Sendable, Equatable {
    /// `v1.kernel.websocket.jupyter.org`: binary frames.
    case v1
    /// JSON text frames (no subprotocol, or `spin.json`).
    case json(selected: String?)

    /// Picks from the client's offered subprotocols, preferring v1.
    static func negotiate(offered header: String?) -> WireProtocol {
        let offered = (header ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if offered.contains(WebSocketV1Framing.subprotocol) { return .v1 }
        if offered.contains(WebSocketJSONForm.subprotocol) { return .json(selected: WebSocketJSONForm.subprotocol) }
        return .json(selected: nil)
    }

    var selectedSubprotocol: String? {
        switch self {
        case .v1: WebSocketV1Framing.subprotocol
        case .json(let selected): selected
        }
    }

    enum Frame: Sendable {
        case text([UInt8])
        case binary([UInt8])
    }

    func encode(_ channel: Channel, _ message: JupyterMessage) -> Frame {
        switch self {
        case .v1:
            return .binary(WebSocketV1Framing.encode(channel: channel, message))
        case .json:
            switch WebSocketJSONForm.encode(channel: channel, message) {
            case .text(let bytes): return .text(bytes)
            case .binary(let bytes): return .binary(bytes)
            }
        }
    }

    func decode(_ frame: Frame) throws(ProtocolError) -> (Channel, JupyterMessage) {
        switch (self, frame) {
        case (.v1, .binary(let bytes)): return try WebSocketV1Framing.decode(bytes)
        case (.v1, .text(let bytes)), (.json, .text(let bytes)): return try WebSocketJSONForm.decode(text: bytes)
        case (.json, .binary(let bytes)): return try WebSocketJSONForm.decode(binary: bytes)
        }
    }
}
