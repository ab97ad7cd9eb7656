/// Names of connections: what cells put in `metadata.spin.connection`.
public enum ConnectionName {
    /// Shell in the runtime itself; always there, cannot be changed.
    public static let local = "local"
    /// Host SSH Access: an `ssh` connection to the machine running Docker.
    public static let runtimeHost = "runtime-host"

    /// Letters, digits, `_`, `-` and `.`, starting with a letter or digit, at most 64.
    public static func validate(_ name: String) throws(ConnectionError) {
        let bytes = Array(name.utf8)
        guard (1...64).contains(bytes.count), isAlphanumeric(bytes[0]),
            bytes.allSatisfy({ isAlphanumeric($0) || $0 == 0x5F || $0 == 0x2D || $0 == 0x2E })
        else {
            throw ConnectionError(
                .invalid, "invalid_name",
                "A connection name is 1 to 64 letters, digits, '_', '-' or '.', starting with a letter or digit."
            )
        }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }
}
