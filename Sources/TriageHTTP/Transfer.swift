import CCurl

/// One request in flight: its libcurl easy handle, the buffers libcurl reads and writes, and the
/// continuation its caller waits on.
///
/// Unchecked Sendable: after `HTTPClient.send` hands it over, the easy handle and the buffers are
/// touched only by the client's loop thread (libcurl calls `receive` there); `continuation` and
/// `cancelled` are read and written only under the client's lock.
final class Transfer: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
    private let maxBody: Int
    private(set) var body: [UInt8] = []
    private(set) var overflowed = false

    var continuation: CheckedContinuation<HTTPResponse, any Error>?
    var cancelled = false

    init(_ request: HTTPRequest, caFile: String?, maxBody: Int) throws(HTTPClientError) {
        guard let handle = curl_easy_init() else { throw HTTPClientError(.failed, "libcurl could not make a transfer") }
        self.handle = handle
        self.maxBody = maxBody
        errorBuffer.initialize(to: 0)
        let millis = max(1, Int(request.timeout.components.seconds * 1000 + request.timeout.components.attoseconds / 1_000_000_000_000_000))
        var failed = CURLE_OK
        func set(_ code: CURLcode) { if failed == CURLE_OK { failed = code } }
        set(triage_curl_set_string(handle, CURLOPT_URL, request.url))
        // Only the web's schemes: a coordinator URL can never make the agent read a file.
        set(triage_curl_set_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"))
        set(triage_curl_set_long(handle, CURLOPT_NOSIGNAL, 1))
        set(triage_curl_set_long(handle, CURLOPT_TIMEOUT_MS, millis))
        set(triage_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT_MS, millis))
        // One request per connection at a time, as a long poll needs; no HTTP/2 multiplexing
        // that would put a collector's many polls and its results on one stream limit.
        set(triage_curl_set_long(handle, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1))
        set(triage_curl_set_long(handle, CURLOPT_TCP_KEEPALIVE, 1))
        set(triage_curl_set_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
        if let caFile { set(triage_curl_set_string(handle, CURLOPT_CAINFO, caFile)) }
        switch request.method {
        case "GET": break
        case "POST": set(triage_curl_set_long(handle, CURLOPT_POST, 1))
        default: set(triage_curl_set_string(handle, CURLOPT_CUSTOMREQUEST, request.method))
        }
        if request.method != "GET" {
            set(triage_curl_set_long(handle, CURLOPT_POSTFIELDSIZE, request.body.count))
            // COPYPOSTFIELDS copies the bytes (their count set just above): the array may go.
            set(request.body.isEmpty ? triage_curl_set_string(handle, CURLOPT_COPYPOSTFIELDS, "")
                : request.body.withUnsafeBytes { triage_curl_set_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress!)) })
        }
        // libcurl would add "Expect: 100-continue" to larger bodies and wait for an answer to it.
        for header in request.headers + [(name: "Expect", value: "")] {
            headerList = curl_slist_append(headerList, "\(header.name): \(header.value)")
        }
        set(triage_curl_set_slist(handle, CURLOPT_HTTPHEADER, headerList))
        set(triage_curl_set_write(handle, receiveCallback))
        set(triage_curl_set_pointer(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(self).toOpaque()))
        if failed != CURLE_OK { throw HTTPClientError(.failed, "cannot set up the request to \(request.url): \(String(cString: curl_easy_strerror(failed)))") }
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    /// A chunk of the answer's body; false stops the transfer (the body is too long).
    fileprivate func receive(_ chunk: UnsafeRawBufferPointer) -> Bool {
        guard body.count + chunk.count <= maxBody else {
            overflowed = true
            return false
        }
        body.append(contentsOf: chunk)
        return true
    }

    /// The outcome of a finished transfer, from its libcurl result.
    func outcome(_ result: CURLcode) -> Result<HTTPResponse, any Error> {
        if result == CURLE_OK {
            var status = 0
            _ = triage_curl_response_code(handle, &status)
            return .success(HTTPResponse(status: status, body: body))
        }
        let detail = errorBuffer.pointee == 0 ? String(cString: curl_easy_strerror(result)) : String(cString: errorBuffer)
        let code: HTTPClientError.Code
        switch result {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: code = .cannotConnect
        case CURLE_OPERATION_TIMEDOUT: code = .timedOut
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CACERT_BADFILE,
             CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_CRL_BADFILE:
            code = .tls
        case CURLE_WRITE_ERROR where overflowed:
            return .failure(HTTPClientError(.tooLarge, "the answer is longer than \(maxBody) bytes"))
        default: code = .failed
        }
        return .failure(HTTPClientError(code, detail))
    }
}

/// libcurl's write callback: `userdata` is the transfer (not retained: the client holds it while active).
private let receiveCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    data, size, count, userdata in
    guard let userdata else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    guard length > 0, let data else { return 0 }
    return transfer.receive(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
}
