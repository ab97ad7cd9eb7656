import CZeroMQ

/// One libzmq socket. Not thread-safe: owned by a single thread.
final class ZeroMQSocket {
    let handle: UnsafeMutableRawPointer
    private let message: UnsafeMutablePointer<zmq_msg_t>

    init(context: ZeroMQContext, type: Int32) throws(ZeroMQError) {
        guard let handle = zmq_socket(context.handle, type) else { throw ZeroMQError("zmq_socket") }
        self.handle = handle
        self.message = .allocate(capacity: 1)
        _ = spin_zmq_setsockopt_int(handle, ZMQ_LINGER, 0)
        // A kernel that stops reading must not block this thread forever.
        _ = spin_zmq_setsockopt_int(handle, ZMQ_SNDTIMEO, 2000)
    }

    deinit {
        zmq_close(handle)
        message.deallocate()
    }

    func connect(_ endpoint: String) throws(ZeroMQError) {
        guard zmq_connect(handle, endpoint) == 0 else { throw ZeroMQError("zmq_connect") }
    }

    /// At most `messages` read ahead into this process (set before connecting).
    func setReceiveHighWaterMark(_ messages: Int32) {
        _ = spin_zmq_setsockopt_int(handle, ZMQ_RCVHWM, messages)
    }

    func subscribeAll() {
        _ = zmq_setsockopt(handle, ZMQ_SUBSCRIBE, nil, 0)
    }

    func setIdentity(_ identity: [UInt8]) {
        _ = identity.withUnsafeBytes { zmq_setsockopt(handle, ZMQ_ROUTING_ID, $0.baseAddress, $0.count) }
    }

    /// Sends every frame; returns false if the kernel's queue stayed full.
    func send(_ frames: [[UInt8]]) -> Bool {
        for (index, frame) in frames.enumerated() {
            let flags = index < frames.count - 1 ? ZMQ_SNDMORE : 0
            let sent = frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags) }
            if sent < 0 { return false }
        }
        return true
    }

    /// Receives one whole multipart message without blocking, or nil.
    func receive() -> [[UInt8]]? {
        var frames = [[UInt8]]()
        repeat {
            zmq_msg_init(message)
            defer { zmq_msg_close(message) }
            guard zmq_msg_recv(message, handle, frames.isEmpty ? ZMQ_DONTWAIT : 0) >= 0 else { return nil }
            let size = zmq_msg_size(message)
            if let data = zmq_msg_data(message), size > 0 {
                frames.append(Array(UnsafeRawBufferPointer(start: data, count: size)))
            } else {
                frames.append([])
            }
            if zmq_msg_more(message) == 0 { break }
        } while true
        return frames
    }
}
