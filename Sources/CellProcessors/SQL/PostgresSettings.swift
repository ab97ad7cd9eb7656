import Connections
import Foundation
import Kernels
import NIOSSL
import PostgresNIO

/// A `postgres` connection's fields as postgres-nio wants them: `url` or
/// `host`/`port`/`user`/`database`, the `password` secret, and TLS from
/// `sslmode` with trust from `REQUESTS_CA_BUNDLE` (SPEC §2).
struct PostgresSettings {
    let host: String
    let port: Int
    let configuration: PostgresConnection.Configuration

    init(_ connection: Connection, environment: [String: String]) throws {
        let url = connection.string("url").flatMap(PostgresURL.parse)
        host = connection.string("host") ?? url?.host ?? "localhost"
        port = Int(connection.fields["port"]?.intValue ?? Int64(url?.port ?? 5432))
        let user = connection.string("user") ?? url?.user ?? "postgres"
        let database = connection.string("database") ?? url?.database
        let password = connection.secrets["password"] ?? url?.password
        let mode = connection.string("sslmode") ?? url?.query["sslmode"] ?? "prefer"
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database,
            tls: try Self.tls(mode: mode, environment: environment)
        )
        configuration.options.connectTimeout = .seconds(10)
        self.configuration = configuration
    }

    static func tls(mode: String, environment: [String: String]) throws -> PostgresConnection.Configuration.TLS {
        if mode == "disable" { return .disable }
        var tls = TLSConfiguration.makeClientConfiguration()
        let bundle = try trustRoots(environment)
        tls.certificateVerification = certificateVerification(mode: mode, bundle: bundle != nil)
        if tls.certificateVerification != .none { tls.trustRoots = bundle ?? .default }
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: tls)
        } catch {
            throw CellFailure("TLSConfigurationError", "Could not set up TLS for PostgreSQL: \(error)")
        }
        return mode == "allow" || mode == "prefer" ? .prefer(context) : .require(context)
    }

    /// How the server's certificate is checked. `verify-full` checks the chain and the
    /// host name, `verify-ca` the chain (against the system store when no bundle is set).
    /// `allow`, `prefer` and `require` check the chain once `REQUESTS_CA_BUNDLE` is set:
    /// the runtime's documented switch for verifying every outbound connection. Without
    /// a bundle they only encrypt, as libpq does.
    static func certificateVerification(mode: String, bundle: Bool) -> CertificateVerification {
        switch mode {
        case "verify-full": .fullVerification
        case "verify-ca": .noHostnameVerification
        default: bundle ? .noHostnameVerification : .none
        }
    }

    /// `REQUESTS_CA_BUNDLE`, read the one way every cell reads it
    /// (`TLSVerification`), as trust roots: a PEM file, or every certificate
    /// in a (c_rehash-prepared) folder; nil when unset.
    static func trustRoots(_ environment: [String: String]) throws -> NIOSSLTrustRoots? {
        let verification: TLSVerification
        do {
            verification = try TLSVerification.fromEnvironment(environment)
        } catch {
            throw CellFailure("TLSConfigurationError", error.message)
        }
        switch verification {
        case .disabled:
            return nil
        case .caFile(let path):
            return .file(path)
        case .caDirectory(let path):
            let files = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            return .certificates(files.sorted().flatMap { (try? NIOSSLCertificate.fromPEMFile("\(path)/\($0)")) ?? [] })
        }
    }
}
