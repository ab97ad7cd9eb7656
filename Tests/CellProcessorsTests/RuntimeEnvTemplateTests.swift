import JupyterProtocol
import XCTest

final class RuntimeEnvTemplateTests: XCTestCase {
    let environment = ["DB_PASSWORD": "s3cret", "HOST": "db.internal", "SPIN_TOKEN": "tok", "LOOP": "{{runtime_env:LOOP}}"]

    func render(_ text: String) throws -> String {
        try RuntimeEnvTemplate.render(text, environment: environment)
    }

    func failure(_ text: String) -> RuntimeEnvTemplate.Failure? {
        do {
            _ = try RuntimeEnvTemplate.render(text, environment: environment)
            return nil
        } catch {
            return error
        }
    }

    func testReplacesPlaceholders() throws {
        XCTAssertEqual(try render("postgres://app:{{runtime_env:DB_PASSWORD}}@{{ runtime_env:HOST }}/db"), "postgres://app:s3cret@db.internal/db")
        XCTAssertEqual(try render("no placeholders"), "no placeholders")
        XCTAssertEqual(try render(""), "")
        XCTAssertEqual(try render("é {{runtime_env:HOST}} ü"), "é db.internal ü")
    }

    func testLeavesOtherTemplatesAlone() throws {
        XCTAssertEqual(try render("docker inspect -f '{{.State.Status}}' x"), "docker inspect -f '{{.State.Status}}' x")
        XCTAssertEqual(try render("{{ jinja }} and {{"), "{{ jinja }} and {{")
    }

    func testUnsetVariableIsNamed() {
        let failure = failure("echo {{runtime_env:NOPE_NOT_SET}}")
        XCTAssertEqual(failure?.code, .unset)
        XCTAssertTrue(failure?.message.contains("NOPE_NOT_SET") ?? false)
    }

    func testSecretsAreNeverResolvable() {
        for name in ["SPIN_TOKEN", "SSL_KEY_FILE", "SSL_CERT_FILE"] {
            let failure = failure("{{runtime_env:\(name)}}")
            XCTAssertEqual(failure?.code, .withheld, name)
            XCTAssertFalse(failure?.message.contains("tok") ?? true)
        }
    }

    func testUnterminatedAndBadNames() {
        XCTAssertEqual(failure("select '{{runtime_env:HOST'")?.code, .unterminated)
        XCTAssertEqual(failure("{{runtime_env:}}")?.code, .badName)
        XCTAssertEqual(failure("{{runtime_env:A B}}")?.code, .badName)
        XCTAssertEqual(failure("{{runtime_env:1X}}")?.code, .badName)
        XCTAssertEqual(failure("{{runtime_env:\(String(repeating: "A", count: 1000))}}")?.code, .badName)
    }

    func testSubstitutedValuesAreNotRescanned() throws {
        XCTAssertEqual(try render("x={{runtime_env:LOOP}}"), "x={{runtime_env:LOOP}}")
    }

    func testNamesAreListed() {
        XCTAssertEqual(RuntimeEnvTemplate.names(in: "{{runtime_env:A}} {{x}} {{ runtime_env:B }}"), ["A", "B"])
    }
}
