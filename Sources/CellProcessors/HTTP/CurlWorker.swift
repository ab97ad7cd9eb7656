import CCurl
import Foundation

/// The body of a transfer thread: set up the easy handle, drive it with a multi
/// handle until done or cancelled, and turn the outcome into a result.
struct CurlWorker: Sendable {
    let request: HTTPCellRequest
    let tls: TLSVerification
    let limits: CurlTransfer.Limits
    let signal: CurlCancelSignal

    /// Milliseconds a poll waits when nothing happens; cancellation wakes it earlier.
    static let pollMilliseconds: Int32 = 1000

    func run() -> Result<HTTPCellResponse, any Error> {
        Result { try follow() }
    }

    /// Sends `request`, then each redirect target (see ``HTTPRedirect``), within one
    /// total deadline.
    private func follow() throws -> HTTPCellResponse {
        let deadline = ContinuousClock.now + .milliseconds(Int(limits.totalTimeout * 1000))
        var current = request
        var redirects = 0
        var totalTime = 0.0
        while true {
            let left = (deadline - ContinuousClock.now).components
            let remaining = max(0.001, Double(left.seconds) + Double(left.attoseconds) * 1e-18)
            var (response, location) = try hop(current, timeout: remaining)
            totalTime += response.totalTime
            guard HTTPRedirect.statuses.contains(response.status), !location.isEmpty else {
                response.redirectCount = redirects
                response.totalTime = totalTime
                return response
            }
            guard redirects < limits.maxRedirects else { throw HTTPRedirect.tooMany(limits.maxRedirects, lastURL: location) }
            current = try HTTPRedirect.next(after: current, status: response.status, location: location)
            redirects += 1
        }
    }

    /// One request without following redirects: the response and the absolute
    /// redirect target libcurl computed from `Location` ("" when none).
    private func hop(_ request: HTTPCellRequest, timeout: Double) throws -> (HTTPCellResponse, String) {
        guard let easy = CurlEasy() else { throw CurlFailure.internalError("create a libcurl handle\(CurlLibrary.loadFailure)") }
        defer { easy.close() }
        let state = CurlTransferState(maxBody: limits.maxResponseBytes, maxHeaderBytes: limits.maxHeaderBytes, signal: signal)
        do {
            try easy.configure(request, tls: tls, limits: limits, timeout: timeout)
            try easy.install(state)
        } catch {
            let reason = String(cString: curl_easy_strerror(error.code))
            throw CurlFailure.internalError("set libcurl option \(error.option.rawValue) (\(reason); \(CurlLibrary.version))")
        }
        let code = withExtendedLifetime(state) { drive(easy) }
        if signal.isCancelled { throw CancellationError() }
        guard code == CURLE_OK else {
            throw CurlFailure(code: code, easy: easy, state: state, request: request, tls: tls, limits: limits).error
        }
        return (response(easy, state), easy.string(CURLINFO_REDIRECT_URL))
    }

    /// Runs the transfer to its end; `CURLE_ABORTED_BY_CALLBACK` when cancelled.
    private func drive(_ easy: CurlEasy) -> CURLcode {
        guard let multi = curl_multi_init() else { return CURLE_OUT_OF_MEMORY }
        defer {
            signal.detach()
            curl_multi_remove_handle(multi, easy.handle)
            curl_multi_cleanup(multi)
        }
        guard curl_multi_add_handle(multi, easy.handle) == CURLM_OK else { return CURLE_OUT_OF_MEMORY }
        guard signal.attach(multi) else { return CURLE_ABORTED_BY_CALLBACK }
        var running: Int32 = 1
        while running > 0 {
            guard curl_multi_perform(multi, &running) == CURLM_OK else { return CURLE_FAILED_INIT }
            if signal.isCancelled { return CURLE_ABORTED_BY_CALLBACK }
            if running > 0 { _ = curl_multi_poll(multi, nil, 0, Self.pollMilliseconds, nil) }
        }
        var pending: Int32 = 0
        while let message = curl_multi_info_read(multi, &pending) {
            if message.pointee.msg == CURLMSG_DONE { return spin_curl_msg_result(message) }
        }
        return CURLE_GOT_NOTHING
    }

    private func response(_ easy: CurlEasy, _ state: CurlTransferState) -> HTTPCellResponse {
        HTTPCellResponse(
            status: easy.long(CURLINFO_RESPONSE_CODE),
            reason: state.reason,
            httpVersion: Self.versionText(easy.long(CURLINFO_HTTP_VERSION)),
            headers: state.headers,
            body: state.body,
            effectiveURL: easy.string(CURLINFO_EFFECTIVE_URL),
            totalTime: Double(easy.large(CURLINFO_TOTAL_TIME_T)) / 1_000_000
        )
    }

    static func versionText(_ value: Int) -> String {
        switch value {
        case CURL_HTTP_VERSION_1_0: "1.0"
        case CURL_HTTP_VERSION_2_0: "2"
        case CURL_HTTP_VERSION_3: "3"
        default: "1.1"
        }
    }
}
