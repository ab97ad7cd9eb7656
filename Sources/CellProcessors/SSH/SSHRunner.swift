/// Runs shell cells over SSH with libssh2 (SPEC §5, `shell` cells on an `ssh` connection).
public enum SSHRunner {
    /// How many bytes of output may wait for the `output` callback before the session
    /// stops reading (and SSH flow control stops the remote).
    static let defaultBufferLimit = 1 << 20

    /// Runs `command` (the cell's script) on `target`: the remote user's login shell runs it,
    /// as `ssh user@host 'command'` would.
    ///
    /// - Parameters:
    ///   - connectTimeout: seconds for the TCP connection, the handshake, authentication
    ///     and starting the command together; the script itself may run as long as it likes.
    ///   - output: called with each chunk of stdout or stderr as it arrives, in order per
    ///     stream, one call at a time. The session reads no further while about 1 MiB waits
    ///     for this callback, so a slow consumer slows the remote instead of filling memory.
    /// - Returns: the exit status (or signal) and the server's host key fingerprint (pin it
    ///   when `target.expectedHostKey` was `nil`).
    /// - Throws: ``SSHError`` (see ``SSHError/Code``), or `CancellationError` when the task
    ///   is cancelled: the session is closed within about a second. The remote process
    ///   loses its connection but, like with `ssh` without a terminal, is not signalled.
    ///
    /// libssh2 runs on a dedicated thread per call, never on Swift's cooperative pool.
    public static func run(
        _ target: SSHTarget,
        command: String,
        connectTimeout: Double = 10,
        output: @Sendable (SSHOutputStream, [UInt8]) async -> Void
    ) async throws -> SSHExit {
        try await run(target, command: command, connectTimeout: connectTimeout, bufferLimit: defaultBufferLimit, output: output)
    }

    static func run(
        _ target: SSHTarget,
        command: String,
        connectTimeout: Double,
        bufferLimit: Int,
        output: @Sendable (SSHOutputStream, [UInt8]) async -> Void
    ) async throws -> SSHExit {
        try Task.checkCancellation()
        let pipe = try SSHOutputPipe(limit: bufferLimit)
        SSHWorker(target: target, command: command, connectTimeout: connectTimeout, pipe: pipe).start()
        let outcome = await withTaskCancellationHandler {
            await deliver(pipe, to: output)
        } onCancel: {
            pipe.cancel()
        }
        switch outcome {
        case .cancelled: throw CancellationError()
        case .failed(let error): throw error
        case .exited(let exit):
            try Task.checkCancellation()
            return exit
        }
    }

    /// Passes output to the callback until the session thread finishes.
    private static func deliver(
        _ pipe: SSHOutputPipe,
        to output: @Sendable (SSHOutputStream, [UInt8]) async -> Void
    ) async -> SSHOutputPipe.Outcome {
        while true {
            switch await pipe.next() {
            case .output(let stream, let bytes):
                if !pipe.isCancelled { await output(stream, bytes) }
            case .finished(let outcome):
                return outcome
            }
        }
    }
}
