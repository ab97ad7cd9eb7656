import JupyterProtocol

/// Where a kernel hands messages for one connected client (a WebSocket).
public protocol KernelClientSink: Sendable {
    /// Queues a message for the client; false when the client cannot keep up
    /// (the kernel then detaches it and calls `disconnect`).
    func deliver(_ channel: Channel, _ message: JupyterMessage) -> Bool
    /// Ends the client's connection, saying why.
    func disconnect(reason: String)
}
