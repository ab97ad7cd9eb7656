import Foundation

/// How the transfer follows a redirect (it does so itself, not libcurl: libcurl
/// 7.88 sends every custom header, e.g. a connection's `X-Api-Key`, on to another
/// host; it only strips `Authorization` and `Cookie`).
///
/// Only http(s) targets are followed. 303, and 301/302 after a POST, become a GET
/// without a body. When the target's origin (scheme, host, port) differs from the
/// current one, only ``crossOriginHeaders`` are kept.
enum HTTPRedirect {
    static let statuses: Set<Int> = [301, 302, 303, 307, 308]

    /// Headers that carry no credentials, kept across origins (lower-case).
    static let crossOriginHeaders: Set<String> = ["accept", "accept-language", "user-agent", "content-type", "cache-control"]

    /// The request to send for a `status` answer whose absolute target is `location`.
    static func next(after request: HTTPCellRequest, status: Int, location: String) throws(HTTPCellError) -> HTTPCellRequest {
        guard let scheme = HTTPURLText.scheme(of: location), HTTPURLText.allowedSchemes.contains(scheme) else {
            throw HTTPCellError(code: HTTPCellError.Code.unsupportedScheme, message: "The server at \(HTTPURLText.redacted(request.url)) redirected to a URL whose scheme is not http or https; it was not followed.")
        }
        var next = request
        next.url = location
        if (status == 303 && request.method != "HEAD") || ((status == 301 || status == 302) && request.method == "POST") {
            next.method = "GET"
            next.body = []
            next.headers.removeAll { ["content-type", "content-length"].contains($0.name.lowercased()) }
        }
        if origin(location) != origin(request.url) {
            next.headers.removeAll { !crossOriginHeaders.contains($0.name.lowercased()) }
        }
        return next
    }

    static func origin(_ url: String) -> String? {
        URLComponents(string: url).map(HTTPURLText.origin)
    }

    static func tooMany(_ limit: Int, lastURL: String) -> HTTPCellError {
        HTTPCellError(code: HTTPCellError.Code.tooManyRedirects, message: "Stopped after following \(limit) redirects (the last one to \(HTTPURLText.redacted(lastURL))): the server is probably redirecting in a loop.")
    }
}
