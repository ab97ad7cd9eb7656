import NIOCore
import NIOWebSocket
import Testing

@testable import Gateway

@Suite struct WebSocketFrameCursorTests {
    /// Runs `reads` through a cursor: everything it forwarded, then the events in order.
    static func run(_ reads: [ByteBuffer], expectsMask: Bool = true, max: Int = 1 << 20)
        -> (forwarded: ByteBuffer, events: [WebSocketFrameCursor.Step], cursor: WebSocketFrameCursor) {
        var cursor = WebSocketFrameCursor(expectsMask: expectsMask, maxPayload: max)
        var forwarded = ByteBuffer()
        var events: [WebSocketFrameCursor.Step] = []
        reads: for read in reads {
            var read = read
            while true {
                switch cursor.next(&read) {
                case .forward(var run): forwarded.writeBuffer(&run)
                case .needMore: continue reads
                case let event:
                    events.append(event)
                    if case .violation = event { break reads }
                }
            }
        }
        return (forwarded, events, cursor)
    }

    static func split(_ bytes: ByteBuffer, every size: Int) -> [ByteBuffer] {
        var bytes = bytes
        var parts: [ByteBuffer] = []
        while bytes.readableBytes > 0 { parts.append(bytes.readSlice(length: min(size, bytes.readableBytes))!) }
        return parts
    }

    /// Frames of every length form (7-bit, 16-bit, 64-bit), masked, split at every read size.
    static let mixed: [WebSocketFrame] = [
        WebSocketWire.text("", masked: true),
        WebSocketWire.text("hello", masked: true),
        WebSocketWire.frame(ByteBuffer(repeating: 7, count: 125), opcode: .binary, masked: true),
        WebSocketWire.frame(ByteBuffer(repeating: 8, count: 126), opcode: .binary, fin: false, masked: true),
        WebSocketWire.frame(ByteBuffer(repeating: 9, count: 70_000), opcode: .continuation, masked: true),
        WebSocketWire.text("p", opcode: .ping, masked: true),
        WebSocketWire.text("q", opcode: .pong, masked: true),
    ]

    @Test(arguments: [1, 2, 3, 5, 13, 14, 127, 4096, 1 << 20])
    func framesSplitAnywhereGoOnUnchangedAndWhole(readSize: Int) throws {
        let wire = try WebSocketWire.bytes(Self.mixed)
        let result = Self.run(Self.split(wire, every: readSize))
        #expect(result.forwarded == wire)
        #expect(result.events.isEmpty)
        #expect(result.cursor.isAtBoundary)
        #expect(try WebSocketWire.frames(result.forwarded).map(\.opcode) == Self.mixed.map(\.opcode))
    }

    @Test func aHeaderSplitBetweenReadsIsHeldUntilItIsWhole() throws {
        let wire = try WebSocketWire.bytes(WebSocketWire.frame(ByteBuffer(repeating: 1, count: 300), opcode: .binary, masked: true))
        var cursor = WebSocketFrameCursor(expectsMask: true, maxPayload: 1 << 20)
        var first = wire.getSlice(at: 0, length: 3)!  // of an 8-byte header
        #expect(cursor.next(&first) == .needMore)
        #expect(cursor.isAtBoundary)  // the held bytes have not been relayed: a frame may still go first
        var rest = wire.getSlice(at: 3, length: wire.readableBytes - 3)!
        #expect(cursor.next(&rest) == .forward(wire.getSlice(at: 0, length: 8)!))
        #expect(cursor.next(&rest) == .forward(wire.getSlice(at: 8, length: 300)!))
        #expect(cursor.next(&rest) == .needMore)
        #expect(cursor.isAtBoundary)
    }

    @Test func aCloseFrameEndsTheRunThatCarriesIt() throws {
        let wire = try WebSocketWire.bytes([WebSocketWire.text("last"), WebSocketWire.close(.normalClosure), WebSocketWire.text("after")])
        var cursor = WebSocketFrameCursor(expectsMask: false, maxPayload: 1 << 20)
        var read = wire
        let throughClose = 6 + 4
        #expect(cursor.next(&read) == .forward(wire.getSlice(at: 0, length: throughClose)!))
        #expect(cursor.next(&read) == .closeFrameEnded)
        #expect(read.readableBytes == 7)  // "after" is left where it is
    }

    @Test func aCloseFrameSplitAcrossReadsEndsWithItsLastByte() throws {
        let wire = try WebSocketWire.bytes(WebSocketWire.close(.goingAway, masked: true))
        let result = Self.run(Self.split(wire, every: 1))
        #expect(result.forwarded == wire)
        #expect(result.events == [.closeFrameEnded])
    }

    static let violations: [(name: String, bytes: [UInt8], masked: Bool, code: WebSocketErrorCode)] = [
        ("reserved bit without an extension", [0xC1, 0x80, 0, 0, 0, 0], true, .protocolError),
        ("reserved opcode 0x3", [0x83, 0x80, 0, 0, 0, 0], true, .protocolError),
        ("reserved control opcode 0xB", [0x8B, 0x80, 0, 0, 0, 0], true, .protocolError),
        ("fragmented ping", [0x09, 0x80, 0, 0, 0, 0], true, .protocolError),
        ("close longer than 125", [0x88, 0xFE, 0x00, 0x7E, 0, 0, 0, 0], true, .protocolError),
        ("unmasked frame from the browser", [0x81, 0x01, 0x41], true, .protocolError),
        ("masked frame from the executor", [0x81, 0x81, 0, 0, 0, 0, 0x41], false, .protocolError),
        ("a length over the limit", [0x82, 0xFF, 0, 0, 0, 0, 0, 0x10, 0, 0x01, 0, 0, 0, 0], true, .messageTooLarge),
        ("a 64-bit length with its top bit set", [0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], true, .messageTooLarge),
    ]

    @Test(arguments: Self.violations.indices)
    func aHeaderThatBreaksTheProtocolIsNotRelayed(index: Int) throws {
        let case_ = Self.violations[index]
        let good = try WebSocketWire.bytes(WebSocketWire.text("fine", masked: case_.masked))
        var wire = good
        wire.writeBytes(case_.bytes)
        for readSize in [1, 4, 1 << 20] {
            let result = Self.run(Self.split(wire, every: readSize), expectsMask: case_.masked, max: 1 << 20)
            #expect(result.forwarded == good, "\(case_.name), reads of \(readSize)")
            #expect(result.events == [.violation(case_.code)], "\(case_.name), reads of \(readSize)")
        }
    }
}
