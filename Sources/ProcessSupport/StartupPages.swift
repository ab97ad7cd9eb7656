import CResidentPages
import Foundation
import Logging

/// Hands back the memory of code and constants only start-up used: call it
/// once, when start-up is over. What runs afterwards faults its own pages back
/// in, so idle memory is what the running server uses (Sources/CResidentPages
/// says how; bench/findings.md, scenario 6, what it saves).
public enum StartupPages {
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let errno: Int32
        public var description: String {
            "could not release start-up pages: \(String(cString: strerror(errno)))"
        }
    }

    /// Returns the bytes of program pages released.
    @discardableResult
    public static func release() throws(Failure) -> Int {
        #if os(Linux)
        let released = spin_release_program_pages()
        guard released >= 0 else { throw Failure(errno: errno) }
        return released
        #else
        return 0
        #endif
    }
}

extension StartupPages {
    /// Releases them, saying how much at debug level. A failure is a warning:
    /// it costs memory, nothing else.
    public static func releaseAndLog(_ logger: Logger) {
        do {
            let released = try release()
            logger.debug("start-up pages released", metadata: ["bytes": "\(released)"])
        } catch {
            logger.warning("\(error)")
        }
    }
}
