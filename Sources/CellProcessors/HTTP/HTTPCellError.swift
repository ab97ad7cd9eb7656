/// Why an http cell could not run: a stable snake_case `code` for programs and a
/// `message` a person can act on.
///
/// Messages name the method, host, port and path but never a request header value
/// (headers may carry `Authorization` or API keys), the URL's user info or its query.
public struct HTTPCellError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One of the ``Code`` constants.
    public let code: String
    /// A sentence that says what went wrong and what to do about it.
    public let message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    /// The values of ``HTTPCellError/code``.
    public enum Code {
        // MARK: The cell's source
        /// The source is empty or only whitespace.
        public static let emptySource = "empty_source"
        /// The first line is not `METHOD URL` (or a lone URL).
        public static let badRequestLine = "bad_request_line"
        /// The method is not a token of letters, or is one the cell refuses (`CONNECT`).
        public static let badMethod = "bad_method"
        /// The URL cannot be parsed or has no host.
        public static let badURL = "bad_url"
        /// The URL is relative and no `http` connection with a `base_url` was given.
        public static let relativeURL = "relative_url"
        /// The scheme is not `http` or `https` (`file://`, `gopher://`, … are refused).
        public static let unsupportedScheme = "unsupported_scheme"
        /// A header line is not `Name: value`, or its name is not a token.
        public static let badHeader = "bad_header"
        /// A header value contains CR, LF, NUL or another control character.
        public static let headerInjection = "header_injection"
        /// The connection's `base_url` is not an absolute http(s) URL.
        public static let badBaseURL = "bad_base_url"

        // MARK: Configuration
        /// `REQUESTS_CA_BUNDLE` names a path that is missing, unreadable or not usable.
        public static let badCABundle = "bad_ca_bundle"

        // MARK: The transfer
        /// The host name did not resolve.
        public static let dnsFailed = "dns_failed"
        /// The TCP connection was refused or could not be made.
        public static let connectFailed = "connect_failed"
        /// Connecting or the whole request took longer than its limit.
        public static let timeout = "timeout"
        /// The server's certificate is not trusted by `REQUESTS_CA_BUNDLE`.
        public static let certificateUntrusted = "certificate_untrusted"
        /// The server's certificate does not name the host of the URL.
        public static let certificateNameMismatch = "certificate_name_mismatch"
        /// The TLS handshake failed for another reason (protocol, cipher, not TLS, …).
        public static let tlsFailed = "tls_failed"
        /// libcurl could not load the CA file or directory of `REQUESTS_CA_BUNDLE`.
        public static let caBundleUnusable = "ca_bundle_unusable"
        /// More redirects than the limit (a loop, most likely).
        public static let tooManyRedirects = "too_many_redirects"
        /// The response body (or its headers) exceeded the size limit.
        public static let responseTooLarge = "response_too_large"
        /// The server's answer was not valid HTTP, or the connection broke mid-transfer.
        public static let transferFailed = "transfer_failed"
        /// A local resource (thread, curl handle) could not be created.
        public static let internalError = "internal_error"
    }
}
