import CCurl

/// One curl easy handle with the header list and error buffer it owns.
/// Used by one thread; `close()` frees everything.
final class CurlEasy {
    let handle: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>

    init?() {
        guard CurlLibrary.ensureInitialized(), let handle = curl_easy_init() else { return nil }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        _ = spin_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
    }

    func close() {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    /// libcurl's detail for the last failure ("SSL certificate problem: …"), or "".
    var errorText: String { String(cString: errorBuffer) }

    // MARK: Options; a refused option is a programming error or an old libcurl.

    struct OptionRefused: Error {
        let option: CURLoption
        let code: CURLcode
    }

    func set(_ option: CURLoption, _ value: Int) throws(OptionRefused) {
        try check(option, spin_curl_setopt_long(handle, option, value))
    }

    func set(_ option: CURLoption, _ value: String?) throws(OptionRefused) {
        let code = value.map { spin_curl_setopt_string(handle, option, $0) } ?? spin_curl_setopt_string(handle, option, nil)
        try check(option, code)
    }

    func set(_ option: CURLoption, large value: Int64) throws(OptionRefused) {
        try check(option, spin_curl_setopt_off_t(handle, option, curl_off_t(value)))
    }

    func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) throws(OptionRefused) {
        try check(option, spin_curl_setopt_pointer(handle, option, value))
    }

    func set(_ option: CURLoption, callback value: spin_curl_data_callback) throws(OptionRefused) {
        try check(option, spin_curl_setopt_callback(handle, option, value))
    }

    /// Replaces the request header list (`CURLOPT_HTTPHEADER`).
    func setHeaders(_ lines: [String]) throws(OptionRefused) {
        var list: UnsafeMutablePointer<curl_slist>?
        for line in lines {
            guard let longer = curl_slist_append(list, line) else {
                curl_slist_free_all(list)
                throw OptionRefused(option: CURLOPT_HTTPHEADER, code: CURLE_OUT_OF_MEMORY)
            }
            list = longer
        }
        curl_slist_free_all(headerList)
        headerList = list
        try check(CURLOPT_HTTPHEADER, spin_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, list))
    }

    private func check(_ option: CURLoption, _ code: CURLcode) throws(OptionRefused) {
        guard code == CURLE_OK else { throw OptionRefused(option: option, code: code) }
    }

    // MARK: Info

    func long(_ info: CURLINFO) -> Int {
        var value = 0
        return spin_curl_getinfo_long(handle, info, &value) == CURLE_OK ? value : 0
    }

    func string(_ info: CURLINFO) -> String {
        var value: UnsafePointer<CChar>?
        guard spin_curl_getinfo_string(handle, info, &value) == CURLE_OK, let value else { return "" }
        return String(cString: value)
    }

    func large(_ info: CURLINFO) -> Int64 {
        var value: curl_off_t = 0
        return spin_curl_getinfo_off_t(handle, info, &value) == CURLE_OK ? Int64(value) : 0
    }
}
