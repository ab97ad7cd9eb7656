import CCurl

extension CurlEasy {
    /// Points the write, header and progress callbacks at `state`, which must
    /// outlive the transfer.
    func install(_ state: CurlTransferState) throws(OptionRefused) {
        let context = Unmanaged.passUnretained(state).toOpaque()
        try set(CURLOPT_WRITEDATA, pointer: context)
        try set(CURLOPT_WRITEFUNCTION, callback: { data, size, count, context in
            let state = Unmanaged<CurlTransferState>.fromOpaque(context!).takeUnretainedValue()
            let total = size * count
            return state.receiveBody(UnsafeRawBufferPointer(start: data, count: total)) ? total : 0
        })
        try set(CURLOPT_HEADERDATA, pointer: context)
        try set(CURLOPT_HEADERFUNCTION, callback: { data, size, count, context in
            let state = Unmanaged<CurlTransferState>.fromOpaque(context!).takeUnretainedValue()
            let total = size * count
            return state.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: total)) ? total : 0
        })
        try set(CURLOPT_XFERINFODATA, pointer: context)
        let code = spin_curl_setopt_xferinfo(handle) { context, _, _, _, _ in
            let state = Unmanaged<CurlTransferState>.fromOpaque(context!).takeUnretainedValue()
            return state.signal.isCancelled ? 1 : 0
        }
        guard code == CURLE_OK else { throw OptionRefused(option: CURLOPT_XFERINFOFUNCTION, code: code) }
        try set(CURLOPT_NOPROGRESS, 0)
    }
}
