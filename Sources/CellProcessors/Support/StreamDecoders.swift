import Foundation

/// UTF-8 decoding per stream (stdout, stderr) for shell output, local or SSH.
final class StreamDecoders: @unchecked Sendable {
    private let lock = NSLock()
    private var carries: [String: UTF8Carry] = [:]

    func text(_ stream: String, _ bytes: [UInt8]) -> String {
        lock.withLock { carries[stream, default: UTF8Carry()].text(from: bytes) }
    }

    func finish() -> [(String, String)] {
        lock.withLock {
            defer { carries.removeAll() }
            return carries.keys.sorted().map { key in (key, carries[key]!.finish()) }
        }
    }
}
