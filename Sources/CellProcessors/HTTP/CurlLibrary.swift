import CCurl

/// `curl_global_init`, exactly once per process, before the first handle.
enum CurlLibrary {
    private static let initialized: Bool = spin_curl_global_init_default() == CURLE_OK

    static func ensureInitialized() -> Bool { initialized }

    /// Why libcurl could not be opened (it is opened on the first HTTP cell, not at
    /// start-up), as " (libcurl.so.4: cannot open shared object file: …)", or "".
    static var loadFailure: String {
        spin_curl_load_error().map { " (\(String(cString: $0)))" } ?? ""
    }

    /// "libcurl/7.88.1 OpenSSL/3.0.… …", for logs.
    static var version: String {
        curl_version().map { String(cString: $0) } ?? "libcurl"
    }
}
