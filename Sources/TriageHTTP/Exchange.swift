import COpenSSL
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One request and its answer, on a thread of its own: resolve, connect, TLS, send, read — every
/// wait a poll() on the socket and on the request's wake-up descriptor, against one deadline. A
/// request waiting for a long poll's answer is a thread asleep in poll(): no CPU at all.
///
/// Cancellation resumes the caller at once (from the cancelling task, which only takes the
/// continuation under a lock and writes to an eventfd) and wakes the thread, which closes the
/// connection and ends. Unchecked Sendable: `state` is the only shared state; the rest belongs to
/// the request's thread.
final class Exchange: @unchecked Sendable {
    private let request: HTTPRequest
    private let target: HTTPTarget
    private let configuration: HTTPClient.Configuration
    private let tls: TLSContext
    private let wake: Int32
    private let state = Mutex<(continuation: CheckedContinuation<HTTPResponse, any Error>?, cancelled: Bool, thread: Int32?)>(
        (nil, false, nil))

    init(_ request: HTTPRequest, target: HTTPTarget, configuration: HTTPClient.Configuration, tls: TLSContext) throws(HTTPClientError) {
        let wake = triage_eventfd()
        guard wake >= 0 else { throw HTTPClientError(.failed, "cannot make an eventfd: \(String(cString: strerror(errno)))") }
        self.request = request
        self.target = target
        self.configuration = configuration
        self.tls = tls
        self.wake = wake
    }

    deinit { close(wake) }

    /// The request's thread while it runs.
    var thread: Int32? { state.withLock { $0.thread } }

    func start(_ continuation: CheckedContinuation<HTTPResponse, any Error>) {
        let cancelled = state.withLock { state in
            if !state.cancelled { state.continuation = continuation }
            return state.cancelled
        }
        if cancelled { return continuation.resume(throwing: CancellationError()) }
        startThread {
            self.state.withLock { $0.thread = triage_thread_id() }
            let outcome = Result { () throws(any Error) -> HTTPResponse in try self.perform() }
            self.state.withLock { $0.thread = nil }
            self.finish(outcome)
        }
    }

    /// From the cancelled task's cancellation handler: resumes its caller and wakes the thread; never waits.
    func cancel() {
        let continuation = state.withLock { state in
            state.cancelled = true
            defer { state.continuation = nil }
            return state.continuation
        }
        var one: UInt64 = 1
        _ = write(wake, &one, 8)
        continuation?.resume(throwing: CancellationError())
    }

    private func finish(_ outcome: Result<HTTPResponse, any Error>) {
        let continuation = state.withLock { state in
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume(with: outcome)
    }

    // MARK: The exchange, on the request's thread

    private func perform() throws -> HTTPResponse {
        let deadline = ContinuousClock.now.advanced(by: request.timeout)
        let socket = try connect(deadline: deadline)
        defer { close(socket) }
        let session = target.secure ? try TLSConnection(context: tls.context(), socket: socket, host: target.host) : nil
        if let session {
            while true {
                switch try session.handshake() {
                case .done, .closed: break
                case .wantRead:
                    try wait(socket, for: POLLIN, until: deadline, doing: "TLS handshake")
                    continue
                case .wantWrite:
                    try wait(socket, for: POLLOUT, until: deadline, doing: "TLS handshake")
                    continue
                }
                break
            }
        }
        // Sending and reading go on together: a server may answer before it has taken the whole
        // body (413 from a coordinator whose limit a report passes) and close the connection, and
        // that answer is what counts, not the broken pipe the rest of the body meets.
        let bytes = head() + request.body
        var sent = 0
        var sendFailure: (any Error)?
        var parser = ResponseParser(maxBody: configuration.maxBody)
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            var wanted: Int32 = 0
            var progressed = false
            if sent < bytes.count && sendFailure == nil {
                do {
                    switch try sendSome(bytes[sent...], socket: socket, session: session) {
                    case .done(let n):
                        sent += n
                        progressed = true
                    case .wantRead: wanted |= POLLIN
                    case .wantWrite: wanted |= POLLOUT
                    case .closed: sendFailure = HTTPClientError(.failed, "the server closed the connection while the request was sent")
                    }
                } catch {
                    sendFailure = error
                }
            }
            let read: TLSConnection.Progress
            do {
                read = try receive(into: &buffer, socket: socket, session: session)
            } catch {
                throw sendFailure ?? error
            }
            switch read {
            case .done(let n):
                if case .complete(let response) = try parser.feed(buffer[..<n]) { return response }
                progressed = true
            case .closed:
                do { return try parser.end() } catch { throw sendFailure ?? error }
            case .wantRead: wanted |= POLLIN
            case .wantWrite: wanted |= POLLOUT
            }
            if !progressed {
                try wait(
                    socket, for: wanted, until: deadline,
                    doing: sent < bytes.count && sendFailure == nil ? "sending" : "waiting for the answer")
            }
        }
    }

