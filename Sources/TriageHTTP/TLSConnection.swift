import COpenSSL
import Synchronization

/// OpenSSL's client context, made on the first https request (an agent reporting over plain http
/// never loads a certificate store): TLS 1.2 or newer, the peer's certificate checked against the
/// system's store or `caFile`.
///
/// Unchecked Sendable: an SSL_CTX is safe to share between threads once set up; `context` is set
/// once under the lock and never changed.
final class TLSContext: @unchecked Sendable {
    private let caFile: String?
    private let made = Mutex<Result<OpaquePointer, HTTPClientError>?>(nil)

    init(caFile: String?) { self.caFile = caFile }

    deinit {
        if case .success(let context) = made.withLock({ $0 }) { SSL_CTX_free(context) }
    }

    func context() throws(HTTPClientError) -> OpaquePointer {
        try made.withLock { made in
            if made == nil { made = Self.make(caFile: caFile) }
            return made!
        }.get()
    }

    private static func make(caFile: String?) -> Result<OpaquePointer, HTTPClientError> {
        guard let context = SSL_CTX_new(TLS_client_method()) else { return .failure(TLSConnection.error("cannot set up TLS")) }
        _ = triage_ssl_ctx_set_min_tls12(context)
        _ = triage_ssl_ctx_set_options(context)
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        let loaded = caFile.map { SSL_CTX_load_verify_locations(context, $0, nil) } ?? SSL_CTX_set_default_verify_paths(context)
        guard loaded == 1 else {
            SSL_CTX_free(context)
            return .failure(
                TLSConnection.error(caFile.map { "cannot load the CA file \($0)" } ?? "cannot load the system's certificate store"))
        }
        return .success(context)
    }
}

/// One TLS session over a connected non-blocking socket: the handshake with the host name (or IP
/// address) checked against the certificate, then reads and writes. Owned by one request's thread.
final class TLSConnection {
    private let ssl: OpaquePointer
    private let host: String

    /// What an operation needs before it can go on.
    enum Progress {
        case done(Int)
        case wantRead, wantWrite, closed
    }

    init(context: OpaquePointer, socket: Int32, host: String) throws(HTTPClientError) {
        guard let ssl = SSL_new(context) else { throw Self.error("cannot start a TLS session") }
        self.ssl = ssl
        self.host = host
        SSL_set_fd(ssl, socket)
        let isAddress = host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
        if isAddress {
            X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host)
        } else {
            _ = triage_ssl_set_server_name(ssl, host)
            SSL_set1_host(ssl, host)
        }
    }

    deinit {
        SSL_shutdown(ssl)  // a close_notify if the socket takes it now; nothing is waited for
        SSL_free(ssl)
    }

    func handshake() throws(HTTPClientError) -> Progress {
        let rc = SSL_connect(ssl)
        if rc == 1 { return .done(0) }
        switch SSL_get_error(ssl, rc) {
        case SSL_ERROR_WANT_READ: return .wantRead
        case SSL_ERROR_WANT_WRITE: return .wantWrite
        default:
            let verify = SSL_get_verify_result(ssl)
            if verify != X509_V_OK {
                throw HTTPClientError(
                    .tls, "the certificate of \(host) is not trusted: \(String(cString: X509_verify_cert_error_string(verify)))")
            }
            throw Self.error("the TLS handshake with \(host) failed")
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(HTTPClientError) -> Progress {
        var count = 0
        let rc = SSL_read_ex(ssl, buffer.baseAddress, buffer.count, &count)
        if rc == 1 { return .done(count) }
        return try progress(rc, "reading from")
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(HTTPClientError) -> Progress {
        var count = 0
        let rc = SSL_write_ex(ssl, bytes.baseAddress, bytes.count, &count)
        if rc == 1 { return .done(count) }
        return try progress(rc, "writing to")
    }

    private func progress(_ rc: Int32, _ doing: String) throws(HTTPClientError) -> Progress {
        switch SSL_get_error(ssl, rc) {
        case SSL_ERROR_WANT_READ: return .wantRead
        case SSL_ERROR_WANT_WRITE: return .wantWrite
        case SSL_ERROR_ZERO_RETURN: return .closed
        default: throw Self.error("TLS failed \(doing) \(host)")
        }
    }

    /// `message` with what OpenSSL says went wrong, its queue emptied.
    static func error(_ message: String) -> HTTPClientError {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var text = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &text, text.count)
            reasons.append(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return HTTPClientError(.tls, reasons.isEmpty ? message : "\(message): \(reasons.joined(separator: "; "))")
    }
}
