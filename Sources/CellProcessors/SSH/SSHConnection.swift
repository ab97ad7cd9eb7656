import CSSH2

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One libssh2 session in non-blocking mode over its own socket, driven by one thread.
///
/// Not `Sendable`: it is created, used and torn down on the session thread only. Every
/// libssh2 call that would block returns `LIBSSH2_ERROR_EAGAIN`; ``retry(until:_:)`` then
/// polls the socket and the cancellation pipe, so cancelling wakes the thread at once.
final class SSHConnection {
    let session: OpaquePointer
    let socket: Int32
    let poller: SSHPoller
    /// `host:port`, for messages.
    let address: String

    /// Host key algorithms in OpenSSH's order of preference; libssh2 1.10 prefers ECDSA,
    /// so without this the fingerprint differs from the ed25519 one users look up.
    static let hostKeyPreference = "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,ssh-rsa"

    init(socket: Int32, address: String, poller: SSHPoller) throws(SSHError) {
        guard let session = libssh2_session_init_ex(nil, nil, nil, nil) else {
            close(socket)
            throw .internalError("create an SSH session")
        }
        self.session = session
        self.socket = socket
        self.poller = poller
        self.address = address
        libssh2_session_set_blocking(session, 0)
        _ = libssh2_session_method_pref(session, LIBSSH2_METHOD_HOSTKEY, SSHConnection.hostKeyPreference)
    }

    /// Calls `call` until it returns something other than `LIBSSH2_ERROR_EAGAIN`.
    func retry(until deadline: ContinuousClock.Instant?, _ call: () -> Int32) throws(SSHInterruption) -> Int32 {
        while true {
            let result = call()
            if result != LIBSSH2_ERROR_EAGAIN { return result }
            try waitForSocket(until: deadline)
        }
    }

    /// Calls `call` until it returns a pointer or fails with something other than EAGAIN.
    func retry<T>(until deadline: ContinuousClock.Instant?, _ call: () -> T?) throws(SSHInterruption) -> T? {
        while true {
            if let result = call() { return result }
            guard libssh2_session_last_errno(session) == LIBSSH2_ERROR_EAGAIN else { return nil }
            try waitForSocket(until: deadline)
        }
    }

    /// Waits until the socket is ready in the direction libssh2 is blocked on.
    func waitForSocket(until deadline: ContinuousClock.Instant?) throws(SSHInterruption) {
        let directions = libssh2_session_block_directions(session)
        var events: Int16 = 0
        if directions & LIBSSH2_SESSION_BLOCK_INBOUND != 0 { events |= Int16(POLLIN) }
        if directions & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0 { events |= Int16(POLLOUT) }
        try poller.wait(socket: socket, events: events == 0 ? Int16(POLLIN) : events, deadline: deadline)
    }

    /// libssh2's description of the last error: fixed texts from the library, never
    /// key material.
    func lastError() -> String {
        var message: UnsafeMutablePointer<CChar>?
        var length: Int32 = 0
        let code = libssh2_session_last_error(session, &message, &length, 0)
        guard let message, length > 0 else { return "libssh2 error \(code)" }
        return String(cString: message)
    }

    /// Frees the channel and the session and closes the socket. `graceful` says goodbye
    /// (at most ~0.5 s per step); otherwise the socket is shut down first so nothing waits.
    func tearDown(channel: OpaquePointer?, graceful: Bool) {
        if !graceful { _ = shutdown(socket, Int32(SHUT_RDWR)) }
        libssh2_session_set_blocking(session, 1)
        libssh2_session_set_timeout(session, 500)
        if let channel { _ = libssh2_channel_free(channel) }
        if graceful { _ = libssh2_session_disconnect_ex(session, SSH_DISCONNECT_BY_APPLICATION, "done", "") }
        _ = libssh2_session_free(session)
        close(socket)
    }
}
