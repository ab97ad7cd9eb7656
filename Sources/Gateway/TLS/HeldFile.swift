#if canImport(Glibc)
import Glibc
#endif
import NIOConcurrencyHelpers

/// A file opened once at start-up and read again through the same descriptor.
///
/// The gateway opens its TLS files before it gives up root (`RunAs`), so it can go on
/// reading a key only root may open: a renewal written into the same file (`cp`, an
/// editor, a bind-mounted file replaced in place) is read through the descriptor. When
/// the path names another file by then (renamed into place), that file is opened anew
/// and kept instead; if this user may not open it, reading fails and says so. When the
/// path cannot be looked up at all (a folder this user may not search), the held file is
/// read. The descriptor is close-on-exec: the executor and kernels never inherit it.
final class HeldFile: Sendable {
    struct Failure: Error {
        let reason: String
    }

    let path: String
    private let descriptor: NIOLockedValueBox<Int32>
    /// More than any certificate chain or key; a bigger file is not read whole.
    static let maxBytes = 1 << 20

    init(path: String) throws(Failure) {
        self.path = path
        self.descriptor = NIOLockedValueBox(try Self.open(path))
    }

    deinit {
        close(self.descriptor.withLockedValue { $0 })
    }

    /// The file's bytes now, from the start.
    func read() throws(Failure) -> [UInt8] {
        let result: Result<[UInt8], Failure> = self.descriptor.withLockedValue { descriptor in
            Result { () throws(Failure) in
                if Self.pathNames(descriptor, self.path) == .another {
                    do throws(Failure) {
                        let fresh = try Self.open(self.path)
                        close(descriptor)
                        descriptor = fresh
                    } catch {
                        throw Failure(reason: "replaced by a file this user (uid \(getuid())) cannot open: \(error.reason)")
                    }
                }
                return try Self.readAll(descriptor)
            }
        }
        return try result.get()
    }

    /// What tells a rewrite or a replacement: the held file's modification time, size and
    /// inode (`held`), and the inode and modification time of the file the path names now
    /// (`named`; -1 where it cannot be looked up).
    func stamp() -> (held: [Int], named: [Int]) {
        self.descriptor.withLockedValue { descriptor in
            var held = stat()
            var named = stat()
            let heldValues = fstat(descriptor, &held) == 0
                ? [Int(held.st_mtim.tv_sec), Int(held.st_mtim.tv_nsec), Int(held.st_size), Int(held.st_ino)] : [-1, -1, -1, -1]
            let namedValues = stat(self.path, &named) == 0
                ? [Int(named.st_ino), Int(named.st_mtim.tv_sec), Int(named.st_mtim.tv_nsec)] : [-1, -1, -1]
            return (heldValues, namedValues)
        }
    }

    private static func open(_ path: String) throws(Failure) -> Int32 {
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure(reason: String(cString: strerror(errno))) }
        return descriptor
    }

    private enum Named { case same, another, unknown }

    /// Whether `path` still names the file `descriptor` has open.
    private static func pathNames(_ descriptor: Int32, _ path: String) -> Named {
        var held = stat()
        var named = stat()
        guard fstat(descriptor, &held) == 0, stat(path, &named) == 0 else { return .unknown }
        return held.st_dev == named.st_dev && held.st_ino == named.st_ino ? .same : .another
    }

    private static func readAll(_ descriptor: Int32) throws(Failure) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while bytes.count <= Self.maxBytes {
            let count = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(bytes.count)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(reason: String(cString: strerror(errno)))
            }
            if count == 0 { return bytes }
            bytes += chunk[0..<count]
        }
        throw Failure(reason: "larger than \(Self.maxBytes >> 20) MiB")
    }
}

/// The certificate and key files, held open (`HeldFile`).
struct TLSSource: Sendable {
    let files: GatewayConfiguration.TLSFiles
    let certificate: HeldFile
    let privateKey: HeldFile

    init(_ files: GatewayConfiguration.TLSFiles) throws(ConfigurationError) {
        self.files = files
        do {
            self.certificate = try HeldFile(path: files.certificatePath)
        } catch {
            throw ConfigurationError(.unreadableTLSFile, "SSL_CERT_FILE=\(files.certificatePath) could not be opened (\(error.reason)).")
        }
        do {
            self.privateKey = try HeldFile(path: files.privateKeyPath)
        } catch {
            throw ConfigurationError(.unreadableTLSFile, "SSL_KEY_FILE=\(files.privateKeyPath) could not be opened (\(error.reason)).")
        }
    }
}
