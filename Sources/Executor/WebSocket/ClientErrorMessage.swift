import JupyterProtocol
import Kernels

/// The answer to a malformed or refused client message: a `spin_error`
/// message on iopub, sent to that client only; the socket stays open.
enum ClientErrorMessage {
    static let factory = MessageFactory(session: "spin-executor")

    static func make(for error: any Error, wire: WireProtocol) -> WireProtocol.Frame {
        let (code, text): (String, String) = switch error {
        case let error as ProtocolError: (error.code.description, "The message was not understood: \(error.detail).")
        case let error as KernelError: (error.code.rawValue, error.message)
        default: ("internal_error", "The message could not be delivered to the kernel.")
        }
        let message = factory.make("spin_error", content: ["code": .string(code), "message": .string(text)])
        return wire.encode(.iopub, message)
    }
}
