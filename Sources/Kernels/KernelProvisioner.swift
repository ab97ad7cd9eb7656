import Foundation
import JupyterProtocol
import ProcessSupport

/// Starts kernel processes: picks ports, writes the connection file (0600),
/// fills in the kernelspec's argv and spawns it.
public struct KernelProvisioner: Sendable {
    public let connectionFolder: String
    public let runtimeEnvironment: [String: String]

    public init(connectionFolder: String, runtimeEnvironment: [String: String]) {
        self.connectionFolder = connectionFolder
        self.runtimeEnvironment = runtimeEnvironment
    }

    public struct Launch: Sendable {
        public let process: ChildProcess
        public let info: ConnectionInfo
        public let connectionFile: String
    }

    public func launch(kernelID: String, spec: KernelSpec) throws -> Launch {
        let ports = try PortAllocator.freePorts(5)
        let info = ConnectionInfo(
            shellPort: ports[0], iopubPort: ports[1], stdinPort: ports[2], controlPort: ports[3], hbPort: ports[4],
            key: MessageFactory.newID(), kernelName: spec.name
        )
        let file = "\(connectionFolder)/kernel-\(kernelID).json"
        try writeConnectionFile(info, to: file)
        let environment = KernelEnvironment.make(runtime: runtimeEnvironment, spec: spec)
        var argv = spec.definition.argv.map {
            $0.replacingOccurrences(of: "{connection_file}", with: file)
                .replacingOccurrences(of: "{resource_dir}", with: spec.directory)
        }
        argv[0] = try resolveExecutable(argv[0], spec: spec, environment: environment)
        do {
            let process = try ChildProcess.spawn(
                executable: argv[0], arguments: Array(argv.dropFirst()), environment: environment
            )
            return Launch(process: process, info: info, connectionFile: file)
        } catch {
            try? FileManager.default.removeItem(atPath: file)
            throw KernelError(.launchFailed, "Could not start kernel '\(spec.name)': \(error.description).")
        }
    }

    /// `python`/`python3` means the interpreter the spec was installed with,
    /// as jupyter_client's `sys.executable` substitution does.
    func resolveExecutable(_ name: String, spec: KernelSpec, environment: [String: String]) throws -> String {
        if ["python", "python3"].contains(name), let prefix = spec.installPrefix {
            for candidate in ["python3", "python"] where FileManager.default.isExecutableFile(atPath: "\(prefix)/bin/\(candidate)") {
                return "\(prefix)/bin/\(candidate)"
            }
        }
        guard let path = ExecutableLookup.find(name, path: environment["PATH"]) else {
            throw KernelError(.launchFailed, "Kernel '\(spec.name)' needs '\(name)', which is not on PATH.")
        }
        return path
    }

    func writeConnectionFile(_ info: ConnectionInfo, to path: String) throws {
        try FileManager.default.createDirectory(
            atPath: connectionFolder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]
        )
        let data = Data(JSONCoding.encode(info))
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw KernelError(.launchFailed, "Could not write the kernel's connection file.") }
        defer { close(fd) }
        fchmod(fd, 0o600)
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == data.count else { throw KernelError(.launchFailed, "Could not write the kernel's connection file.") }
    }
}
