import NIOCore
import NIOWebSocket

/// Follows one direction of a relayed WebSocket as raw bytes: where each frame begins and
/// ends, without decoding, copying or unmasking a payload.
///
/// The gateway relays frames unchanged, the way a TLS-terminating proxy such as nginx does:
/// the executor decodes them (and answers pings, enforces its message limit). The gateway
/// still needs the frame boundaries, to put its own control frames (a keep-alive ping, a
/// close) between two frames and never inside one; the end of a close frame, after which
/// nothing more from that side is relayed; and the headers that break the protocol, which
/// it answers as NIO's decoder would (RFC 6455 §5.2, §5.5: reserved bits without an
/// extension, unknown opcodes, fragmented or long control frames, a mask where there must be
/// none or none where there must be one, a length over the limit). NIO has no header-only
/// reader; this is only the header.
///
/// `next(_:)` hands back what can go on as slices of the read buffer, a run of whole and
/// part frames each. A header split between two reads is held (at most 14 bytes) until the
/// rest arrives, so a header that turns out to be malformed is never half relayed.
struct WebSocketFrameCursor {
    enum Step: Equatable {
        /// Bytes to relay as they are.
        case forward(ByteBuffer)
        /// The bytes just forwarded ended with a close frame: nothing after it is relayed.
        case closeFrameEnded
        /// The next frame's header breaks the protocol: answer with this code; nothing from
        /// it on is relayed.
        case violation(WebSocketErrorCode)
        /// The buffer is used up.
        case needMore
    }

    /// Frames from a client are masked (the browser's); frames from a server are not.
    let expectsMask: Bool
    let maxPayload: UInt64
    private var payloadLeft: UInt64 = 0
    private var inCloseFrame = false
    private var heldHeader = ByteBuffer()
    private var owed: Step?

    init(expectsMask: Bool, maxPayload: Int) {
        self.expectsMask = expectsMask
        self.maxPayload = UInt64(maxPayload)
    }

    /// Nothing of a frame has been relayed without the rest of it: another frame may go next.
    /// (A header held back has not been relayed either.)
    var isAtBoundary: Bool { self.payloadLeft == 0 }

    /// Set while the session has a frame of its own to put in: runs then end at the next
    /// frame boundary instead of the end of the read, so it goes in there.
    var pausesAtBoundary = false

    /// The next step through `buffer`, whose reader index moves past what it returns.
    mutating func next(_ buffer: inout ByteBuffer) -> Step {
        if let owed = self.takeOwed() { return owed }
        if self.heldHeader.readableBytes > 0 { return self.completeHeldHeader(&buffer) }
        let start = buffer.readerIndex
        let end = buffer.writerIndex
        var index = start
        scan: while index < end {
            if self.payloadLeft == 0, self.pausesAtBoundary, index > start { break scan }
            if self.payloadLeft > 0 {
                let taken = Int(min(self.payloadLeft, UInt64(end - index)))
                index += taken
                self.payloadLeft -= UInt64(taken)
                if self.payloadLeft == 0, self.inCloseFrame {
                    self.inCloseFrame = false
                    self.owed = .closeFrameEnded
                    break scan
                }
                continue
            }
            guard let header = FrameHeader(buffer, at: index, end: end) else {
                // The rest is the start of a header: keep it for the next read.
                self.heldHeader.clear()
                self.heldHeader.writeImmutableBuffer(buffer.getSlice(at: index, length: end - index)!)
                let run = buffer.readSlice(length: index - start)!
                buffer.moveReaderIndex(to: end)
                return run.readableBytes > 0 ? .forward(run) : .needMore
            }
            if let code = self.violation(in: header) {
                self.owed = .violation(code)
                break scan
            }
            index += header.length
            self.begin(header)
            if self.owed != nil { break scan }
        }
        let run = buffer.readSlice(length: index - start)!
        if run.readableBytes > 0 { return .forward(run) }
        return self.takeOwed() ?? .needMore
    }

