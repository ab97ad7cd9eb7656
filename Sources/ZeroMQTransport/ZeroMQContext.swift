import CZeroMQ

/// The process's ZeroMQ context. libzmq contexts are thread-safe; sockets are not,
/// so every socket lives on exactly one thread (see `KernelSockets`).
public final class ZeroMQContext: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    public static let shared = ZeroMQContext()

    private init() {
        guard let handle = zmq_ctx_new() else { fatalError("zmq_ctx_new failed") }
        self.handle = handle
    }
}

/// An error from libzmq, with the library's own description.
public struct ZeroMQError: Error, CustomStringConvertible, Sendable {
    public let operation: String
    public let errno: Int32

    init(_ operation: String) {
        self.operation = operation
        self.errno = zmq_errno()
    }

    public var description: String {
        "\(operation) failed: \(String(cString: zmq_strerror(errno)))"
    }
}
