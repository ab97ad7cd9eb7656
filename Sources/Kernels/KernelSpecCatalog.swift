import Foundation

/// Finds kernelspecs on Jupyter's standard data paths, first match wins:
/// `JUPYTER_PATH` entries, the user's data folder, the interpreter's
/// `sys.prefix/share/jupyter`, `/usr/local/share/jupyter`, `/usr/share/jupyter`.
public struct KernelSpecCatalog: Sendable {
    public let searchPaths: [String]

    public init(searchPaths: [String]) {
        self.searchPaths = searchPaths
    }

    /// The standard search paths for an environment.
    public init(environment: [String: String]) {
        var paths = [String]()
        if let jupyterPath = environment["JUPYTER_PATH"] {
            paths += jupyterPath.split(separator: ":").map { "\($0)/kernels" }
        }
        if let dataDir = environment["JUPYTER_DATA_DIR"] {
            paths.append(dataDir + "/kernels")
        } else if let home = environment["HOME"] {
            paths.append(home + "/.local/share/jupyter/kernels")
        }
        if let prefix = Self.interpreterPrefix(environment) {
            paths.append(prefix + "/share/jupyter/kernels")
        }
        paths += ["/usr/local/share/jupyter/kernels", "/usr/share/jupyter/kernels"]
        self.init(searchPaths: paths)
    }

    /// A virtual environment's prefix (`VIRTUAL_ENV`), else the prefix of the
    /// first `python3` on PATH (its `bin/` folder's parent).
    static func interpreterPrefix(_ environment: [String: String]) -> String? {
        if let venv = environment["VIRTUAL_ENV"] { return venv }
        for folder in (environment["PATH"] ?? "").split(separator: ":") where folder.hasSuffix("/bin") {
            if FileManager.default.isExecutableFile(atPath: "\(folder)/python3") {
                return String(folder.dropLast(4))
            }
        }
        return nil
    }

    public func discover() -> [String: KernelSpec] {
        var found = [String: KernelSpec]()
        for path in searchPaths {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            for name in names.sorted() where found[name.lowercased()] == nil && Self.isValidName(name) {
                if let spec = KernelSpec.load(name: name.lowercased(), directory: "\(path)/\(name)") {
                    found[spec.name] = spec
                }
            }
        }
        return found
    }

    /// The default kernelspec: `python3` when present, else the first by name.
    public static func defaultName(in specs: [String: KernelSpec]) -> String? {
        specs["python3"] != nil ? "python3" : specs.keys.sorted().first
    }

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.allSatisfy { $0.isLetter || $0.isNumber || "-._".contains($0) }
    }
}
