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
        environment: [String: String], routeTable: String? = nil, resolves: (String) -> Bool = HostSSH.resolvesOnce
    ) -> String? {
        if let configured = environment["SPIN_HOST_SSH_HOST"], !configured.isEmpty { return configured }
        if resolves(dockerHostName) { return dockerHostName }
        let table = routeTable ?? (try? String(contentsOfFile: "/proc/net/route", encoding: .utf8)) ?? ""
        return defaultGateway(fromRouteTable: table)
    }

    /// Whether `name` resolves, asked once per process: the answer does not change
    /// during a container's life, and a resolver that does not answer would otherwise
    /// delay every Host SSH cell.
    public static func resolvesOnce(_ name: String) -> Bool {
        if let known = resolved.withLock({ $0[name] }) { return known }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let found = getaddrinfo(name, nil, &hints, &result) == 0
        if let result { freeaddrinfo(result) }
        resolved.withLock { $0[name] = found }
        return found
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
