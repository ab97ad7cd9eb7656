import Foundation

/// The `sitecustomize` module every kernel the runtime starts imports at
/// start-up (its folder leads `PYTHONPATH`).
///
/// With `REQUESTS_CA_BUNDLE` unset, outbound TLS verification is off for the
/// whole runtime (SPEC §2): `requests` is patched, when it is first
/// imported, so that a request that does not choose `verify` itself does not
/// verify. With it set, `requests` reads it itself. Any `sitecustomize`
/// further down the path (Debian ships one) still runs.
enum SiteCustomize {
    static let source = #"""
    # Installed by the SPIN runtime for its kernels. See docs/deploy-ca-bundle.md.
    import importlib.abc
    import importlib.machinery
    import os
    import sys


    def _spin_verification_off():
        return not os.environ.get("REQUESTS_CA_BUNDLE") and not os.environ.get("CURL_CA_BUNDLE")


    def _spin_patch_sessions(module):
        original = module.Session.merge_environment_settings

        def merge_environment_settings(self, url, proxies, stream, verify, cert):
            chosen = verify is not None or self.verify is not True
            settings = original(self, url, proxies, stream, verify, cert)
            if not chosen and _spin_verification_off():
                settings["verify"] = False
            return settings

        module.Session.merge_environment_settings = merge_environment_settings
        try:
            import urllib3

            urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
        except Exception:
            pass


    class _SpinRequestsHook(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name != "requests.sessions":
                return None
            spec = importlib.machinery.PathFinder.find_spec(name, path)
            if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
                return spec
            load = spec.loader.exec_module

            def exec_module(module):
                load(module)
                try:
                    _spin_patch_sessions(module)
                except Exception:
                    pass

            spec.loader.exec_module = exec_module
            return spec


    sys.meta_path.insert(0, _SpinRequestsHook())


    def _spin_chain():
        here = os.path.dirname(os.path.abspath(__file__))
        rest = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
        spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
        if spec is not None and spec.loader is not None and spec.origin != __file__:
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)


    try:
        import importlib.util

        _spin_chain()
    except Exception:
        pass
    """#
}

/// The folder of Python modules the runtime puts on its kernels' path.
public enum KernelPythonFolder {
    /// Writes `sitecustomize.py` and `modules` (name → source) into `path`.
    public static func install(at path: String, modules: [String: String]) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        var all = modules
        all["sitecustomize"] = SiteCustomize.source
        for (name, source) in all {
            try Data(source.utf8).write(to: URL(fileURLWithPath: "\(path)/\(name).py"), options: .atomic)
        }
    }

    /// `environment` with `path` leading `PYTHONPATH`.
    public static func environment(_ environment: [String: String], with path: String) -> [String: String] {
        var result = environment
        let existing = environment["PYTHONPATH"].flatMap { $0.isEmpty ? nil : $0 }
        result["PYTHONPATH"] = existing.map { "\(path):\($0)" } ?? path
        return result
    }
}

