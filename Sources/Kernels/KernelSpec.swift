import Foundation
import JupyterProtocol

/// A kernelspec: how to start one kind of kernel (`kernel.json`) and where its
/// resources (logos) live.
public struct KernelSpec: Sendable, Hashable {
    public struct Definition: Sendable, Hashable, Codable {
        public var argv: [String]
        public var displayName: String
        public var language: String
        public var interruptMode: String?
        public var env: [String: String]?
        public var metadata: JSONValue?

        enum CodingKeys: String, CodingKey {
            case argv, language, env, metadata
            case displayName = "display_name", interruptMode = "interrupt_mode"
        }
    }

    public let name: String
    public let directory: String
    public let definition: Definition

    /// Files in the spec's folder other than `kernel.json` (logo-64x64.png, …).
    public let resourceFiles: [String]

    public var interruptsBySignal: Bool { (definition.interruptMode ?? "signal") == "signal" }

    /// Reads `directory/kernel.json`; nil when absent or malformed.
    public static func load(name: String, directory: String) -> KernelSpec? {
        let path = directory + "/kernel.json"
        guard let data = FileManager.default.contents(atPath: path),
              let definition = try? JSONDecoder().decode(Definition.self, from: data),
              !definition.argv.isEmpty
        else { return nil }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let resources = files.filter { $0 != "kernel.json" && !$0.hasPrefix(".") }.sorted()
        return KernelSpec(name: name, directory: directory, definition: definition, resourceFiles: resources)
    }

    /// The interpreter prefix the spec was installed into, when it sits at
    /// `<prefix>/share/jupyter/kernels/<name>`.
    var installPrefix: String? {
        let suffix = "/share/jupyter/kernels/" + name
        guard directory.hasSuffix(suffix) else { return nil }
        return String(directory.dropLast(suffix.count))
    }
}
