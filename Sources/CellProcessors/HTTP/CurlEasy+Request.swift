import CCurl

extension CurlEasy {
    /// Sets everything for `request` except the callbacks.
    /// Redirects are not followed here (see ``HTTPRedirect``); `timeout` is what is
    /// left of the total.
    func configure(_ request: HTTPCellRequest, tls: TLSVerification, limits: CurlTransfer.Limits, timeout: Double) throws(OptionRefused) {
        try set(CURLOPT_URL, request.url)
        try set(CURLOPT_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_FOLLOWLOCATION, 0)
        try set(CURLOPT_CONNECTTIMEOUT_MS, Int(limits.connectTimeout * 1000))
        try set(CURLOPT_TIMEOUT_MS, max(1, Int(timeout * 1000)))
        // Refuses early when Content-Length is already too large; the write callback
        // enforces the limit for bodies without one (and after decoding).
        try set(CURLOPT_MAXFILESIZE_LARGE, large: Int64(limits.maxResponseBytes))
        try set(CURLOPT_ACCEPT_ENCODING, "")
        try set(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1)
        try configureMethod(request)
        try setHeaders(Self.headerLines(request))
        try configureTLS(tls)
    }

    func configureMethod(_ request: HTTPCellRequest) throws(OptionRefused) {
        switch request.method {
        case "GET" where request.body.isEmpty:
            try set(CURLOPT_HTTPGET, 1)
        case "HEAD" where request.body.isEmpty:
            try set(CURLOPT_NOBODY, 1)
        default:
            if request.method == "POST" || !request.body.isEmpty {
                try set(CURLOPT_POSTFIELDSIZE_LARGE, large: Int64(request.body.count))
                var body = request.body
                if body.isEmpty { body = [0] }  // a valid pointer; size 0 is what counts
                let code = body.withUnsafeMutableBytes { spin_curl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, $0.baseAddress) }
                guard code == CURLE_OK else { throw OptionRefused(option: CURLOPT_COPYPOSTFIELDS, code: code) }
            }
            if request.method != "POST" {
                try set(CURLOPT_CUSTOMREQUEST, request.method)
            }
        }
    }

    /// Verification is explicit in every case: CAINFO and CAPATH are both set (to
    /// the configured path or to NULL), so libcurl's compiled-in defaults
    /// (/etc/ssl/certs…) never widen what `REQUESTS_CA_BUNDLE` trusts.
    func configureTLS(_ tls: TLSVerification) throws(OptionRefused) {
        switch tls {
        case .disabled:
            try set(CURLOPT_SSL_VERIFYPEER, 0)
            try set(CURLOPT_SSL_VERIFYHOST, 0)
            try set(CURLOPT_CAINFO, nil)
            try set(CURLOPT_CAPATH, nil)
        case .caFile(let path):
            try set(CURLOPT_SSL_VERIFYPEER, 1)
            try set(CURLOPT_SSL_VERIFYHOST, 2)
            try set(CURLOPT_CAINFO, path)
            try set(CURLOPT_CAPATH, nil)
        case .caDirectory(let path):
            try set(CURLOPT_SSL_VERIFYPEER, 1)
            try set(CURLOPT_SSL_VERIFYHOST, 2)
            try set(CURLOPT_CAINFO, nil)
            try set(CURLOPT_CAPATH, path)
        }
    }

    /// `Name: value` lines; an empty value is written `Name;` (libcurl would drop
    /// `Name:`), and `Expect:` switches off libcurl's `100-continue` wait unless the
    /// cell asked for an Expect header itself.
    static func headerLines(_ request: HTTPCellRequest) -> [String] {
        var lines = request.headers.map { $0.value.isEmpty ? "\($0.name);" : "\($0.name): \($0.value)" }
        if !request.headers.contains(named: "Expect") { lines.append("Expect:") }
        return lines
    }
}
