/// The Jupyter channels a client can talk on.
public enum Channel: String, Sendable, Hashable, CaseIterable, Codable {
    case shell
    case iopub
    case stdin
    case control

    public init(name: String) throws(ProtocolError) {
        guard let channel = Channel(rawValue: name) else {
            throw ProtocolError(.unknownChannel, "unknown channel '\(name.prefix(32))'")
        }
        self = channel
    }

    /// Channels on which a client may send to the kernel.
    public var acceptsClientMessages: Bool { self != .iopub }
}
