import Foundation

/// How outbound TLS certificates are verified (SPEC §2, `REQUESTS_CA_BUNDLE`).
public enum TLSVerification: Sendable, Hashable {
    /// `REQUESTS_CA_BUNDLE` unset (or empty): no verification of the server's
    /// certificate or host name.
    case disabled
    /// A PEM file of trusted CA certificates (libcurl `CAINFO`).
    case caFile(String)
    /// A folder prepared with `c_rehash` / `openssl rehash` (libcurl `CAPATH`).
    case caDirectory(String)

    public static let environmentVariable = "REQUESTS_CA_BUNDLE"

    /// Reads `REQUESTS_CA_BUNDLE` from `environment`. A path that is missing,
    /// unreadable, or a folder with no hashed certificate names throws
    /// ``HTTPCellError/Code/badCABundle``.
    public static func fromEnvironment(_ environment: [String: String]) throws(HTTPCellError) -> TLSVerification {
        guard let path = environment[environmentVariable], !path.isEmpty else { return .disabled }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw configurationError(path, "does not exist. Set it to a CA bundle file or a c_rehash-prepared folder, or unset it to disable verification")
        }
        guard access(path, isDirectory.boolValue ? R_OK | X_OK : R_OK) == 0 else {
            throw configurationError(path, "is not readable by the runtime (check its permissions)")
        }
        guard isDirectory.boolValue else { return .caFile(path) }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        guard entries.contains(where: isHashName) else {
            throw configurationError(path, "is a folder without hashed certificate names (like 1a2b3c4d.0); prepare it with `openssl rehash \(path)` or point the variable at a PEM file")
        }
        return .caDirectory(path)
    }

    /// `REQUESTS_CA_BUNDLE=<path>`, or a note that verification is off.
    public var settingDescription: String {
        switch self {
        case .disabled: "\(Self.environmentVariable) unset (verification disabled)"
        case .caFile(let path), .caDirectory(let path): "\(Self.environmentVariable)=\(path)"
        }
    }

    static func configurationError(_ path: String, _ problem: String) -> HTTPCellError {
        HTTPCellError(code: HTTPCellError.Code.badCABundle, message: "\(environmentVariable)=\(path) \(problem).")
    }

    /// `openssl rehash` names: 8 hex digits, a dot, a number (`.r0` for CRLs).
    static func isHashName(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 8, parts[0].allSatisfy(\.isHexDigit) else { return false }
        let suffix = parts[1].hasPrefix("r") ? parts[1].dropFirst() : parts[1]
        return !suffix.isEmpty && suffix.allSatisfy(\.isNumber)
    }
}
