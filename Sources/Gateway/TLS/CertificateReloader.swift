import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL

/// Serves the certificate and key currently on disk: every TLS handshake checks the files'
/// stamps (at most every `interval`) and reloads them when they changed. A broken or
/// half-written pair is ignored and the previous one kept, with a warning.
final class CertificateReloader: Sendable {
    private let source: TLSSource
    private var files: GatewayConfiguration.TLSFiles { self.source.files }
    private let logger: Logger
    private let interval: Duration
    private let state: NIOLockedValueBox<State>

    private struct State {
        var material: TLSMaterial
        var checkedAt: ContinuousClock.Instant
        var rejectedStamp: FileStamp?
    }

    init(source: TLSSource, initial: TLSMaterial, logger: Logger, interval: Duration = .seconds(1)) {
        self.source = source
        self.logger = logger
        self.interval = interval
        self.state = NIOLockedValueBox(State(material: initial, checkedAt: .now, rejectedStamp: nil))
    }

    /// The TLS configuration whose per-handshake callback supplies the current pair.
    func serverConfiguration() -> TLSConfiguration {
        let initial = self.state.withLockedValue { $0.material }
        return TLSPolicy.serverConfiguration(material: initial) { [self] _, promise in
            // Off the event loop: a reload reads files and builds a context, and a failed
            // build must not leave errors on the handshaking thread's BoringSSL error queue.
            promise.completeWithTask {
                let material = self.current()
                var override = NIOSSLContextConfigurationOverride()
                override.certificateChain = material.chain.map { .certificate($0) }
                override.privateKey = .privateKey(material.key)
                return override
            }
        }
    }

    /// The pair to use now, reloading it when the files changed.
    func current() -> TLSMaterial {
        let (material, due) = self.state.withLockedValue { state in
            let due = ContinuousClock.now - state.checkedAt >= self.interval
            if due { state.checkedAt = .now }
            return (state.material, due)
        }
        guard due else { return material }
        let stamp = FileStamp(self.source)
        guard stamp != material.stamp, stamp != self.state.withLockedValue({ $0.rejectedStamp }) else { return material }
        return self.reload(stamp: stamp, fallback: material)
    }

    private func reload(stamp: FileStamp, fallback: TLSMaterial) -> TLSMaterial {
        do {
            let fresh = try TLSMaterial.load(self.source)
            self.state.withLockedValue { $0.material = fresh }
            self.logger.info("Reloaded TLS certificate and key from disk", metadata: ["tls.cert": "\(self.files.certificatePath)"])
            return fresh
        } catch {
            self.state.withLockedValue { $0.rejectedStamp = stamp }
            self.logger.warning("Keeping the previous TLS certificate: \(error.message)")
            return fallback
        }
    }
}
