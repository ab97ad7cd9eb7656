import Foundation

/// Where Host SSH Access connects when `runtime-host` names no `host`:
/// `SPIN_HOST_SSH_HOST`, else the container's default gateway (the Docker
/// host as seen from inside the container).
public enum HostSSH {
    public static func defaultHost(environment: [String: String], routeTable: String? = nil) -> String? {
        if let configured = environment["SPIN_HOST_SSH_HOST"], !configured.isEmpty { return configured }
        let table = routeTable ?? (try? String(contentsOfFile: "/proc/net/route", encoding: .utf8)) ?? ""
        return defaultGateway(fromRouteTable: table)
    }

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
