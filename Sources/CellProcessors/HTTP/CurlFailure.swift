import CCurl
import Foundation

/// Turns a failed transfer's `CURLcode` into an ``HTTPCellError`` a person can act
/// on. Messages name the host and port (never request headers, the URL's user
/// info or query) and add libcurl's own detail in parentheses.
struct CurlFailure {
    let code: CURLcode
    let easy: CurlEasy
    let state: CurlTransferState
    let request: HTTPCellRequest
    let tls: TLSVerification
    let limits: CurlTransfer.Limits

    static func internalError(_ what: String) -> HTTPCellError {
        HTTPCellError(code: HTTPCellError.Code.internalError, message: "The runtime could not \(what).")
    }

    var detail: String {
        let text = easy.errorText.isEmpty ? String(cString: curl_easy_strerror(code)) : easy.errorText
        return "libcurl: \(text.trimmingCharacters(in: .whitespacesAndNewlines))"
    }

    /// `host:port` of the URL being fetched when it failed.
    var address: String {
        let url = easy.string(CURLINFO_EFFECTIVE_URL)
        guard let components = URLComponents(string: url.isEmpty ? request.url : url), let host = components.host else { return "the server" }
        let port = components.port ?? (components.scheme?.lowercased() == "https" ? 443 : 80)
        return "\(host):\(port)"
    }

    var error: HTTPCellError {
        switch code {
        case CURLE_WRITE_ERROR where state.overflow == .body, CURLE_FILESIZE_EXCEEDED:
            return make(HTTPCellError.Code.responseTooLarge, "The response body from \(address) is larger than the limit of \(Self.size(limits.maxResponseBytes)); the transfer was stopped. Ask for less (paging, a filter) or raise the limit.")
        case CURLE_WRITE_ERROR where state.overflow == .headers:
            return make(HTTPCellError.Code.responseTooLarge, "The response headers from \(address) exceed the limit of \(Self.size(limits.maxHeaderBytes)); the transfer was stopped.")
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return make(HTTPCellError.Code.dnsFailed, "The host name of \(address) could not be resolved (DNS): check the URL's host name (\(detail)).")
        case CURLE_COULDNT_CONNECT:
            if easy.long(CURLINFO_OS_ERRNO) == Int(ECONNREFUSED) {
                return make(HTTPCellError.Code.connectFailed, "\(address) refused the connection: is the server running and listening on that port? (\(detail))")
            }
            return make(HTTPCellError.Code.connectFailed, "Could not connect to \(address) (\(detail)).")
        case CURLE_OPERATION_TIMEDOUT:
            return timeout
        case CURLE_PEER_FAILED_VERIFICATION:
            return certificate
        case CURLE_SSL_CACERT_BADFILE:
            return make(HTTPCellError.Code.caBundleUnusable, "libcurl could not load trusted CAs from \(tls.settingDescription): it must hold PEM certificates (a folder: prepared with `openssl rehash`) (\(detail)).")
        case CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_ENGINE_NOTFOUND,
            CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_USE_SSL_FAILED, CURLE_SSL_SHUTDOWN_FAILED:
            if tls != .disabled {
                // A CA of the same name but another key (a rotated CA) fails
                // inside the signature check and surfaces here, not as a
                // verification failure.
                return make(HTTPCellError.Code.tlsFailed, "The TLS handshake with \(address) failed: is it an https server speaking TLS 1.2 or newer, and is its certificate issued by a CA in \(tls.settingDescription)? (\(detail))")
            }
            return make(HTTPCellError.Code.tlsFailed, "The TLS handshake with \(address) failed: is it an https server, and does it speak TLS 1.2 or newer? (\(detail))")
        case CURLE_TOO_MANY_REDIRECTS:
            return make(HTTPCellError.Code.tooManyRedirects, "Stopped after following \(limits.maxRedirects) redirects (the last one to \(HTTPURLText.redacted(easy.string(CURLINFO_EFFECTIVE_URL)))): the server is probably redirecting in a loop.")
        case CURLE_UNSUPPORTED_PROTOCOL:
            return make(HTTPCellError.Code.unsupportedScheme, "The server redirected to a URL whose scheme is not http or https; it was not followed (\(detail)).")
        case CURLE_URL_MALFORMAT:
            return make(HTTPCellError.Code.badURL, "libcurl could not parse the URL (\(detail)).")
        case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE, CURLE_WEIRD_SERVER_REPLY,
            CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_HTTP3, CURLE_BAD_CONTENT_ENCODING:
            return make(HTTPCellError.Code.transferFailed, "The exchange with \(address) failed: the connection broke or the reply was not valid HTTP (\(detail)).")
        default:
            return make(HTTPCellError.Code.transferFailed, "The request to \(address) failed with libcurl error \(code.rawValue) (\(detail)).")
        }
    }

    private var timeout: HTTPCellError {
        let text = easy.errorText
        if text.hasPrefix("Connection timed out") || text.hasPrefix("Resolving timed out") || text.contains("connect") {
            return make(HTTPCellError.Code.timeout, "Connecting to \(address) took longer than \(Self.seconds(limits.connectTimeout)) (\(detail)).")
        }
        return make(HTTPCellError.Code.timeout, "The request to \(address) did not finish within \(Self.seconds(limits.totalTimeout)) (\(detail)).")
    }

    private var certificate: HTTPCellError {
        let text = easy.errorText
        if text.contains("subject name") || text.contains("does not match") || text.contains("hostname") {
            return make(HTTPCellError.Code.certificateNameMismatch, "The server's certificate at \(address) is not issued for that host name; use the name the certificate was issued for (\(detail)).")
        }
        return make(HTTPCellError.Code.certificateUntrusted, "The server's certificate at \(address) is not trusted by \(tls.settingDescription): add the CA that issued it to that bundle, or point \(TLSVerification.environmentVariable) at the right one (\(detail)).")
    }

    private func make(_ code: String, _ message: String) -> HTTPCellError {
        HTTPCellError(code: code, message: message)
    }

    static func size(_ bytes: Int) -> String {
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB (\(bytes) bytes)" }
        if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB (\(bytes) bytes)" }
        return "\(bytes) bytes"
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : String(format: "%.1f s", value)
    }
}
