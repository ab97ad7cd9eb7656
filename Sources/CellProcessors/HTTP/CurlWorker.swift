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
        guard let easy = CurlEasy() else {
            return .failure(CurlFailure.internalError("create a libcurl handle"))
        }
        defer { easy.close() }
        let state = CurlTransferState(maxBody: limits.maxResponseBytes, maxHeaderBytes: limits.maxHeaderBytes, signal: signal)
        do {
            try easy.configure(request, tls: tls, limits: limits)
            try easy.install(state)
        } catch {
            let reason = String(cString: curl_easy_strerror(error.code))
            return .failure(CurlFailure.internalError("set libcurl option \(error.option.rawValue) (\(reason); \(CurlLibrary.version))"))
        }
        let code = withExtendedLifetime(state) { drive(easy) }
        if signal.isCancelled { return .failure(CancellationError()) }
        guard code == CURLE_OK else {
            let failure = CurlFailure(code: code, easy: easy, state: state, request: request, tls: tls, limits: limits)
            return .failure(failure.error)
        }
        return .success(response(easy, state))
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
            redirectCount: easy.long(CURLINFO_REDIRECT_COUNT),
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
