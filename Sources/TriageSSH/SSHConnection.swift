#if canImport(Glibc)
    import Glibc
#endif

/// An authenticated SSH connection to one host, ready to run commands one after another.
///
/// Not Sendable: it belongs to the thread or task that opened it. Open as many as you like in
/// parallel: one per thread with the blocking calls, or hundreds per thread as tasks on
/// `EventLoop`s with the async ones.
public final class SSHConnection {
    public let destination: SSHDestination
    /// The key the host proved it holds, already checked against known_hosts.
    public let hostKey: HostKey
    /// The known_hosts line written when accept-new trusted an unknown host, else nil.
    public let addedKnownHostsLine: String?
    private let session: Session
    private let timeouts: SSHTimeouts

    private init(destination: SSHDestination, session: Session, hostKey: HostKey, added: String?, timeouts: SSHTimeouts) {
        self.destination = destination
        self.session = session
        self.hostKey = hostKey
        self.addedKnownHostsLine = added
        self.timeouts = timeouts
    }

    /// Connects (through the jump host when there is one), checks the host key before anything
    /// else is sent, and authenticates. Each phase is bounded by `timeouts`.
    public static func connect(
        to destination: SSHDestination, credentials: SSHCredentials,
        timeouts: SSHTimeouts = SSHTimeouts()
    ) async throws(SSHError) -> SSHConnection {
        let connectTimeout = destination.connectTimeout ?? timeouts.connect
        let label = destination.label
        let socket: Int32
        var tunnel: ProxyTunnel.Tunnel?
        if let jump = destination.jumpHosts.first {
            let bastion = try await connect(to: jump, credentials: credentials, timeouts: timeouts)
            tunnel = try await ProxyTunnel.open(
                through: bastion.session, bastionLabel: jump.label, to: destination.hostName,
                port: destination.port, label: label, deadline: Deadline(after: connectTimeout))
            socket = tunnel!.socket
        } else {
            socket = try await TCPConnector.connect(
                host: destination.hostName, port: destination.port,
                timeout: connectTimeout, label: label)
        }

        let session: Session
        do {
            session = try Session(socket: socket, label: label)
        } catch {
            tunnel?.waitForEnd()  // Session closed the socket: the pump stops
            throw error
        }
        session.afterClose = tunnel.map { tunnel in { tunnel.waitForEnd() } }
        let deadline = Deadline(after: timeouts.authentication)
        let policy = destination.hostKeyPolicy
        let knownHosts = KnownHosts(files: policy.knownHostsFiles)
        try await session.handshake(
            preferring: knownHosts.knownKeyTypes(host: destination.hostName, port: destination.port),
            deadline: deadline)
        guard let key = session.hostKey() else {
            throw SSHError(host: label, phase: .hostKey, code: .protocolFailure, "the server sent no host key")
        }
        let added = try HostKeyCheck.verify(key, destination: destination, knownHosts: knownHosts)
        try await session.authenticate(
            user: destination.user, identityFiles: destination.identityFiles,
            useAgent: destination.useAgent, credentials: credentials, deadline: deadline)
        return SSHConnection(destination: destination, session: session, hostKey: key, added: added, timeouts: timeouts)
    }

    /// Runs one command. Connection-level failures throw; the command's own failure, its
    /// death by a signal and a timeout are all in the result.
    public func run(_ request: ExecRequest) async throws(SSHError) -> ExecResult {
        let started = ContinuousClock.now
        let timeout = request.timeout ?? timeouts.command
        let deadline = timeout.map { Deadline(after: $0) }
        let channel = try await session.openChannel(deadline: deadline ?? Deadline(after: timeouts.authentication))
        return try await channel.exec(request, deadline: deadline, started: started)
    }

    /// `connect` for a caller that is not a task: blocks this thread until it is done.
    public static func connect(
        to destination: SSHDestination, credentials: SSHCredentials,
        timeouts: SSHTimeouts = SSHTimeouts()
    ) throws(SSHError) -> SSHConnection {
        try EventLoop.blocking { () async throws(SSHError) in
            try await connect(to: destination, credentials: credentials, timeouts: timeouts)
        }
    }

    /// `run` for a caller that is not a task: blocks this thread until it is done.
    public func run(_ request: ExecRequest) throws(SSHError) -> ExecResult {
        try EventLoop.blocking { () async throws(SSHError) in try await run(request) }
    }
}

/// The host key decision, made before authentication so that no credential ever goes to an
/// impostor.
enum HostKeyCheck {
    /// Returns the line added under accept-new, nil when the key was already known.
    static func verify(_ key: HostKey, destination: SSHDestination, knownHosts: KnownHosts) throws(SSHError) -> String? {
        let host = destination.hostName
        let port = destination.port
        let name = KnownHosts.name(host: host, port: port)
        let files = knownHosts.files
        func fail(_ code: SSHError.Code, _ message: String) -> SSHError {
            SSHError(host: destination.label, phase: .hostKey, code: code, message)
        }
        switch knownHosts.verdict(for: key, host: host, port: port) {
        case .trusted:
            return nil
        case .revoked(let entry):
            throw fail(
                .hostKeyRevoked, "\(name) offered \(key.summary), which is marked @revoked in \(entry.location); refusing to connect")
        case .changed(let expected):
            let listed = expected.map { "\($0.key.summary) (\($0.location))" }.joined(separator: ", ")
            let file = expected.first?.file ?? files.first ?? "known_hosts"
            throw fail(
                .hostKeyChanged,
                "HOST KEY MISMATCH for \(name): it offered \(key.summary) but known_hosts has \(listed). "
                    + "Someone may be intercepting the connection. If the host was reinstalled, check the new fingerprint "
                    + "out of band and remove the old entry with: ssh-keygen -R '\(name)' -f \(file)")
        case .unknown:
            guard destination.hostKeyPolicy.mode == .acceptNew, let file = files.first else {
                throw fail(
                    .hostKeyUnknown,
                    "\(name) is not in known_hosts (\(files.joined(separator: ", "))); it offered \(key.summary). "
                        + "Check that fingerprint with the host's owner, then connect once with --accept-new "
                        + "(or add the key with ssh-keyscan)")
            }
            do {
                return try KnownHosts.append(key: key, host: host, port: port, to: file)
            } catch {
                throw fail(
                    .knownHostsUnwritable,
                    "cannot record the new host key in \(file): \(error); "
                        + "make it writable or name another file with --known-hosts (UserKnownHostsFile)")
            }
        }
    }
}
