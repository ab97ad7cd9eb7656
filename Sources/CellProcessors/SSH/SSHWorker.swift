import Foundation
import ProcessSupport

/// The body of the session thread: connect, verify, authenticate, exec, stream, exit; it
/// always ends with exactly one ``SSHOutputPipe/finish(_:)``.
struct SSHWorker: Sendable {
    let target: SSHTarget
    let command: String
    let connectTimeout: Double
    let pipe: SSHOutputPipe

    /// Starts the dedicated thread (blocking libssh2 work never runs on Swift's pool).
    func start() {
        NamedThread.start("ssh \(target.host)") { self.run() }
    }

    func run() {
        pipe.finish(outcome())
    }

    private func outcome() -> SSHOutputPipe.Outcome {
        let address = SSHTarget.hostAndPort(target.host, target.port)
        var phase = "connecting to"
        var connection: SSHConnection?
        var channel: OpaquePointer?
        var graceful = false
        defer { connection?.tearDown(channel: channel, graceful: graceful) }
        do {
            guard SSHLibrary.ensureInitialized() else { throw SSHError.internalError("initialise libssh2\(SSHLibrary.loadFailure)") }
            let key = try SSHPrivateKey(target.privateKey)
            let deadline = ContinuousClock.now + .milliseconds(Int(connectTimeout * 1000))
            let poller = SSHPoller(pipe: pipe)
            let socket = try SSHSocket.connect(host: target.host, port: target.port, deadline: deadline, poller: poller)
            let open = try SSHConnection(socket: socket, address: address, poller: poller)
            connection = open
            phase = "in the SSH handshake with"
            let hostKey = try open.handshake(until: deadline)
            try open.verify(hostKey, expected: target.expectedHostKey)
            phase = "authenticating to"
            try open.authenticate(target, key: key, until: deadline)
            phase = "starting the command on"
            channel = try open.exec(command, until: deadline)
            try open.pump(channel!, into: pipe)
            let exit = try open.exit(of: channel!, hostKey: hostKey)
            graceful = true
            return .exited(exit)
        } catch SSHInterruption.cancelled {
            return .cancelled
        } catch SSHInterruption.timedOut {
            return .failed(.timeout(address, connectTimeout, phase: phase))
        } catch let error as SSHError {
            return .failed(error)
        } catch {
            return .failed(.internalError("run the command (\(type(of: error)))"))
        }
    }
}
