import Foundation

/// `$SPIN_HOME/var/tmp`: files that carry results into kernels, readable by
/// the runtime's user only, removed as soon as they are read.
enum ScratchFolder {
    static func newFile(in folder: String, suffix: String) throws -> String {
        try FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]
        )
        return "\(folder)/\(UUID().uuidString.lowercased())\(suffix)"
    }
}
