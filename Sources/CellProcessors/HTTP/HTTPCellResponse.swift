import Foundation

/// What came back: the last response after any redirects.
public struct HTTPCellResponse: Sendable, Hashable {
    /// The status code, e.g. 200.
    public var status: Int
    /// The reason phrase of the status line ("OK"); empty for HTTP/2.
    public var reason: String
    /// "1.0", "1.1", "2" or "3".
    public var httpVersion: String
    /// The headers of the last response, in the order received.
    public var headers: [HTTPCellHeader]
    /// The body, decoded from any `Content-Encoding` libcurl supports.
    public var body: [UInt8]
    /// The URL of the last request after redirects.
    public var effectiveURL: String
    /// Redirects followed.
    public var redirectCount: Int
    /// The whole transfer, in seconds.
    public var totalTime: Double

    public init(
        status: Int, reason: String = "", httpVersion: String = "1.1", headers: [HTTPCellHeader] = [],
        body: [UInt8] = [], effectiveURL: String = "", redirectCount: Int = 0, totalTime: Double = 0
    ) {
        self.status = status
        self.reason = reason
        self.httpVersion = httpVersion
        self.headers = headers
        self.body = body
        self.effectiveURL = effectiveURL
        self.redirectCount = redirectCount
        self.totalTime = totalTime
    }

    /// The media type of `Content-Type`, lower-cased, without parameters.
    public var mediaType: String? {
        guard let value = headers.first(named: "Content-Type") else { return nil }
        let type = value.split(separator: ";", maxSplits: 1).first ?? ""
        let trimmed = type.trimmingCharacters(in: .whitespaces).lowercased()
        return trimmed.isEmpty ? nil : trimmed
    }
}
