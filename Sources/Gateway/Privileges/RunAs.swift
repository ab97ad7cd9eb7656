#if canImport(Glibc)
import Glibc
#endif

/// `SPIN_RUN_AS=uid[:gid]`: the user the gateway becomes when it starts as root.
///
/// The image starts as root and sets `SPIN_RUN_AS=10001:10001`. The gateway then opens the
/// TLS files as root, so a private key of mode 0600 owned by the host's user or by root
/// (what `openssl` and certbot write) can be mounted as it is, and becomes the `spin` user
/// before it listens, starts the executor or reads anything a request names. The
/// executor and the kernels are its children: they never run as root. A gateway that
/// does not start as root (Kubernetes' `runAsUser`, `docker run --user`) keeps its user.
public struct RunAs: Sendable, Equatable {
    public let uid: UInt32
    public let gid: UInt32

    /// Parses `uid[:gid]` (numbers; the group defaults to the user id).
    static func parse(_ raw: String) throws(ConfigurationError) -> RunAs {
        let parts = raw.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let uid = UInt32(parts[0]), let gid = parts.count == 2 ? UInt32(parts[1]) : uid else {
            throw ConfigurationError(.invalidValue, "SPIN_RUN_AS=\(raw.prefix(24)) must be a numeric uid or uid:gid, e.g. 10001:10001.")
        }
        guard uid != 0, gid != 0 else {
            throw ConfigurationError(.invalidValue, "SPIN_RUN_AS=\(raw.prefix(24)) names root: unset it to stay root (not advised), or name another user.")
        }
        return RunAs(uid: uid, gid: gid)
    }

    /// Becomes this user when the process runs as root; does nothing otherwise.
    /// Returns whether it changed user. Groups go first (only root may change them),
    /// then the group, then the user; the change is checked by trying to regain root.
    func apply() throws(ConfigurationError) -> Bool {
        guard geteuid() == 0 else { return false }
        var group = self.gid
        guard setgroups(1, &group) == 0, setgid(self.gid) == 0, setuid(self.uid) == 0 else {
            throw ConfigurationError(.invalidValue, "SPIN_RUN_AS=\(self.uid):\(self.gid): could not change to that user (\(String(cString: strerror(errno)))).")
        }
        guard getuid() == self.uid, geteuid() == self.uid, getgid() == self.gid, setuid(0) != 0 else {
            throw ConfigurationError(.invalidValue, "SPIN_RUN_AS=\(self.uid):\(self.gid): the process could still regain root; refusing to run.")
        }
        return true
    }
}
