import Foundation
import JupyterProtocol

/// The environment a kernel gets: the runtime's own, minus its secrets,
/// plus what the kernelspec adds.
public enum KernelEnvironment {
    /// Variables that never reach a kernel (SPEC §2): the same ones no
    /// `{{runtime_env:…}}` can read.
    public static let withheld = RuntimeEnvTemplate.withheld

    public static func make(runtime: [String: String], spec: KernelSpec) -> [String: String] {
        var environment = runtime.filter { !withheld.contains($0.key) }
        for (key, value) in spec.definition.env ?? [:] where !withheld.contains(key) {
            environment[key] = value
        }
        // ipykernel exits when this process goes away (its parent poller),
        // so a killed executor leaves no kernel behind.
        environment["JPY_PARENT_PID"] = String(getpid())
        return environment
    }
}
