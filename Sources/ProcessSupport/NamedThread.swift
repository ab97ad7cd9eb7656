import CSpawn
import Foundation

/// Starts a dedicated thread under a name the system shows (`top -H`,
/// `/proc/PID/task/*/comm`). Foundation on Linux keeps `Thread.name` to
/// itself, so without this every such thread shows the name of the pool
/// thread that started it. Linux keeps 15 bytes of a name: longer names are
/// cut at the last whole character that fits.
public enum NamedThread {
    public static func start(_ name: String, _ body: @escaping @Sendable () -> Void) {
        var shown = ""
        for character in name {
            guard shown.utf8.count + character.utf8.count <= 15 else { break }
            shown.append(character)
        }
        let systemName = shown
        let thread = Thread {
            _ = spin_name_this_thread(systemName)
            body()
        }
        thread.name = name
        thread.start()
    }
}
