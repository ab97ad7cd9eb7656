import JupyterProtocol

/// What the socket thread of a kernel reports.
public enum KernelEvent: Sendable {
    /// A multipart message arrived from the kernel on `channel`.
    case message(Channel, [[UInt8]])
    /// The heartbeat answered again (`true`) or missed a beat (`false`).
    case heartbeat(alive: Bool)
    /// The stdin connection to the kernel completed its handshake.
    case stdinConnected
    /// A message could not be delivered to the kernel in time.
    case sendFailed(Channel)
}
