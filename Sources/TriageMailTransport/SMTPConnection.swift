import NIOCore
import NIOPosix
import NIOSSL
import Synchronization
import TriageDomain

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One SMTP connection: its channel, the replies coming in on it, and every step bounded by the
/// timeout. Used by one task at a time; every failure comes out as a `MailDeliveryError`.
final class SMTPConnection {
    private let channel: any Channel
    private var replies: AsyncThrowingStream<SMTPReply, any Error>.AsyncIterator
    private let timeout: Duration
    /// "mail.example.net:587", for the error messages.
    let peer: String
    /// TLS protects the connection (implicit TLS, or after STARTTLS).
    private(set) var isEncrypted: Bool
    /// How many replies the session has read (STARTTLS compares it with the handler's count).
    private var consumed = 0
    /// While the message's bytes go out, a QUIT would be read as part of it.
    private var inData = false

    private init(_ opened: Opened, timeout: Duration, peer: String, encrypted: Bool) {
        channel = opened.channel
        replies = opened.replies.makeAsyncIterator()
        self.timeout = timeout
        self.peer = peer
        isEncrypted = encrypted
    }

    private struct Opened: Sendable {
        let channel: any Channel
        let replies: AsyncThrowingStream<SMTPReply, any Error>
    }

    /// Connects, with TLS from the first byte when `tls` is given (port 465).
    static func open(
        host: String, port: Int, tls: NIOSSLContext?, timeout: Duration,
        group: any EventLoopGroup
    ) async throws(MailDeliveryError) -> SMTPConnection {
        let peer = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        let serverName = tlsServerName(host)
        guard let bootstrap = ClientBootstrap(validatingGroup: group) else {
            throw .permanent("cannot connect to \(peer): the event loop group is not one of NIOPosix")
        }
        do {
            let opened =
                try await bootstrap
                .connectTimeout(TimeAmount(timeout))
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connect(host: host, port: port) { channel in
                    // Every connection attempt (Happy Eyeballs may make several) has a stream of its own.
                    channel.eventLoop.makeCompletedFuture {
                        let (stream, continuation) = AsyncThrowingStream.makeStream(
                            of: SMTPReply.self, throwing: (any Error).self,
                            bufferingPolicy: .bufferingOldest(8))
                        if let tls {
                            try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName))
                        }
                        try channel.pipeline.syncOperations.addHandler(SMTPReplyHandler(replies: continuation))
                        return Opened(channel: channel, replies: stream)
                    }
                }
            return SMTPConnection(opened, timeout: timeout, peer: peer, encrypted: tls != nil)
        } catch {
            throw .transient("cannot connect to \(peer): \(words(error))")
        }
    }

    /// The name TLS sends (SNI) and checks the certificate against; nil for an IP address,
    /// whose certificate NIOSSL checks against the address connected to.
    static func tlsServerName(_ host: String) -> String? {
        (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
    }

    /// The next reply; `step` names what it answers, for the error messages.
    func reply(to step: String) async throws(MailDeliveryError) -> SMTPReply {
        try await bounded(step) { try await self.nextReply() }
    }

    /// Sends one command line and reads its reply.
    func command(_ line: String, step: String) async throws(MailDeliveryError) -> SMTPReply {
        let channel = self.channel
        return try await bounded(step) {
            // A write that fails is not the story: the reply stream tells why the connection
            // broke (a reset, a TLS alert, a 421 just before the close).
            try? await channel.writeAndFlush(ByteBuffer(string: line + "\r\n"))
            return try await self.nextReply()
        }
    }

    /// Writes the message's bytes (already dot-stuffed and ended), each chunk bounded by the
    /// timeout. A reply here means the server broke off, and says why.
    func writeMessage(_ bytes: [UInt8], step: String) async throws(MailDeliveryError) -> SMTPReply? {
        let channel = self.channel
        let chunk = 64 * 1024
        inData = true
        var start = 0
        while start < bytes.count {
            let piece = ByteBuffer(bytes: bytes[start..<min(start + chunk, bytes.count)])
            let early: SMTPReply? = try await bounded(step) {
                do {
                    try await channel.writeAndFlush(piece)
                    return nil
                } catch {
                    return try await self.nextReply()
                }
            }
            if let early { return early }
            start += chunk
        }
        return nil
    }

    /// After the server's 220 to STARTTLS: TLS goes in front of everything, checking the
    /// certificate against `serverName` (or the address when nil).
    func startTLS(_ context: NIOSSLContext, serverName: String?) async throws(MailDeliveryError) {
        let channel = self.channel
        let consumed = self.consumed
        try await bounded("STARTTLS") {
            try await channel.eventLoop.submit {
                let handler = try channel.pipeline.syncOperations.handler(type: SMTPReplyHandler.self)
                // Plain text sent behind the 220 would pass for the server's words under TLS.
                guard handler.delivered == consumed, handler.isIdle else {
                    throw SMTPProtocolError("the server sent more after agreeing to STARTTLS")
                }
                try channel.pipeline.syncOperations.addHandler(
                    NIOSSLClientHandler(context: context, serverHostname: serverName),
                    position: .first)
            }.get()
        }
        isEncrypted = true
    }

    /// QUIT where the connection can still take it; its failures do not matter any more.
    func quit() async {
        guard !inData, channel.isActive else { return }
        _ = try? await command("QUIT", step: "QUIT")
    }

    func close() async {
        try? await channel.close()
    }

    /// The message's bytes are all out and the server answered them.
    func endData() { inData = false }

    private func nextReply() async throws -> SMTPReply {
        guard let reply = try await replies.next() else { throw ConnectionClosed() }
        consumed += 1
        return reply
    }

    private struct ConnectionClosed: Error {}

    /// Runs one step: past the timeout (or on cancellation) the channel closes, which ends
    /// whatever the step waits for; any error is told as what happened in `step`.
    private func bounded<T>(_ step: String, _ body: () async throws -> T) async throws(MailDeliveryError) -> T {
        let channel = self.channel
        let expired = Expiry()
        let timer = channel.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
            expired.fire()
            channel.close(promise: nil)
        }
        defer { timer.cancel() }
        do {
            return try await withTaskCancellationHandler {
                try await body()
            } onCancel: {
                channel.close(promise: nil)
            }
        } catch {
            if expired.fired { throw .transient("no reply from \(peer) to \(step) within \(timeout.inWords)") }
            if Task.isCancelled || error is CancellationError { throw .transient("the delivery to \(peer) was cancelled during \(step)") }
            if error is ConnectionClosed || (error as? NIOSSLError) == .uncleanShutdown {
                throw .transient("\(peer) closed the connection during \(step)")
            }
            throw .transient("the connection to \(peer) failed during \(step): \(Self.words(error))")
        }
    }

    /// Whether a step's timer went off.
    private final class Expiry: Sendable {
        private let state = Mutex(false)
        func fire() { state.withLock { $0 = true } }
        var fired: Bool { state.withLock { $0 } }
    }

    /// An error of the network or of TLS in words.
    static func words(_ error: any Error) -> String {
        switch error {
        case let error as IOError:
            return String(cString: strerror(error.errnoCode)).lowercased()
        case let error as NIOConnectionError:
            if let dns = error.dnsAError ?? error.dnsAAAAError { return "cannot resolve \(error.host): \(words(dns))" }
            if error.connectionErrors.count == 1 { return words(error.connectionErrors[0].error) }
            let attempts = error.connectionErrors.map { "\($0.target.ipAddress ?? "\($0.target)"): \(words($0.error))" }
            return attempts.isEmpty ? "\(error)" : attempts.joined(separator: "; ")
        case ChannelError.connectTimeout(let amount):
            return "no connection within \(Duration(amount).inWords)"
        case let error as NIOSSLExtraError where error == .failedToValidateHostname:
            return "TLS: the server's certificate does not name the host or address connected to (\(error))"
        case let error as NIOSSLError:
            if case .handshakeFailed(let detail) = error, "\(detail)".contains("CERTIFICATE_VERIFY_FAILED") {
                return "TLS: the server's certificate is not trusted (check caFile): \(detail)"
            }
            return "TLS: \(error)"
        case let error as SMTPProtocolError:
            return "the server broke the SMTP protocol: \(error)"
        default:
            return "\(error)"
        }
    }
}
