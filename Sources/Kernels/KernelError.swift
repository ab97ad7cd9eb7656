/// Errors of kernel management that reach API clients. Messages are written
/// for a person and never contain secrets.
public struct KernelError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }

        public static let noSuchKernel = Code("kernel_not_found")
        public static let noSuchKernelSpec = Code("kernelspec_not_found")
        public static let launchFailed = Code("kernel_launch_failed")
        public static let startTimeout = Code("kernel_start_timeout")
        public static let kernelDead = Code("kernel_dead")
        public static let shuttingDown = Code("shutting_down")
        public static let badChannel = Code("bad_channel")

        public var description: String { rawValue }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
