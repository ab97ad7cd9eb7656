import Connections
import JupyterProtocol
import Testing

@Suite struct ConnectionSchemaTests {
    func validate(_ body: [String: JSONValue], name: String = "c", existing: Connection? = nil) throws -> Connection {
        try ConnectionSchema.validate(name: name, body: body, existing: existing)
    }

    func fieldError(_ body: [String: JSONValue], name: String = "c") -> String? {
        do {
            _ = try validate(body, name: name)
            return nil
        } catch {
            return (error as? ConnectionError)?.message
        }
    }

    @Test func secretsAreSeparatedAndKeptWhenAbsent() throws {
        let first = try validate(["type": "postgres", "host": "h", "password": "pw"])
        #expect(first.secrets == ["password": "pw"] && first.fields["password"] == nil)
        #expect(first.publicView["secrets_set"] == ["password"])
        let second = try validate(["type": "postgres", "host": "h2"], existing: first)
        #expect(second.secrets == ["password": "pw"])
        let third = try validate(["type": "postgres", "host": "h2", "password": nil], existing: second)
        #expect(third.secrets.isEmpty)
        let otherType = try validate(["type": "sqlite", "path": "a.db"], existing: first)
        #expect(otherType.secrets.isEmpty, "changing the type drops the old secrets")
    }

    @Test func urlPasswordBecomesASecret() throws {
        let connection = try validate(["type": "postgres", "url": "postgresql://u:p%3Aw@h:6543/db?sslmode=require"])
        #expect(connection.string("url") == "postgresql://u@h:6543/db?sslmode=require")
        #expect(connection.secrets["password"] == "p:w")
        let parts = try #require(PostgresURL.parse("postgres://u:x@[::1]:6543/my%20db?sslmode=verify-full"))
        #expect(parts.user == "u" && parts.password == "x" && parts.host == "::1" && parts.port == 6543)
        #expect(parts.database == "my db" && parts.query["sslmode"] == "verify-full")
    }

    @Test func errorsNameTheField() {
        #expect(fieldError(["type": "postgres", "host": "h", "port": 0])?.contains("'port'") == true)
        #expect(fieldError(["type": "ssh", "host": "h", "username": "u"])?.contains("private_key") == true)
        #expect(fieldError(["type": "http", "base_url": "https://x", "headers": ["Bad Name": "v"]])?.contains("headers") == true)
        #expect(fieldError(["type": "sqlite", "path": "a/../../b"])?.contains("path") == true)
        #expect(fieldError(["type": "sqlite", "path": "a", "extra": 1])?.contains("extra") == true)
        #expect(fieldError(["type": "sqlite", "path": "a"], name: "local") != nil)
        #expect(fieldError(["type": "sqlite", "path": "a"], name: "-x") != nil)
        #expect(fieldError(["type": "sqlite", "path": "a", "name": "other"])?.contains("name") == true)
    }

    @Test func runtimeHostNeedsNoHost() throws {
        let host = try validate(["type": "ssh", "username": "me", "private_key": "KEY"], name: "runtime-host")
        #expect(host.string("host") == nil)
        #expect(fieldError(["type": "ssh", "username": "me", "private_key": "KEY"]) != nil)
    }

    @Test func resolvingTemplatesKeepsTheStoredForm() throws {
        let stored = try validate(["type": "http", "base_url": "https://{{runtime_env:API_HOST}}", "headers": ["A": "{{runtime_env:TOKEN_X}}"]])
        let resolved = try stored.resolved(environment: ["API_HOST": "api.example", "TOKEN_X": "t"])
        #expect(resolved.string("base_url") == "https://api.example" && resolved.fields["headers"]?["A"] == "t")
        #expect(stored.string("base_url") == "https://{{runtime_env:API_HOST}}")
        #expect(throws: RuntimeEnvTemplate.Failure.self) { try stored.resolved(environment: [:]) }
    }

