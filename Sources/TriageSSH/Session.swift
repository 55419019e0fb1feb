import CLibSSH2

#if canImport(Glibc)
    import Glibc
#endif

/// One libssh2 session and the socket under it, in non-blocking mode.
///
/// Not Sendable: a session belongs to the one thread or task that made it (libssh2 is not
/// safe across threads for one session, and frees channels of one session from one thread
/// only). Every wait is for the socket in the direction libssh2 is blocked on, bounded by the
/// caller's deadline: a suspension on an event loop, or a poll() elsewhere.
final class Session {
    let raw: OpaquePointer
    let socket: Int32
    let label: String
    private var handshaken = false
    /// Runs after the socket is closed (a ProxyJump tunnel waits for its pump there).
    var afterClose: (() -> Void)?

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
            _ = retryBlocking(until: deadline) { triage_session_disconnect(raw, "Triage: done") }
        }
        // With the socket shut down no libssh2 call below can block or wait for the peer.
        shutdown(socket, Int32(SHUT_RDWR))
        libssh2_session_set_blocking(raw, 1)
        libssh2_session_free(raw)
        close(socket)
        afterClose?()
    }

    var lastError: String { String(cString: triage_last_error(raw)) }
    var lastErrno: Int32 { libssh2_session_last_errno(raw) }

    // MARK: - Waiting

    /// Waits until the socket is ready in the direction libssh2 last blocked on, or the
    /// deadline passes (false). On an event loop the task suspends; see `EventLoop.wait`.
    func wait(until deadline: Deadline) async -> Bool {
        SocketOptions.armQuickAck(socket)
        return await EventLoop.wait(fd: socket, events: blockedEvents, until: deadline)
    }

    /// The poll() events for the direction libssh2 last blocked on.
    private var blockedEvents: Int16 {
        let directions = libssh2_session_block_directions(raw)
        var events: Int16 = 0
        if directions & LIBSSH2_SESSION_BLOCK_INBOUND != 0 { events |= Int16(POLLIN) }
        if directions & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0 { events |= Int16(POLLOUT) }
        return events == 0 ? Int16(POLLIN) : events
    }

    /// `retry` for teardown in deinit, which cannot suspend: a plain poll() on the socket.
    func retryBlocking(until deadline: Deadline, _ body: () -> Int32) -> Int32? {
        while true {
            let rc = body()
            if rc != LIBSSH2_ERROR_EAGAIN { return rc }
            if !EventLoop.blockingWait(fd: socket, events: blockedEvents, until: deadline) { return nil }
        }
    }

    /// Calls `body` until it stops answering EAGAIN; nil when the deadline passed first.
    func retry(until deadline: Deadline, _ body: () -> Int32) async -> Int32? {
        while true {
            let rc = body()
            if rc != LIBSSH2_ERROR_EAGAIN { return rc }
            if await !wait(until: deadline) { return nil }
        }
    }

    enum PointerResult {
        case success(OpaquePointer)
        /// libssh2 refused; `lastError` says why.
        case failure
    }

    /// `retry` for calls that return a pointer, NULL with EAGAIN meaning "not yet".
    func retryPointer(until deadline: Deadline, _ body: () -> OpaquePointer?) async -> PointerResult? {
        while true {
            if let pointer = body() { return .success(pointer) }
            if lastErrno != LIBSSH2_ERROR_EAGAIN { return .failure }
            if await !wait(until: deadline) { return nil }
        }
    }

    // MARK: - Handshake

    /// Runs the SSH handshake, asking first for host key types that known_hosts already has
    /// for this host, so that a host with several keys offers one we can verify.
    func handshake(preferring knownTypes: [String], deadline: Deadline) async throws(SSHError) {
        let supported = LibSSH2.hostKeyAlgorithms
        let order = knownTypes.filter(supported.contains) + supported.filter { !knownTypes.contains($0) }
        libssh2_session_method_pref(raw, LIBSSH2_METHOD_HOSTKEY, order.joined(separator: ","))

        guard let rc = await retry(until: deadline, { libssh2_session_handshake(raw, socket) }) else {
            throw SSHError(
                host: label, phase: .handshake, code: .timedOut,
                "the server did not complete the SSH handshake within \(deadline.budgetText) (is an SSH server listening there?)")
        }
        guard rc == 0 else {
            let detail =
                rc == LIBSSH2_ERROR_SOCKET_DISCONNECT || rc == LIBSSH2_ERROR_SOCKET_RECV
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
        _ = session.retryBlocking(until: deadline) { libssh2_channel_free(raw) }
    }
}
