import CSpawn
import Foundation

/// Starts a dedicated thread under a name the system shows (`top -H`,
/// `/proc/PID/task/*/comm`). Foundation on Linux keeps `Thread.name` to
/// itself, so without this every such thread shows the name of the pool
/// thread that started it. Linux keeps the first 15 bytes of a name.
public enum NamedThread {
    public static func start(_ name: String, _ body: @escaping @Sendable () -> Void) {
        let shown = String(decoding: name.utf8.prefix(15), as: UTF8.self)
        let thread = Thread {
            _ = spin_name_this_thread(shown)
            body()
        }
        thread.name = name
        thread.start()
    }
}