    /// The event that waited for the run before it to be forwarded, once.
    private mutating func takeOwed() -> Step? {
        defer { self.owed = nil }
        return self.owed
    }

    private mutating func begin(_ header: FrameHeader) {
        self.payloadLeft = header.payloadLength
        guard header.opcode == .connectionClose else { return }
        if header.payloadLength == 0 {
            self.owed = .closeFrameEnded
        } else {
            self.inCloseFrame = true
        }
    }

    /// Adds the next bytes of `buffer` to a held header; once whole, it goes on by itself.
    private mutating func completeHeldHeader(_ buffer: inout ByteBuffer) -> Step {
        while self.heldHeader.readableBytes < FrameHeader.needed(self.heldHeader) {
            guard let byte = buffer.readInteger(as: UInt8.self) else { return .needMore }
            self.heldHeader.writeInteger(byte)
        }
        var header = self.heldHeader
        self.heldHeader = ByteBuffer()
        let parsed = FrameHeader(header, at: header.readerIndex, end: header.writerIndex)!
        if let code = self.violation(in: parsed) { return .violation(code) }
        self.begin(parsed)
        return .forward(header.readSlice(length: header.readableBytes)!)
    }

    private func violation(in header: FrameHeader) -> WebSocketErrorCode? {
        if header.reservedBits != 0 || header.opcode == nil || header.masked != self.expectsMask { return .protocolError }
        if header.isControl, !header.fin || header.payloadLength > 125 { return .protocolError }
        if header.payloadLength > self.maxPayload { return .messageTooLarge }
        return nil
    }
}

/// A frame header read in place (RFC 6455 §5.2).
struct FrameHeader {
    let fin: Bool
    let reservedBits: UInt8
    /// Nil for the reserved opcodes.
    let opcode: WebSocketOpcode?
    let masked: Bool
    let payloadLength: UInt64
    /// Bytes of the header itself, mask included.
    let length: Int

    var isControl: Bool { self.opcode.map { $0.isControlOpcode } ?? false }

    /// Reads the header at `index`, or nil while `buffer` holds only part of it before `end`.
    init?(_ buffer: ByteBuffer, at index: Int, end: Int) {
        guard end - index >= 2, let first = buffer.getInteger(at: index, as: UInt8.self),
              let second = buffer.getInteger(at: index + 1, as: UInt8.self) else { return nil }
        let length = Self.headerLength(second)
        guard end - index >= length else { return nil }
        self.fin = first & 0x80 != 0
        self.reservedBits = first & 0x70
        self.opcode = WebSocketOpcode(encodedWebSocketOpcode: first & 0x0F).flatMap { $0.isKnown ? $0 : nil }
        self.masked = second & 0x80 != 0
        self.length = length
        switch second & 0x7F {
        case 126: self.payloadLength = UInt64(buffer.getInteger(at: index + 2, as: UInt16.self)!)
        case 127: self.payloadLength = buffer.getInteger(at: index + 2, as: UInt64.self)!
        case let short: self.payloadLength = UInt64(short)
        }
    }

    /// The length of a header whose second byte is `second`.
    static func headerLength(_ second: UInt8) -> Int {
        let extended = switch second & 0x7F {
        case 126: 2
        case 127: 8
        default: 0
        }
        return 2 + extended + (second & 0x80 != 0 ? 4 : 0)
    }

    /// How many bytes the header begun in `held` needs in all (2 while that is not known yet).
    static func needed(_ held: ByteBuffer) -> Int {
        guard let second = held.getInteger(at: held.readerIndex + 1, as: UInt8.self) else { return 2 }
        return Self.headerLength(second)
    }
}

extension WebSocketOpcode {
    /// The opcodes RFC 6455 defines: continuation, text, binary, close, ping, pong.
    var isKnown: Bool {
        switch self {
        case .continuation, .text, .binary, .connectionClose, .ping, .pong: true
        default: false
        }
    }
}
