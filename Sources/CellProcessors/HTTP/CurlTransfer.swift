import Foundation
import ProcessSupport

/// Sends one ``HTTPCellRequest`` with libcurl and returns the final ``HTTPCellResponse``.
///
/// The blocking libcurl work runs on a thread of its own (never on Swift's
/// cooperative pool) driving a `curl_multi` handle, so that cancelling the calling
/// task wakes it at once (`curl_multi_wakeup`); the progress callback also aborts.
/// Only `http` and `https` are allowed, for the request and for every redirect.
/// libcurl's own CA defaults and the `CURL_CA_BUNDLE`, `SSL_CERT_FILE` and
/// `SSL_CERT_DIR` variables play no part: only ``TLSVerification`` decides.
public struct CurlTransfer: Sendable {
    /// Bounds on one transfer.
    public struct Limits: Sendable, Hashable {
        /// Seconds to resolve and connect (TCP + TLS handshake).
        public var connectTimeout: Double
        /// Seconds for the whole transfer, redirects included.
        public var totalTimeout: Double
        /// Redirects followed at most; one more fails with `too_many_redirects`.
        public var maxRedirects: Int
        /// Response body bytes kept at most (after content decoding); past it the
        /// transfer is aborted with `response_too_large`.
        public var maxResponseBytes: Int
        /// Response header bytes (all responses of the transfer) at most.
        public var maxHeaderBytes: Int

        public static let defaultMaxResponseBytes = 64 << 20

        public init(
            connectTimeout: Double = 30, totalTimeout: Double = 300, maxRedirects: Int = 5,
            maxResponseBytes: Int = Limits.defaultMaxResponseBytes, maxHeaderBytes: Int = 1 << 20
        ) {
            self.connectTimeout = connectTimeout
            self.totalTimeout = totalTimeout
            self.maxRedirects = maxRedirects
            self.maxResponseBytes = maxResponseBytes
            self.maxHeaderBytes = maxHeaderBytes
        }
    }

    public var tls: TLSVerification
    public var limits: Limits

    public init(tls: TLSVerification, limits: Limits = Limits()) {
        self.tls = tls
        self.limits = limits
    }

    /// Performs `request`. Throws ``HTTPCellError`` when it fails and
    /// `CancellationError` when the calling task is cancelled (promptly: the
    /// transfer is aborted, not awaited).
    public func perform(_ request: HTTPCellRequest) async throws -> HTTPCellResponse {
        try Task.checkCancellation()
        let signal = CurlCancelSignal()
        let worker = CurlWorker(request: request, tls: tls, limits: limits, signal: signal)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPCellResponse, any Error>) in
                NamedThread.start("http-cell") { continuation.resume(with: worker.run()) }
            }
        } onCancel: {
            signal.cancel()
        }
    }
}
