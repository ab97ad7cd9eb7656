import CSSH2

/// Running the command: open a session channel, exec, stream both outputs, collect the exit.
extension SSHConnection {
    /// `LIBSSH2_CHANNEL_WINDOW_DEFAULT` (2 MiB; a parenthesised macro Swift does not import):
    /// at most this much output is in flight between sshd and the pipe.
    static let windowSize: UInt32 = 2 * 1024 * 1024

    /// Opens a session channel and execs `command` (the remote login shell runs it), then
    /// closes the remote's stdin so a script reading it does not wait forever.
    func exec(_ command: String, until deadline: ContinuousClock.Instant) throws -> OpaquePointer {
        let type = "session"
        let opened: OpaquePointer? = try retry(until: deadline) {
            libssh2_channel_open_ex(
                session, type, UInt32(type.utf8.count),
                SSHConnection.windowSize, UInt32(LIBSSH2_CHANNEL_PACKET_DEFAULT), nil, 0
            )
        }
        guard let channel = opened else { throw SSHError.channelFailed(address, lastError()) }
        let request = "exec"
        let text = Array(command.utf8)
        let started = try retry(until: deadline) {
            text.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { bytes in
                    libssh2_channel_process_startup(
                        channel, request, UInt32(request.utf8.count), bytes.baseAddress, UInt32(bytes.count)
                    )
                }
            }
        }
        guard started == 0 else {
            let detail = lastError()
            _ = libssh2_channel_free(channel)
            throw SSHError.channelFailed(address, detail)
        }
        _ = try retry(until: nil) { libssh2_channel_send_eof(channel) }
        return channel
    }

    /// Reads stdout and stderr as they arrive and writes them to the pipe until the remote
    /// sends EOF. Blocks in ``SSHOutputPipe/write(_:_:)`` while the reader is behind, which
    /// stops reading the channel and so stops the remote (SSH flow control).
    func pump(_ channel: OpaquePointer, into pipe: SSHOutputPipe, chunkSize: Int = 32 * 1024) throws {
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        let streams: [(Int32, SSHOutputStream)] = [(0, .stdout), (SSH_EXTENDED_DATA_STDERR, .stderr)]
        while true {
            var progressed = false
            for (id, stream) in streams {
                let count = buffer.withUnsafeMutableBufferPointer { bytes in
                    bytes.withMemoryRebound(to: CChar.self) { libssh2_channel_read_ex(channel, id, $0.baseAddress, $0.count) }
                }
                if count > 0 {
                    progressed = true
                    guard pipe.write(stream, Array(buffer[0..<count])) else { throw SSHInterruption.cancelled }
                } else if count < 0, count != LIBSSH2_ERROR_EAGAIN {
                    throw SSHError.connectionLost(address, lastError())
                }
            }
            if progressed { continue }
            if libssh2_channel_eof(channel) != 0 { return }
            try waitForSocket(until: nil)
        }
    }

    /// Waits for the remote to close the channel (the script has exited), then reads how
    /// it ended. `hostKey` is carried into the result.
    func exit(of channel: OpaquePointer, hostKey: SSHHostKey) throws -> SSHExit {
        let closed = try retry(until: nil) { libssh2_channel_wait_closed(channel) }
        guard closed == 0 else { throw SSHError.connectionLost(address, lastError()) }
        var name: UnsafeMutablePointer<CChar>?
        var length = 0
        _ = libssh2_channel_get_exit_signal(channel, &name, &length, nil, nil, nil, nil)
        var signal: String?
        if let name {
            signal = length > 0 ? String(cString: name) : nil
            libssh2_free(session, name)
        }
        let status = signal == nil ? libssh2_channel_get_exit_status(channel) : nil
        return SSHExit(exitStatus: status, exitSignal: signal, hostKey: hostKey.fingerprint, hostKeyAlgorithm: hostKey.algorithm)
    }
}
