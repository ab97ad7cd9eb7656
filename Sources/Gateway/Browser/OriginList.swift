/// `SPIN_ALLOWED_ORIGINS`: `*` or a comma list of browser origins.
public enum OriginList: Sendable, Equatable {
    case any
    case only(Set<String>)

    public init(parsing raw: String) {
        let items = raw.split(separator: ",").map { Self.normalize($0) }.filter { !$0.isEmpty }
        if items.isEmpty || items.contains("*") {
            self = .any
        } else {
            self = .only(Set(items))
        }
    }

    /// Whether a request with this `Origin` header may proceed. Requests without an
    /// `Origin` (curl, Jupyter clients, servers) are not browser cross-origin requests.
    public func allows(_ origin: String?) -> Bool {
        guard let origin else { return true }
        switch self {
        case .any: return true
        case .only(let set): return set.contains(Self.normalize(origin))
        }
    }

    static func normalize(_ origin: some StringProtocol) -> String {
        var value = origin.trimmingSpaces().lowercased()
        while value.hasSuffix("/") { value.removeLast() }
        return value
    }
}
