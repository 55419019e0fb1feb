import CLibSSH2

extension Session {
    /// Public-key authentication: the agent's keys first (unless disabled), then each identity
    /// file that exists. The error lists every key offered and why it failed.
    func authenticate(
        user: String, identityFiles: [String], useAgent: Bool,
        credentials: SSHCredentials, deadline: Deadline
    ) async throws(SSHError) {
        func fail(_ code: SSHError.Code, _ message: String) -> SSHError {
            SSHError(host: label, phase: .auth, code: code, message)
        }
        func timedOut() -> SSHError {
            fail(.timedOut, "authentication as '\(user)' did not finish within \(deadline.budgetText)")
        }

        // Which methods the server offers ("none" may even succeed outright).
        var methods = ""
        while true {
            if let list = libssh2_userauth_list(raw, user, UInt32(user.utf8.count)) {
                methods = String(cString: list)
                break
            }
            if libssh2_userauth_authenticated(raw) != 0 { return }
            guard lastErrno == LIBSSH2_ERROR_EAGAIN else { throw fail(.protocolFailure, "the server ended authentication: \(lastError)") }
            guard await wait(until: deadline) else { throw timedOut() }
        }
        guard methods.split(separator: ",").contains("publickey") else {
            throw fail(.authRejected, "the server does not accept public keys for '\(user)' (it offers: \(methods))")
        }

        var refused: [String] = []
        var notes: [String] = []
        var refusedRSA = false

        if useAgent, let socket = credentials.agentSocket {
            switch try await authenticateWithAgent(user: user, socket: socket, deadline: deadline, refused: &refused) {
            case .success: return
            case .failure(let note): if let note { notes.append(note) }
            }
        }

        for path in identityFiles {
            guard let key = try PrivateKeyFile.load(path, host: label) else { continue }
            var passphrase: String?
            if key.isEncrypted {
                passphrase = credentials.passphrase(path)
                if passphrase == nil {
                    notes.append("\(path) is passphrase-protected and no passphrase was given")
                    continue
                }
            }
            let result =
                if let signer = key.signer {
                    await authenticate(user: user, signer: signer, deadline: deadline)
                } else {
                    await retry(until: deadline) {
                        key.contents.withUnsafeBufferPointer { buffer in
                            buffer.withMemoryRebound(to: CChar.self) {
                                triage_userauth_publickey_frommemory(raw, user, $0.baseAddress, $0.count, passphrase)
                            }
                        }
                    }
                }
            guard let rc = result else { throw timedOut() }
            switch rc {
            case 0:
                return
            case LIBSSH2_ERROR_AUTHENTICATION_FAILED, LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED:
                refused.append(key.summary)
                refusedRSA = refusedRSA || key.isRSA
            case LIBSSH2_ERROR_SOCKET_DISCONNECT, LIBSSH2_ERROR_SOCKET_RECV, LIBSSH2_ERROR_SOCKET_SEND:
                throw fail(
                    .connectionLost,
                    "the server closed the connection after \(refused.count) refused key(s) (MaxAuthTries?): \(refused.joined(separator: ", "))"
                )
            default:
                // Anything else is libssh2 failing to use the key file itself.
                if key.isEncrypted { throw fail(.keyPassphrase, "wrong passphrase for \(path) (libssh2: \(lastError))") }
                throw fail(.keyUnreadable, "libssh2 cannot use \(key.summary): \(lastError)")
            }
        }

        if refusedRSA && !LibSSH2.signsRSAWithSHA2 {
            throw fail(
                .rsaNeedsSHA2,
                "the server refused the RSA key for '\(user)': libssh2 \(LibSSH2.version) signs RSA keys only with ssh-rsa (SHA-1), "
                    + "which OpenSSH 8.8 and newer refuse by default; use an ed25519 or ECDSA key (refused: \(refused.joined(separator: ", ")))"
            )
        }
        var message =
            refused.isEmpty
            ? "no key to offer for '\(user)'"
            : "the server refused every key offered for '\(user)': \(refused.joined(separator: ", "))"
        if refused.isEmpty && notes.isEmpty {
            notes.append("no identity file found (looked for \(identityFiles.joined(separator: ", "))) and no ssh-agent")
        }
        if !notes.isEmpty { message += "; " + notes.joined(separator: "; ") }
        throw fail(.authRejected, message)
    }

    private enum AgentOutcome {
        case success
        case failure(note: String?)
    }

    private func authenticateWithAgent(
        user: String, socket: String, deadline: Deadline,
        refused: inout [String]
    ) async throws(SSHError) -> AgentOutcome {
        guard let agent = libssh2_agent_init(raw) else { return .failure(note: "libssh2 could not start an agent client") }
        defer {
            libssh2_agent_disconnect(agent)
            libssh2_agent_free(agent)
        }
        libssh2_agent_set_identity_path(agent, socket)
        guard libssh2_agent_connect(agent) == 0 else { return .failure(note: "ssh-agent at \(socket) is not reachable") }
        guard libssh2_agent_list_identities(agent) == 0 else { return .failure(note: "ssh-agent at \(socket) did not list its keys") }

        var previous: UnsafeMutablePointer<libssh2_agent_publickey>?
        while true {
            var identity: UnsafeMutablePointer<libssh2_agent_publickey>?
            guard libssh2_agent_get_identity(agent, &identity, previous) == 0, let identity else { break }
            previous = identity
            let blob = Array(UnsafeBufferPointer(start: identity.pointee.blob, count: Int(identity.pointee.blob_len)))
            let comment = identity.pointee.comment.map { String(cString: $0) } ?? ""
            let name = "agent key " + (HostKey(blob: blob)?.summary ?? "?") + (comment.isEmpty ? "" : " (\(comment))")
            guard let rc = await retry(until: deadline, { libssh2_agent_userauth(agent, user, identity) }) else {
                throw SSHError(
                    host: label, phase: .auth, code: .timedOut,
                    "authentication as '\(user)' did not finish within \(deadline.budgetText)")
            }
            if rc == 0 { return .success }
            refused.append(name)
        }
        return .failure(note: refused.isEmpty ? "ssh-agent at \(socket) holds no keys" : nil)
    }
}