    @Test func portAndChoiceFieldsTakePlaceholdersResolvedWhenUsed() throws {
        let stored = try validate([
            "type": "postgres", "url": "{{runtime_env:DATABASE_URL}}", "port": "{{runtime_env:PGPORT}}",
            "sslmode": "{{runtime_env:PGSSLMODE}}",
        ])
        #expect(stored.fields["port"] == "{{runtime_env:PGPORT}}", "stored as written")
        let resolved = try stored.resolved(environment: [
            "DATABASE_URL": "postgresql://u:pw@db:5433/app", "PGPORT": " 6543 ", "PGSSLMODE": "require",
        ])
        #expect(resolved.fields["port"] == .int(6543) && resolved.string("sslmode") == "require")
        #expect(resolved.string("url") == "postgresql://u:pw@db:5433/app")
        let ssh = try validate(["type": "ssh", "host": "h", "username": "u", "private_key": "K", "port": "{{runtime_env:SSH_PORT}}"])
        #expect(try ssh.resolved(environment: ["SSH_PORT": "2222"]).fields["port"] == .int(2222))
        // Not a placeholder: still refused at PUT.
        #expect(fieldError(["type": "postgres", "host": "h", "port": "5432"])?.contains("'port'") == true)
        #expect(fieldError(["type": "postgres", "host": "h", "sslmode": "sometimes"])?.contains("sslmode") == true)
        #expect(fieldError(["type": "postgres", "url": "mysql://x"])?.contains("url") == true)
        #expect(fieldError(["type": "postgres", "url": "{{.Id}}"])?.contains("url") == true, "not our placeholder")
        let fromEnvironment = try validate(["type": "postgres", "url": "{{runtime_env:DATABASE_URL}}", "sslmode": "{{runtime_env:M}}"])
        #expect(try fromEnvironment.resolved(environment: ["DATABASE_URL": "postgres://h/db", "M": "require\n"]).string("sslmode") == "require")
    }

    @Test func aResolvedValueThatDoesNotFitIsRefusedWithoutShowingIt() throws {
        let stored = try validate(["type": "postgres", "host": "h", "port": "{{runtime_env:DB_SECRET}}", "sslmode": "{{runtime_env:MODE}}"])
        let byURL = try validate(["type": "postgres", "url": "{{runtime_env:DATABASE_URL}}"])
        let cases: [(Connection, [String: String])] = [
            (stored, ["DB_SECRET": "hunter2", "MODE": "require"]), (stored, ["DB_SECRET": "70000", "MODE": "require"]),
            (stored, ["DB_SECRET": "5432", "MODE": "hunter2"]),
            (byURL, ["DATABASE_URL": "host=db user=hunter2"]), (byURL, ["DATABASE_URL": "postgres://u:hunter2@db/x?sslmode=requre"]),
        ]
        for (connection, environment) in cases {
            do {
                _ = try connection.resolved(environment: environment)
                Issue.record("accepted \(environment)")
            } catch {
                #expect(error.code == .badValue)
                #expect(!error.message.contains("hunter2") && !error.message.contains("70000"))
                #expect(error.message.contains("{{runtime_env:"))
            }
        }
    }

    @Test func defaultGatewayFromRouteTable() {
        let table = """
        Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
        eth0\t00000000\t010011AC\t0003\t0\t0\t0\t00000000\t0\t0\t0
        eth0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0
        """
        let unknown: (String) -> Bool = { _ in false }
        #expect(HostSSH.defaultHost(environment: [:], routeTable: table, resolves: unknown) == "172.17.0.1")
        #expect(HostSSH.defaultHost(environment: ["SPIN_HOST_SSH_HOST": "box"], routeTable: table, resolves: unknown) == "box")
        #expect(HostSSH.defaultHost(environment: [:], routeTable: "", resolves: unknown) == nil)
        // Docker Desktop (or --add-host): the name the host answers to wins over the
        // default gateway, which there is Docker's VM; SPIN_HOST_SSH_HOST still wins over both.
        var asked: [String] = []
        let desktop: (String) -> Bool = { asked.append($0); return $0 == "host.docker.internal" }
        #expect(HostSSH.defaultHost(environment: [:], routeTable: table, resolves: desktop) == "host.docker.internal")
        #expect(asked == ["host.docker.internal"])
        #expect(HostSSH.defaultHost(environment: ["SPIN_HOST_SSH_HOST": "box"], routeTable: table, resolves: desktop) == "box")
        #expect(HostSSH.resolvesOnce("localhost") && !HostSSH.resolvesOnce("no-such-host.invalid"))
        let hosts = "127.0.0.1 localhost\n# 10.0.0.9 host.docker.internal\n172.17.0.1\thost.docker.internal  # added by Docker\n"
        #expect(HostSSH.inHostsFile("host.docker.internal", hosts))
        #expect(!HostSSH.inHostsFile("host.docker.internal", "# 10.0.0.9 host.docker.internal\n127.0.0.1 localhost"))
    }
}
