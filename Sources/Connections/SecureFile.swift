import Foundation

/// Files only the runtime's user can read, replaced atomically: written to a
/// temporary file with mode 0600, flushed, then renamed over the old one.
enum SecureFile {
    static func write(_ bytes: [UInt8], to path: String) throws(ConnectionError) {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw failure(path) }
        fchmod(fd, 0o600)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            guard written > 0 else {
                close(fd)
                throw failure(path)
            }
            offset += written
        }
        let synced = fsync(fd) == 0
        close(fd)
        guard synced, rename(temporary, path) == 0 else { throw failure(path) }
        syncFolder(of: path)
    }

    static func read(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { Array($0) }
    }

    static func makeFolder(_ path: String) throws(ConnectionError) {
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]
            )
        } catch {
            throw ConnectionError(.storage, "storage_failed", "Cannot create \(path): check that the state volume is writable.")
        }
        chmod(path, 0o700)
    }

    private static func syncFolder(of path: String) {
        let folder = (path as NSString).deletingLastPathComponent
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    private static func failure(_ path: String) -> ConnectionError {
        ConnectionError(.storage, "storage_failed", "Cannot write \(path): check free space and that the state volume is writable.")
    }
}
