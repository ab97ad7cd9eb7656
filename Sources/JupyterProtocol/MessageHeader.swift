import Foundation

/// The fields of a message header the runtime routes by.
///
/// The header's bytes travel unchanged; this is only what is read from them.
public struct MessageHeader: Sendable, Hashable, Codable {
    public var msgID: String
    public var msgType: String
    public var session: String
    public var username: String
    public var date: String
    public var version: String

    public init(
        msgID: String, msgType: String, session: String,
        username: String = "spin", date: String, version: String = "5.3"
    ) {
        self.msgID = msgID
        self.msgType = msgType
        self.session = session
        self.username = username
        self.date = date
        self.version = version
    }

    enum CodingKeys: String, CodingKey {
        case msgID = "msg_id", msgType = "msg_type", session, username, date, version
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        msgID = try c.decode(String.self, forKey: .msgID)
        msgType = try c.decode(String.self, forKey: .msgType)
        session = try c.decodeIfPresent(String.self, forKey: .session) ?? ""
        username = try c.decodeIfPresent(String.self, forKey: .username) ?? ""
        date = try c.decodeIfPresent(String.self, forKey: .date) ?? ""
        version = try c.decodeIfPresent(String.self, forKey: .version) ?? ""
    }

    /// Parses a header part; an empty object (`{}`) yields `nil`, as for a
    /// message without a parent. This runs for every message, so it scans the
    /// bytes (`JSONObjectFields`) rather than decoding with Foundation.
    public static func parse(_ bytes: [UInt8]) throws(ProtocolError) -> MessageHeader? {
        let fields: JSONObjectFields
        do throws(ProtocolError) {
            fields = try JSONObjectFields(bytes)
        } catch {
            throw ProtocolError(.invalidJSON, "header: \(error.detail)")
        }
        if fields.isEmpty { return nil }
        return try MessageHeader(
            msgID: required(fields, "msg_id"), msgType: required(fields, "msg_type"),
            session: optional(fields, "session"), username: optional(fields, "username"),
            date: optional(fields, "date"), version: optional(fields, "version")
        )
    }

    private static func required(_ fields: JSONObjectFields, _ key: String) throws(ProtocolError) -> String {
        guard let member = fields.member(key) else {
            throw ProtocolError(.missingField, "header lacks msg_id or msg_type")
        }
        guard member.kind == .string else {
            throw ProtocolError(.invalidJSON, "header's \(key) is not a string")
        }
        return fields.string(of: member)
    }

    /// An optional field: absent or `null` reads as "".
    private static func optional(_ fields: JSONObjectFields, _ key: String) throws(ProtocolError) -> String {
        guard let member = fields.member(key), member.kind != .null else { return "" }
        guard member.kind == .string else {
            throw ProtocolError(.invalidJSON, "header's \(key) is not a string")
        }
        return fields.string(of: member)
    }
}
