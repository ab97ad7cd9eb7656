import CSSH2

/// libssh2's global state: `libssh2_init` runs once, on first use, from any thread
/// (Swift initialises globals exactly once, thread-safely).
enum SSHLibrary {
    private static let initResult: Int32 = libssh2_init(0)

    /// Initialises libssh2 if needed; false if it could not be initialised.
    static func ensureInitialized() -> Bool {
        initResult == 0
    }

    /// Why libssh2 could not be opened (it is opened on the first SSH cell, not at
    /// start-up), as " (libssh2.so.1: cannot open shared object file: …)", or "".
    static var loadFailure: String {
        spin_ssh2_load_error().map { " (\(String(cString: $0)))" } ?? ""
    }
}
