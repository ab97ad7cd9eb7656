import CStartupPages
import Foundation
import Logging

/// Hands back the memory of code and constants only start-up used: call it
/// once, when start-up is over. What runs afterwards faults its own pages back
/// in, so idle memory is what the running server uses (Sources/CStartupPages
/// says how; bench/findings.md, scenario 6, what it saves).
public enum StartupPages {
    /// An errno of the release, with its text.
    public struct SystemError: Error, CustomStringConvertible, Sendable {
        public let code: Int32
        public var description: String { "\(String(cString: strerror(code))) (errno \(code))" }

        init(code: Int32) { self.code = code }
        init?(nonZero code: Int32) {
            guard code != 0 else { return nil }
            self.code = code
        }
    }

    public struct Outcome: Sendable {
        /// Bytes of program pages unmapped.
        public var released: Int
        /// Mappings the program's code is split into (0: left whole).
        public var codeMappings: Int
        /// Why the code could not be split (what runs afterwards then brings
        /// in 64 KiB windows again); nil when it was.
        public var splitError: SystemError?
        /// Why the program file's pages could not be dropped from the page
        /// cache (the pages then left this process's RSS only); nil when they were.
        public var cacheError: SystemError?
    }

    /// Releases the pages. Blocking system calls (the page-cache step walks a
    /// file of ~150 MB): once per process, so a pool thread may take them.
    public static func release() throws(SystemError) -> Outcome {
        #if os(Linux)
        var outcome = spin_startup_release()
        let failure = spin_release_startup_pages(&outcome)
        guard failure == 0 else { throw SystemError(code: failure) }
        return Outcome(released: outcome.released, codeMappings: outcome.code_mappings,
                       splitError: SystemError(nonZero: outcome.split_errno),
                       cacheError: SystemError(nonZero: outcome.cache_errno))
        #else
        return Outcome(released: 0, codeMappings: 0, splitError: nil, cacheError: nil)
        #endif
    }
}

extension StartupPages {
    /// Releases them and says so. A failure is a warning: it costs memory,
    /// nothing else.
    public static func releaseAndLog(_ logger: Logger) {
        do {
            let outcome = try release()
            logger.info("start-up pages released",
                        metadata: ["bytes": "\(outcome.released)", "code_mappings": "\(outcome.codeMappings)"])
            if let error = outcome.splitError {
                logger.warning("code not split into small mappings: \(error)")
            }
            if let error = outcome.cacheError {
                logger.warning("start-up pages stay in the page cache: \(error)")
            }
        } catch {
            logger.warning("could not release start-up pages: \(error)")
        }
    }
}
