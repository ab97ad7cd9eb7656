import Foundation

/// Picks free TCP ports on the loopback interface, as jupyter_client does:
/// bind to port 0, read the port, release it.
enum PortAllocator {
    static func freePorts(_ count: Int) throws -> [Int] {
        var sockets = [Int32]()
        defer { for fd in sockets { close(fd) } }
        var ports = [Int]()
        for _ in 0..<count {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw KernelError(.launchFailed, "Could not open a socket to pick a port.") }
            sockets.append(fd)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                    bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
                }
            }
            guard bound else { throw KernelError(.launchFailed, "Could not bind a loopback port for the kernel.") }
            ports.append(Int(UInt16(bigEndian: address.sin_port)))
        }
        return ports
    }
}
