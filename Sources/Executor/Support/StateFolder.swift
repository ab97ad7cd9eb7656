import Foundation

/// `$SPIN_HOME/var`, with the schema version of what is stored in it (SPEC §7).
/// A newer runtime migrates older state in place; an older runtime refuses
/// state written by a newer one.
///
/// Schema history: 1 — kernels and the output journal; 2 — adds
/// `connections/` (the connections store, which creates itself on first use,
/// so moving from 1 to 2 changes no existing file).
public struct StateFolder: Sendable {
    public static let currentSchema = 2
    public let path: String

    public struct Refused: Error, CustomStringConvertible {
        public let description: String
    }

    public init(path: String) {
        self.path = path
    }

    var versionFile: String { "\(path)/schema-version" }

    /// Creates the folder or checks and migrates it.
    public func prepare() throws(Refused) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw Refused(description: "Cannot create the state folder \(path): check that the volume is mounted and writable.")
        }
        let found = readVersion()
        if let found, found > Self.currentSchema {
            throw Refused(description: "The state in \(path) was written by a newer runtime (schema \(found)); this runtime understands schema \(Self.currentSchema). Run the newer image, or point SPIN_HOME at another folder.")
        }
        if found != Self.currentSchema { try writeVersion() }
    }

    func readVersion() -> Int? {
        guard let data = FileManager.default.contents(atPath: versionFile),
              let text = String(data: data, encoding: .utf8)
        else { return nil }
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    private func writeVersion() throws(Refused) {
        let temporary = versionFile + ".tmp"
        do {
            try Data("\(Self.currentSchema)\n".utf8).write(to: URL(fileURLWithPath: temporary))
            _ = rename(temporary, versionFile)
        } catch {
            throw Refused(description: "Cannot write \(versionFile): check that the state folder is writable.")
        }
    }
}
