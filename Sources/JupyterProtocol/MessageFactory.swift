import Foundation

/// Makes new messages that the runtime itself sends: requests to kernels
/// (kernel_info, shutdown, interrupt) and status or error messages to clients.
public struct MessageFactory: Sendable {
    public let session: String
    public let username: String

    public init(session: String = MessageFactory.newID(), username: String = "spin") {
        self.session = session
        self.username = username
    }

    public func make(
        _ msgType: String,
        content: JSONValue = [:],
        parent: [UInt8] = Array("{}".utf8),
        metadata: JSONValue = [:],
        msgID: String = MessageFactory.newID(),
        date: Date = Date()
    ) -> JupyterMessage {
        let header = MessageHeader(
            msgID: msgID, msgType: msgType, session: session, username: username,
            date: Self.timestamp(date), version: "5.3"
        )
        // The header and parent were just produced or already validated; a
        // failure here would be a programming error.
        do {
            return try JupyterMessage(
                header: JSONCoding.encode(header), parentHeader: parent,
                metadata: JSONCoding.encode(metadata), content: JSONCoding.encode(content)
            )
        } catch {
            preconditionFailure("factory produced an invalid message: \(error)")
        }
    }

    public static func newID() -> String {
        UUID().uuidString.lowercased()
    }

    /// ISO 8601 with microseconds in UTC, the form Jupyter uses.
    public static func timestamp(_ date: Date) -> String {
        ISOTimestamp.string(secondsSince1970: date.timeIntervalSince1970, fractionDigits: 6)
    }
}
