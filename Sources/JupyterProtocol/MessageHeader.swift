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
    /// message without a parent. One JSON parse: this runs for every message.
    public static func parse(_ bytes: [UInt8]) throws(ProtocolError) -> MessageHeader? {
        if isEmptyObject(bytes) { return nil }
        do {
            return try JSONDecoder().decode(MessageHeader.self, from: Data(bytes))
        } catch DecodingError.keyNotFound {
            throw ProtocolError(.missingField, "header lacks msg_id or msg_type")
        } catch {
            throw ProtocolError(.invalidJSON, "header is not a JSON object with string msg_id and msg_type")
        }
    }

    /// True for `{}` with any white space around or inside.
    static func isEmptyObject(_ bytes: [UInt8]) -> Bool {
        let meaningful = bytes.filter { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        return meaningful == [UInt8(ascii: "{"), UInt8(ascii: "}")]
    }
}
