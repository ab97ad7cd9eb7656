import CZeroMQ
import JupyterProtocol

/// The sockets of one kernel connection: DEALERs for shell, control and stdin,
/// a SUB for iopub (everything subscribed) and a REQ for the heartbeat.
///
/// Created on the caller's thread and handed once to the socket thread,
/// which is the only one to use it afterwards: hence the unchecked Sendable.
final class ChannelSet: @unchecked Sendable {
    static let order: [Channel] = [.shell, .control, .stdin, .iopub]
    /// Within one poll round iopub is read first: a kernel publishes a run's output before
    /// it sends the reply on another socket, so when both wait, clients get them in the
    /// order the kernel sent them. (Nothing orders the channels in general; clients must
    /// cope with a reply that comes first, and the console does.)
    static let readOrder: [(index: Int, channel: Channel)] = [.iopub, .shell, .control, .stdin].map { channel in
        (order.firstIndex(of: channel) ?? 0, channel)
    }

    let shell: ZeroMQSocket
    let control: ZeroMQSocket
    let stdin: ZeroMQSocket
    let iopub: ZeroMQSocket
    private(set) var heartbeat: ZeroMQSocket
    /// Reports when stdin's connection is up: the kernel routes input_request
    /// to stdin by identity, and drops it while that connection is missing.
    let stdinMonitor: ZeroMQSocket
    private let info: ConnectionInfo

    init(info: ConnectionInfo) throws(ZeroMQError) {
        let context = ZeroMQContext.shared
        let identity = Array(MessageFactory.newID().utf8)
        self.info = info
        shell = try ZeroMQSocket(context: context, type: ZMQ_DEALER)
        control = try ZeroMQSocket(context: context, type: ZMQ_DEALER)
        stdin = try ZeroMQSocket(context: context, type: ZMQ_DEALER)
        iopub = try ZeroMQSocket(context: context, type: ZMQ_SUB)
        heartbeat = try ZeroMQSocket(context: context, type: ZMQ_REQ)
        for socket in [shell, control, stdin] { socket.setIdentity(identity) }
        iopub.subscribeAll()
        // Read-ahead while the iopub gate is closed stays small; the kernel's
        // PUB socket holds the rest (ipykernel's output messages are few and large).
        iopub.setReceiveHighWaterMark(IopubGate.receiveHighWaterMark)
        let monitorEndpoint = "inproc://spin-stdin-monitor-\(MessageFactory.newID())"
        guard zmq_socket_monitor(stdin.handle, monitorEndpoint, ZMQ_EVENT_HANDSHAKE_SUCCEEDED) == 0 else {
            throw ZeroMQError("zmq_socket_monitor")
        }
        stdinMonitor = try ZeroMQSocket(context: context, type: ZMQ_PAIR)
        try stdinMonitor.connect(monitorEndpoint)
        try shell.connect(info.endpoint(port: info.shellPort))
        try control.connect(info.endpoint(port: info.controlPort))
        try stdin.connect(info.endpoint(port: info.stdinPort))
        try iopub.connect(info.endpoint(port: info.iopubPort))
        try heartbeat.connect(info.endpoint(port: info.hbPort))
    }

    func socket(for channel: Channel) -> ZeroMQSocket {
        switch channel {
        case .shell: shell
        case .control: control
        case .stdin: stdin
        case .iopub: iopub
        }
    }

    func resetHeartbeat() throws(ZeroMQError) {
        let fresh = try ZeroMQSocket(context: .shared, type: ZMQ_REQ)
        try fresh.connect(info.endpoint(port: info.hbPort))
        heartbeat = fresh
    }

    /// Poll items in the order shell, control, stdin, iopub, heartbeat, wake fd, stdin monitor.
    func pollItems(wakeFD: Int32) -> [zmq_pollitem_t] {
        let events = Int16(ZMQ_POLLIN)
        var items = [shell, control, stdin, iopub, heartbeat].map {
            zmq_pollitem_t(socket: $0.handle, fd: 0, events: events, revents: 0)
        }
        items.append(zmq_pollitem_t(socket: nil, fd: wakeFD, events: events, revents: 0))
        items.append(zmq_pollitem_t(socket: stdinMonitor.handle, fd: 0, events: events, revents: 0))
        return items
    }
}
