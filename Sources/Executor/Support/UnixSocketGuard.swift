import Foundation

/// Makes a Unix socket path ready to bind: its folder exists (0700), a stale
/// socket file left by a crashed executor is removed, and a live executor on
/// it is refused.
enum UnixSocketGuard {
    struct InUse: Error, CustomStringConvertible {
        let description: String
    }

    static func prepare(_ path: String) throws(InUse) {
        let folder = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        guard FileManager.default.fileExists(atPath: path) else { return }
        if isAnswering(path) {
            throw InUse(description: "Another executor is already listening on \(path); stop it first or set SPIN_EXECUTOR_SOCKET to another path.")
        }
        unlink(path)
    }

    static func isAnswering(_ path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            let bytes = Array(path.utf8.prefix(buffer.count - 1))
            buffer.copyBytes(from: bytes + [0])
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0
            }
        }
    }
}
