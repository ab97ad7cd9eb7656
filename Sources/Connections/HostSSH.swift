import Foundation
import Synchronization

/// Where Host SSH Access connects when `runtime-host` names no `host`:
/// `SPIN_HOST_SSH_HOST`; else `host.docker.internal` when that name resolves
/// (Docker Desktop defines it, and `--add-host host.docker.internal:host-gateway` on
/// Linux); else the container's default gateway, the Docker host on Linux's default
/// bridge. (On Docker Desktop the default gateway is Docker's VM, not the Mac or PC.)
public enum HostSSH {
    static let dockerHostName = "host.docker.internal"

    public static func defaultHost(
        environment: [String: String], routeTable: String? = nil, resolves: (String) -> Bool = { HostSSH.resolvesOnce($0) }
    ) -> String? {
        if let configured = environment["SPIN_HOST_SSH_HOST"], !configured.isEmpty { return configured }
        if resolves(dockerHostName) { return dockerHostName }
        let table = routeTable ?? (try? String(contentsOfFile: "/proc/net/route", encoding: .utf8)) ?? ""
        return defaultGateway(fromRouteTable: table)
    }

    /// Whether `name` resolves: from `/etc/hosts` (where `--add-host` puts it), else
    /// from DNS as a fully qualified name, so that no search domain of the host's
    /// resolver (a wildcard record in a company's zone) can answer for it. An answer
    /// (found, or no such name) is kept for the process's life; a resolver that
    /// failed is asked again next time.
    public static func resolvesOnce(_ name: String, hostsFile: String = "/etc/hosts") -> Bool {
        if let known = resolved.withLock({ $0[name] }) { return known }
        if inHostsFile(name, (try? String(contentsOfFile: hostsFile, encoding: .utf8)) ?? "") {
            resolved.withLock { $0[name] = true }
            return true
        }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(name + ".", nil, &hints, &result)
        if let result { freeaddrinfo(result) }
        if status == 0 || status == EAI_NONAME { resolved.withLock { $0[name] = status == 0 } }
        return status == 0
    }

    /// True if a line of a hosts file names `name` (after its address, before any `#`).
    public static func inHostsFile(_ name: String, _ text: String) -> Bool {
        text.split(separator: "\n").contains { line in
            let fields = line.prefix { $0 != "#" }.split(whereSeparator: { $0 == " " || $0 == "\t" })
            return fields.dropFirst().contains { $0.lowercased() == name.lowercased() }
        }
    }

    private static let resolved = Mutex<[String: Bool]>([:])

    /// Reads `/proc/net/route`: the gateway of the 00000000 destination,
    /// little-endian hex.
    static func defaultGateway(fromRouteTable table: String) -> String? {
        for line in table.split(separator: "\n").dropFirst() {
            let columns = line.split(whereSeparator: { $0 == "\t" || $0 == " " })
            guard columns.count > 2, columns[1] == "00000000", let raw = UInt32(columns[2], radix: 16), raw != 0 else { continue }
            return [raw & 0xFF, (raw >> 8) & 0xFF, (raw >> 16) & 0xFF, raw >> 24].map(String.init).joined(separator: ".")
        }
        return nil
    }
}
