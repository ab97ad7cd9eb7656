/// What ``CurlTransfer`` sends: already validated (see ``HTTPCellSource``).
public struct HTTPCellRequest: Sendable, Hashable {
    /// An upper-case method token (`GET`, `POST`, `PATCH`, …).
    public var method: String
    /// An absolute `http` or `https` URL.
    public var url: String
    /// Sent in this order; values never appear in error messages.
    public var headers: [HTTPCellHeader]
    public var body: [UInt8]

    public init(method: String, url: String, headers: [HTTPCellHeader] = [], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}
