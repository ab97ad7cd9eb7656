@testable import CellProcessors
import NIOSSL
import Testing

@Suite struct PostgresVerificationTests {
    @Test func aBundleMakesEveryEncryptingModeCheckTheChain() {
        for mode in ["allow", "prefer", "require", "verify-ca"] {
            #expect(PostgresSettings.certificateVerification(mode: mode, bundle: true) == .noHostnameVerification, "\(mode)")
        }
        #expect(PostgresSettings.certificateVerification(mode: "verify-full", bundle: true) == .fullVerification)
    }

    @Test func withoutABundleOnlyTheVerifyModesCheck() {
        for mode in ["allow", "prefer", "require"] {
            #expect(PostgresSettings.certificateVerification(mode: mode, bundle: false) == CertificateVerification.none, "\(mode)")
        }
        #expect(PostgresSettings.certificateVerification(mode: "verify-ca", bundle: false) == .noHostnameVerification)
        #expect(PostgresSettings.certificateVerification(mode: "verify-full", bundle: false) == .fullVerification)
    }
}
