import JupyterProtocol
import Connections

/// What cell processors need to know about the runtime they run in.
public struct CellSettings: Sendable {
    /// The runtime's environment: `{{runtime_env:…}}` and shell cells read it.
    public var environment: [String: String]
    /// `$SPIN_HOME/var/data`: relative SQLite paths live here.
    public var dataFolder: String
    /// `$SPIN_HOME/var/tmp`: result files on their way into a kernel.
    public var scratchFolder: String
    /// Largest `stream` message a shell cell sends; longer output is split.
    public var streamChunkBytes = 256 * 1024
    /// Seconds between SIGINT and SIGKILL when a shell cell is interrupted.
    public var interruptGrace: Double = 2

    public init(environment: [String: String], home: String) {
        self.environment = environment
        self.dataFolder = "\(home)/var/data"
        self.scratchFolder = "\(home)/var/tmp"
    }

    /// The environment a shell cell gets: the runtime's, minus its secrets.
    public var shellEnvironment: [String: String] {
        environment.filter { !RuntimeEnvTemplate.withheld.contains($0.key) }
    }
}

