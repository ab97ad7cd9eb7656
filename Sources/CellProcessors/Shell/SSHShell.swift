import Connections
import Foundation
import Kernels

/// A shell cell on an `ssh` connection (`runtime-host` included): the script
/// runs on that machine through libssh2, its output streamed back.
struct SSHShell {
    let connection: Connection
    let store: ConnectionStore
    let environment: [String: String]

    func run(_ script: String, context: CellContext) async throws {
        guard connection.type == .ssh else {
            throw CellFailure(
                "ConnectionTypeMismatch",
                "Shell cells run on 'local' or an ssh connection; '\(connection.name)' is a \(connection.type.rawValue) connection."
            )
        }
        let target = try target()
        let decoders = StreamDecoders()
        let exit: SSHExit
        do {
            exit = try await SSHRunner.run(target, command: script) { stream, bytes in
                let name = stream == .stdout ? "stdout" : "stderr"
                let text = decoders.text(name, bytes)
                if !text.isEmpty { await context.emit(.stream(name: name, text: text)) }
            }
        } catch let error as SSHError {
            throw CellFailure("SSHError", "\(connection.name): \(error.message)")
        }
        for (name, text) in decoders.finish() where !text.isEmpty {
            await context.emit(.stream(name: name, text: text))
        }
        if target.expectedHostKey == nil {
            try? await store.pinHostKey(exit.hostKey, for: connection.name)
        }
        try Task.checkCancellation()
        if let signal = exit.exitSignal {
            throw CellFailure("ShellError", "The script on \(target.host) was stopped by signal \(signal).")
        }
        if let status = exit.exitStatus, status != 0 {
            throw CellFailure("ShellError", "The script on \(target.host) exited with code \(status).")
        }
    }

    private func target() throws -> SSHTarget {
        let host = connection.string("host").flatMap { $0.isEmpty ? nil : $0 }
            ?? (connection.name == ConnectionName.runtimeHost ? HostSSH.defaultHost(environment: environment) : nil)
        guard let host else {
            throw CellFailure(
                "SSHError",
                "\(connection.name) names no host and the runtime cannot find its Docker host: set SPIN_HOST_SSH_HOST or the connection's host."
            )
        }
        guard let username = connection.string("username"), let key = connection.secrets["private_key"] else {
            throw CellFailure("SSHError", "\(connection.name) needs a username and a private_key.")
        }
        return SSHTarget(
            host: host, port: Int(connection.fields["port"]?.intValue ?? 22), username: username, privateKey: key,
            passphrase: connection.secrets["passphrase"], expectedHostKey: connection.string("host_key_fingerprint")
        )
    }
}
