/// Jupyter's ZeroMQ multipart form:
/// `[identities…, <IDS|MSG>, signature, header, parent_header, metadata, content, buffers…]`.
///
/// Decoding checks the frame layout and part sizes before the signature and
/// the signature before any JSON is parsed.
public struct WireCodec: Sendable {
    public static let delimiter: [UInt8] = Array("<IDS|MSG>".utf8)

    public struct Limits: Sendable {
        public var maxJSONPart: Int
        public var maxTotal: Int
        public var maxBuffers: Int

        public init(maxJSONPart: Int = 256 << 20, maxTotal: Int = 1 << 30, maxBuffers: Int = 4096) {
            self.maxJSONPart = maxJSONPart
            self.maxTotal = maxTotal
            self.maxBuffers = maxBuffers
        }
    }

    public let signer: MessageSigner
    public let limits: Limits

    public init(signer: MessageSigner, limits: Limits = .init()) {
        self.signer = signer
        self.limits = limits
    }

    /// Frames for `message`, with `identities` in front (for ROUTER sockets).
    public func encode(_ message: JupyterMessage, identities: [[UInt8]] = []) -> [[UInt8]] {
        let signature = signer.signature(message.header, message.parentHeader, message.metadata, message.content)
        var frames = identities
        frames.reserveCapacity(identities.count + 6 + message.buffers.count)
        frames.append(Self.delimiter)
        frames.append(signature)
        frames.append(message.header)
        frames.append(message.parentHeader)
        frames.append(message.metadata)
        frames.append(message.content)
        frames.append(contentsOf: message.buffers)
        return frames
    }

    public func decode(_ frames: [[UInt8]]) throws(ProtocolError) -> (identities: [[UInt8]], message: JupyterMessage) {
        guard let split = frames.firstIndex(of: Self.delimiter) else {
            throw ProtocolError(.missingDelimiter, "no <IDS|MSG> delimiter among \(frames.count) frames")
        }
        let body = frames[(split + 1)...]
        guard body.count >= 5 else {
            throw ProtocolError(.wrongFrameCount, "expected at least 5 frames after the delimiter, got \(body.count)")
        }
        let parts = Array(body)
        try checkSizes(parts)
        let jsonParts = Array(parts[1...4])
        guard signer.verify(parts[0], parts: jsonParts) else {
            throw ProtocolError(.badSignature, "message signature does not match")
        }
        let message = try JupyterMessage(
            header: parts[1], parentHeader: parts[2], metadata: parts[3], content: parts[4],
            buffers: Array(parts[5...])
        )
        return (Array(frames[..<split]), message)
    }

    private func checkSizes(_ parts: [[UInt8]]) throws(ProtocolError) {
        guard parts.count - 5 <= limits.maxBuffers else {
            throw ProtocolError(.wrongFrameCount, "too many buffers: \(parts.count - 5)")
        }
        var total = 0
        for (index, part) in parts.enumerated() {
            if (1...4).contains(index), part.count > limits.maxJSONPart {
                throw ProtocolError(.partTooLarge, "JSON part \(index) has \(part.count) bytes")
            }
            total += part.count
        }
        guard total <= limits.maxTotal else {
            throw ProtocolError(.partTooLarge, "message has \(total) bytes")
        }
    }
}
