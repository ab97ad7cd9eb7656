#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Opens the TCP connection of a session: resolves the host and tries each address with a
/// non-blocking `connect`, so a cancelled run or a passed deadline stops it at once.
enum SSHSocket {
    /// A connected, non-blocking, close-on-exec socket. Throws ``SSHError`` (`connect_failed`)
    /// or ``SSHInterruption``.
    static func connect(host: String, port: Int, deadline: ContinuousClock.Instant, poller: SSHPoller) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = streamType
        var list: UnsafeMutablePointer<addrinfo>?
        let where_ = SSHTarget.hostAndPort(host, port)
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let list else {
            throw SSHError.connectFailed(where_, "the host name does not resolve (\(String(cString: gai_strerror(status))))")
        }
        defer { freeaddrinfo(list) }
        var reason = "no address to connect to"
        var next: UnsafeMutablePointer<addrinfo>? = list
        while let info = next {
            next = info.pointee.ai_next
            do {
                return try attempt(info.pointee, deadline: deadline, poller: poller)
            } catch let error as SSHSocketError {
                reason = String(cString: strerror(error.errno))
            }
        }
        throw SSHError.connectFailed(where_, reason)
    }

    private struct SSHSocketError: Error {
        let errno: Int32
    }

    private static func attempt(_ info: addrinfo, deadline: ContinuousClock.Instant, poller: SSHPoller) throws -> Int32 {
        let fd = socket(info.ai_family, info.ai_socktype, info.ai_protocol)
        guard fd >= 0 else { throw SSHSocketError(errno: errno) }
        var keep = false
        defer { if !keep { close(fd) } }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        if systemConnect(fd, info.ai_addr, info.ai_addrlen) != 0 {
            guard errno == EINPROGRESS else { throw SSHSocketError(errno: errno) }
            try poller.wait(socket: fd, events: Int16(POLLOUT), deadline: deadline)
            var failure: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            _ = getsockopt(fd, SOL_SOCKET, SO_ERROR, &failure, &length)
            guard failure == 0 else { throw SSHSocketError(errno: failure) }
        }
        keep = true
        return fd
    }

    #if canImport(Glibc)
    private static let streamType = Int32(SOCK_STREAM.rawValue)
    #else
    private static let streamType = SOCK_STREAM
    #endif
}

/// The C `connect` (inside ``SSHSocket`` the name is taken by the static method).
private func systemConnect(_ fd: Int32, _ address: UnsafeMutablePointer<sockaddr>!, _ length: socklen_t) -> Int32 {
    connect(fd, address, length)
}