    /// Writes what it can of `bytes` now.
    private func sendSome(_ bytes: ArraySlice<UInt8>, socket: Int32, session: TLSConnection?) throws -> TLSConnection.Progress {
        if let session {
            return try bytes.withUnsafeBytes { (chunk) throws(HTTPClientError) in try session.write(chunk) }
        }
        let n = bytes.withUnsafeBytes { send(socket, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
        if n >= 0 { return .done(n) }
        if errno == EAGAIN || errno == EINTR { return .wantWrite }
        throw HTTPClientError(.failed, "the connection broke while the request was sent: \(String(cString: strerror(errno)))")
    }

    /// Reads what has come, into `buffer`.
    private func receive(into buffer: inout [UInt8], socket: Int32, session: TLSConnection?) throws -> TLSConnection.Progress {
        if let session {
            return try buffer.withUnsafeMutableBytes { (all) throws(HTTPClientError) in try session.read(into: all) }
        }
        let n = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        if n > 0 { return .done(n) }
        if n == 0 { return .closed }
        if errno == EAGAIN || errno == EINTR { return .wantRead }
        throw HTTPClientError(.failed, "the connection broke while waiting for the answer: \(String(cString: strerror(errno)))")
    }

    /// The request line and headers: one request per connection (`Connection: close`).
    private func head() -> [UInt8] {
        var text = "\(request.method) \(target.path) HTTP/1.1\r\nHost: \(target.hostHeader)\r\nConnection: close\r\n"
        if request.method != "GET" || !request.body.isEmpty { text += "Content-Length: \(request.body.count)\r\n" }
        for header in request.headers { text += "\(header.name): \(header.value)\r\n" }
        return Array((text + "\r\n").utf8)
    }

    /// A connected non-blocking socket to one of the host's addresses, tried in order.
    private func connect(deadline: ContinuousClock.Instant) throws -> Int32 {
        let addresses = try resolve(deadline: deadline)
        var reasons: [String] = []
        for address in addresses {
            let socket = Glibc.socket(
                address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard socket >= 0 else { continue }
            var yes: Int32 = 1
            setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
            setsockopt(socket, SOL_SOCKET, SO_KEEPALIVE, &yes, socklen_t(MemoryLayout<Int32>.size))
            let rc = address.bytes.withUnsafeBytes {
                Glibc.connect(socket, $0.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t($0.count))
            }
            if rc == 0 || errno == EINPROGRESS {
                do {
                    if rc != 0 { try wait(socket, for: POLLOUT, until: deadline, doing: "connecting") }
                    var error: Int32 = 0
                    var length = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(socket, SOL_SOCKET, SO_ERROR, &error, &length)
                    if error == 0 { return socket }
                    reasons.append(String(cString: strerror(error)))
                } catch {
                    close(socket)
                    throw error
                }
            } else {
                reasons.append(String(cString: strerror(errno)))
            }
            close(socket)
        }
        throw HTTPClientError(
            .cannotConnect,
            "cannot connect to \(target.host) port \(target.port): "
                + (reasons.isEmpty ? "no address" : Array(Set(reasons)).sorted().joined(separator: "; ")))
    }

    private struct Address: Sendable {
        let family: Int32
        let bytes: [UInt8]
    }

    /// The host's addresses: at once for a numeric one, else from getaddrinfo on a thread of its
    /// own, waited for like a socket (a resolver that does not answer costs the timeout, no more).
    private func resolve(deadline: ContinuousClock.Instant) throws -> [Address] {
        if case .success(let numeric)? = Self.lookup(target.host, target.port, flags: AI_NUMERICHOST) { return numeric }
        let answer = Resolution()
        let (host, port) = (target.host, target.port)
        startThread { answer.set(Self.lookup(host, port, flags: 0) ?? .failure("no answer")) }
        try wait(answer.ready, for: POLLIN, until: deadline, doing: "resolving \(host)")
        switch answer.result {
        case .success(let addresses): return addresses
        case .failure(let reason): throw HTTPClientError(.cannotConnect, "cannot resolve \(host): \(reason)")
        case nil: throw HTTPClientError(.cannotConnect, "cannot resolve \(host)")
        }
    }

    private enum Lookup: Sendable {
        case success([Address])
        case failure(String)
    }

    private static func lookup(_ host: String, _ port: Int, flags: Int32) -> Lookup? {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = flags
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0 else { return flags == AI_NUMERICHOST ? nil : .failure(String(cString: gai_strerror(rc))) }
        defer { freeaddrinfo(list) }
        var addresses: [Address] = []
        var entry = list
        while let current = entry {
            if let address = current.pointee.ai_addr {
                addresses.append(
                    Address(
                        family: current.pointee.ai_family,
                        bytes: Array(UnsafeRawBufferPointer(start: address, count: Int(current.pointee.ai_addrlen)))))
            }
            entry = current.pointee.ai_next
        }
        return .success(addresses)
    }

    /// A lookup's result, handed from its thread through an eventfd.
    private final class Resolution: @unchecked Sendable {
        let ready = triage_eventfd()
        private let value = Mutex<Lookup?>(nil)
        var result: Lookup? { value.withLock { $0 } }

        deinit { close(ready) }

        func set(_ lookup: Lookup) {
            value.withLock { $0 = lookup }
            var one: UInt64 = 1
            _ = write(ready, &one, 8)
        }
    }

    /// "10 s", "0.8 s": a timeout as messages say it.
    static func seconds(_ duration: Duration) -> String {
        let millis = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return millis % 1000 == 0 ? "\(millis / 1000) s" : "\(Double(millis) / 1000) s"
    }

    /// Waits until `fd` is ready for `events`; throws at the deadline (`timedOut`) or when the
    /// request is cancelled.
    private func wait(_ fd: Int32, for events: Int32, until deadline: ContinuousClock.Instant, doing: String) throws {
        while true {
            let left = ContinuousClock.now.duration(to: deadline)
            if left <= .zero {
                throw HTTPClientError(
                    .timedOut, "no answer from \(target.host) port \(target.port) within \(Self.seconds(request.timeout)) (\(doing))")
            }
            var fds = [pollfd(fd: fd, events: Int16(events), revents: 0), pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
            let millis = Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
            let rc = poll(&fds, 2, millis)
            if rc < 0 && errno != EINTR { throw HTTPClientError(.failed, "poll failed: \(String(cString: strerror(errno)))") }
            if fds[1].revents != 0 { throw CancellationError() }
            if fds[0].revents != 0 { return }
        }
    }
}

/// A detached thread running `body`, named for top.
func startThread(_ body: @escaping @Sendable () -> Void) {
    final class Box: @unchecked Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    defer { pthread_attr_destroy(&attributes) }
    pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
    pthread_attr_setstacksize(&attributes, 512 << 10)
    var thread = pthread_t()
    let box = Unmanaged.passRetained(Box(body)).toOpaque()
    let started = pthread_create(
        &thread, &attributes,
        { argument in
            triage_name_thread("triage-http")
            Unmanaged<Box>.fromOpaque(argument!).takeRetainedValue().body()
            return nil
        }, box)
    precondition(started == 0, "cannot start a thread for an HTTP request: error \(started)")
}
