/// The contents of a kernel connection file.
public struct ConnectionInfo: Sendable, Hashable, Codable {
    public var ip: String
    public var transport: String
    public var shellPort: Int
    public var iopubPort: Int
    public var stdinPort: Int
    public var controlPort: Int
    public var hbPort: Int
    public var key: String
    public var signatureScheme: String
    public var kernelName: String

    public init(
        ip: String = "127.0.0.1", shellPort: Int, iopubPort: Int, stdinPort: Int, controlPort: Int, hbPort: Int,
        key: String, kernelName: String
    ) {
        self.ip = ip
        self.transport = "tcp"
        self.shellPort = shellPort
        self.iopubPort = iopubPort
        self.stdinPort = stdinPort
        self.controlPort = controlPort
        self.hbPort = hbPort
        self.key = key
        self.signatureScheme = "hmac-sha256"
        self.kernelName = kernelName
    }

    enum CodingKeys: String, CodingKey {
        case ip, transport, key
        case shellPort = "shell_port", iopubPort = "iopub_port", stdinPort = "stdin_port"
        case controlPort = "control_port", hbPort = "hb_port"
        case signatureScheme = "signature_scheme", kernelName = "kernel_name"
    }

    public func endpoint(port: Int) -> String { "\(transport)://\(ip):\(port)" }
}
