import Hummingbird
import HummingbirdWebSocket
import JupyterProtocol
import Kernels
import Metrics
import NIOCore

/// `GET /spin/v1/kernels/{id}/journal?after=N&limit=M`: the kernel's
/// journaled messages after `N`, oldest first, as a JSON array of Jupyter
/// messages with `channel` — also for kernels that no longer run.
struct JournalRoutes {
    let services: ExecutorServices
    /// A page stops growing past this many message bytes (one record at least).
    static let pageBytes = 16 << 20

    func register(on router: Router<BasicWebSocketRequestContext>) {
        router.get("spin/v1/kernels/:id/journal") { request, context in
            let id = try context.parameters.require("id")
            let query = try JournalQuery(request.uri.queryParameters)
            guard let journal = services.journal else {
                throw APIError(.notFound, "journal_disabled", "The output journal is turned off (SPIN_JOURNAL=off).")
            }
            Counter(label: "spin_journal_catchup_requests_total", dimensions: [("transport", "http")]).increment()
            guard let records = journal.read(id, after: query.after, limit: query.limit, maxBytes: Self.pageBytes) else {
                throw APIError(.notFound, KernelError.Code.noSuchKernel.rawValue, "No kernel with id '\(id.prefix(64))' has a journal.")
            }
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: Self.encode(records)))
            )
        }
    }

    static func encode(_ records: [JournalRecord]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(records.reduce(2) { $0 + $1.message.byteCount + 200 })
        for (index, record) in records.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out += WebSocketJSONForm.encodeDocument(channel: record.channel, record.message)
        }
        out.append(UInt8(ascii: "]"))
        return UTF8Repair.repaired(out)
    }
}
