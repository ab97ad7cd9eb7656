/// What an `http` connection (SPEC §6: `base_url`, `headers`) gives its cells.
///
/// The connection's headers are defaults: a cell header of the same name (compared
/// case-insensitively) replaces them. They are sent only to the connection's own
/// origin — a cell whose absolute URL points at another scheme, host or port does
/// not get them, so a connection's `Authorization` never leaks to a third party.
public struct HTTPRequestDefaults: Sendable, Hashable {
    /// An absolute http(s) URL that relative cell URLs are appended to.
    public var baseURL: String?
    public var headers: [String: String]

    public init(baseURL: String? = nil, headers: [String: String] = [:]) {
        self.baseURL = baseURL
        self.headers = headers
    }
}
