import CLibSSH2

#if canImport(Glibc)
import Glibc
#endif

/// One libssh2 session and the socket under it, in non-blocking mode.
///
/// Not Sendable: a session belongs to the one thread or task that made it (libssh2 is not
/// safe across threads for one session, and frees channels of one session from one thread
/// only). Every wait is a poll() on the socket in the direction libssh2 is blocked on,
/// bounded by the caller's deadline.
final class Session {
    let raw: OpaquePointer
    let socket: Int32
    let label: String
    private var handshaken = false

    /// Takes ownership of `socket`: it is closed with the session, or now if this throws.
    init(socket: Int32, label: String) throws(SSHError) {
        guard LibSSH2.ready, let raw = triage_session_init() else {
            close(socket)
            throw SSHError(host: label, phase: .handshake, code: .protocolFailure, "libssh2 could not start a session")
        }
        self.raw = raw
        self.socket = socket
        self.label = label
        libssh2_session_set_blocking(raw, 0)
    }

    deinit {
        if handshaken {
            let deadline = Deadline(after: .milliseconds(200))
            _ = retry(until: deadline) { triage_session_disconnect(raw, "Triage: done") }
        }
        // With the socket shut down no libssh2 call below can block or wait for the peer.
        shutdown(socket, Int32(SHUT_RDWR))
        libssh2_session_set_blocking(raw, 1)
        libssh2_session_free(raw)
        close(socket)
    }

    var lastError: String { String(cString: triage_last_error(raw)) }
    var lastErrno: Int32 { libssh2_session_last_errno(raw) }

    // MARK: - Waiting

    /// Blocks until the socket is ready in the direction libssh2 last blocked on, or the
    /// deadline passes (false).
    func wait(until deadline: Deadline) -> Bool {
        SocketOptions.armQuickAck(socket)
        let directions = libssh2_session_block_directions(raw)
        var events: Int16 = 0
        if directions & LIBSSH2_SESSION_BLOCK_INBOUND != 0 { events |= Int16(POLLIN) }
        if directions & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0 { events |= Int16(POLLOUT) }
        if events == 0 { events = Int16(POLLIN) }
        var pfd = pollfd(fd: socket, events: events, revents: 0)
        while true {
            let timeout = deadline.remainingMilliseconds
            if timeout == 0 { return false }
            let ready = poll(&pfd, 1, timeout)
            if ready < 0 && errno == EINTR { continue }
            return ready > 0
        }
    }

    /// Calls `body` until it stops answering EAGAIN; nil when the deadline passed first.
    func retry(until deadline: Deadline, _ body: () -> Int32) -> Int32? {
        while true {
            let rc = body()
            if rc != LIBSSH2_ERROR_EAGAIN { return rc }
            if !wait(until: deadline) { return nil }
        }
    }

    enum PointerResult {
        case success(OpaquePointer)
        /// libssh2 refused; `lastError` says why.
        case failure
    }

    /// `retry` for calls that return a pointer, NULL with EAGAIN meaning "not yet".
    func retryPointer(until deadline: Deadline, _ body: () -> OpaquePointer?) -> PointerResult? {
        while true {
            if let pointer = body() { return .success(pointer) }
            if lastErrno != LIBSSH2_ERROR_EAGAIN { return .failure }
            if !wait(until: deadline) { return nil }
        }
    }

    // MARK: - Handshake

    /// Runs the SSH handshake, asking first for host key types that known_hosts already has
    /// for this host, so that a host with several keys offers one we can verify.
    func handshake(preferring knownTypes: [String], deadline: Deadline) throws(SSHError) {
        let supported = LibSSH2.hostKeyAlgorithms
        let order = knownTypes.filter(supported.contains) + supported.filter { !knownTypes.contains($0) }
        libssh2_session_method_pref(raw, LIBSSH2_METHOD_HOSTKEY, order.joined(separator: ","))

        guard let rc = retry(until: deadline, { libssh2_session_handshake(raw, socket) }) else {
            throw SSHError(host: label, phase: .handshake, code: .timedOut,
                           "the server did not complete the SSH handshake within \(deadline.budgetText) (is an SSH server listening there?)")
        }
        guard rc == 0 else {
            let detail = rc == LIBSSH2_ERROR_SOCKET_DISCONNECT || rc == LIBSSH2_ERROR_SOCKET_RECV
                ? "the server closed the connection during the handshake" : lastError
            throw SSHError(host: label, phase: .handshake, code: .protocolFailure, "SSH handshake failed: \(detail)")
        }
        handshaken = true
    }

    /// The key the server proved it holds during the handshake.
    func hostKey() -> HostKey? {
        var length = 0
        var type: Int32 = 0
        guard let pointer = libssh2_session_hostkey(raw, &length, &type), length > 0 else { return nil }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
            HostKey(blob: Array(UnsafeBufferPointer(start: $0, count: length)))
        }
    }
}

/// One libssh2 channel. It holds its session strongly, so the session can never be freed
/// under it, and it is freed on the session's thread like the session itself.
final class Channel {
    let session: Session
    let raw: OpaquePointer

    init(session: Session, raw: OpaquePointer) {
        self.session = session
        self.raw = raw
    }

    deinit {
        let deadline = Deadline(after: .milliseconds(200))
        _ = session.retry(until: deadline) { libssh2_channel_free(raw) }
    }
}
