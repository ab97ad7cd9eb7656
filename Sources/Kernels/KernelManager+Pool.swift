import Foundation
import JupyterProtocol

extension KernelManager {
    /// Starts pooled kernels until `poolSize` are ready or starting; the
    /// tasks returned end when those kernels are ready (or failed to start).
    @discardableResult
    public func refillPool() -> [Task<Void, Never>] {
        let (defaultName, specs) = specs()
        guard !stopping, let name = defaultName, let spec = specs[name] else { return [] }
        var warmUps: [Task<Void, Never>] = []
        while pool.count + poolStarting < configuration.poolSize {
            poolStarting += 1
            let kernel = makeKernel(spec)
            warming[kernel.id] = kernel
            warmUps.append(Task { await self.warmUp(kernel) })
        }
        return warmUps
    }

    private func warmUp(_ kernel: Kernel) async {
        defer { warming[kernel.id] = nil }
        do {
            try await kernel.start()
            poolStarting -= 1
            if stopping { return await kernel.shutdown() }
            pool.append(kernel)
        } catch {
            poolStarting -= 1
            logger.error("could not start a pooled kernel", metadata: ["error": "\(error)"])
            await kernel.shutdown()
        }
    }

    /// The oldest pooled kernel.
    func takeFromPool() -> Kernel? {
        pool.isEmpty ? nil : pool.removeFirst()
    }

    public var pooledCount: Int { pool.count }
}
