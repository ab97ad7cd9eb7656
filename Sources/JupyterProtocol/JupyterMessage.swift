/// A Jupyter message as it travels: its four JSON parts as raw bytes, plus
/// binary buffers, with the two headers read for routing.
///
/// Keeping the parts as bytes lets the runtime relay kernel output without
/// decoding and re-encoding content.
public struct JupyterMessage: Sendable, Hashable {
    public var header: [UInt8]
    public var parentHeader: [UInt8]
    public var metadata: [UInt8]
    public var content: [UInt8]
    public var buffers: [[UInt8]]

    /// What was read from `header`.
    public let parsedHeader: MessageHeader
    /// What was read from `parentHeader`; `nil` for `{}`.
    public let parsedParent: MessageHeader?

    public var msgID: String { parsedHeader.msgID }
    public var msgType: String { parsedHeader.msgType }
    public var parentMsgID: String? { parsedParent?.msgID }

    /// Builds a message from its parts, validating both headers.
    public init(
        header: [UInt8], parentHeader: [UInt8], metadata: [UInt8], content: [UInt8], buffers: [[UInt8]] = []
    ) throws(ProtocolError) {
        guard let parsed = try MessageHeader.parse(header) else {
            throw ProtocolError(.missingField, "header is empty")
        }
        self.parsedHeader = parsed
        self.parsedParent = try MessageHeader.parse(parentHeader.isEmpty ? Array("{}".utf8) : parentHeader)
        self.header = header
        self.parentHeader = parentHeader.isEmpty ? Array("{}".utf8) : parentHeader
        self.metadata = metadata.isEmpty ? Array("{}".utf8) : metadata
        self.content = content.isEmpty ? Array("{}".utf8) : content
        self.buffers = buffers
    }

    /// Total size of all parts, for limits and accounting.
    public var byteCount: Int {
        header.count + parentHeader.count + metadata.count + content.count + buffers.reduce(0) { $0 + $1.count }
    }

    /// A top-level string field of `content` (`execution_state`, `status`),
    /// read by scanning the bytes rather than decoding them: `nil` when it is
    /// absent or not a string, or when the content is not a JSON object.
    public func contentString(_ key: String) -> String? {
        (try? JSONObjectFields(content))?.string(key)
    }

    public func decodedContent() throws(ProtocolError) -> [String: JSONValue] {
        try JSONCoding.object(from: content)
    }

    public func decodedMetadata() throws(ProtocolError) -> [String: JSONValue] {
        try JSONCoding.object(from: metadata)
    }
}
