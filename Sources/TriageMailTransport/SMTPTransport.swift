import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import TriageDomain

/// Delivers mail to an SMTP server (a smarthost or the organisation's relay), one connection per
/// message: EHLO, STARTTLS or implicit TLS, AUTH, MAIL FROM, RCPT TO, DATA, QUIT.
///
/// 4xx replies, network trouble, timeouts and TLS failures are `.transient`; 5xx replies for the
/// whole message, a missing STARTTLS and a refused login are `.permanent`. Recipients refused
/// with 5xx while others are accepted are logged and dropped: the others get the message.
public struct SMTPTransport: MailTransport {
    public let settings: SMTPSettings
    private let group: any EventLoopGroup
    private let logger: Logger

    public init(
        settings: SMTPSettings, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "triage.mail")
    ) {
        self.settings = settings
        self.group = eventLoopGroup
        self.logger = logger
    }

    @discardableResult
    public func send(_ message: [UInt8], from envelopeFrom: String, to recipients: [String]) async throws(MailDeliveryError) -> [String] {
        try MailEnvelope.check(from: envelopeFrom, to: recipients)
        let name = settings.heloName
        guard !name.isEmpty, name.utf8.count <= 255, !name.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) else {
            throw .permanent("the EHLO name \(MailEnvelope.visible(name)) is not a host name")
        }
        let tls = settings.security == .none ? nil : try makeTLSContext()
        let data = SMTPMessageData.encode(message)
        let connection = try await SMTPConnection.open(
            host: settings.host, port: settings.port, tls: settings.security == .tls ? tls : nil,
            timeout: settings.timeout, group: group)
        let refused: [String]
        do {
            refused = try await converse(
                on: connection, tls: tls, data: data, eightBit: message.contains { $0 >= 0x80 },
                from: envelopeFrom, to: recipients)
        } catch {
            await connection.quit()
            await connection.close()
            throw error
        }
        await connection.quit()
        await connection.close()
        return refused
    }

    private func converse(
        on connection: SMTPConnection, tls: NIOSSLContext?, data: [UInt8], eightBit: Bool,
        from: String, to recipients: [String]
    ) async throws(MailDeliveryError) -> [String] {
        let greeting = try await connection.reply(to: "the greeting")
        guard greeting.code == 220 else { throw greeting.refusal(of: "the connection") }
        var extensions = try await hello(on: connection)
        if settings.security == .starttls, let tls {
            guard extensions.offers("STARTTLS") else { throw .permanent("the server at \(connection.peer) does not offer STARTTLS") }
            let answer = try await connection.command("STARTTLS", step: "STARTTLS")
            guard answer.code == 220 else { throw answer.refusal(of: "STARTTLS") }
            try await connection.startTLS(tls, serverName: SMTPConnection.tlsServerName(settings.host))
            // What the server offered in plain text counts no more (RFC 3207).
            extensions = try await hello(on: connection, step: "EHLO after STARTTLS")
        }
        if let username = settings.username {
            try await authenticate(on: connection, as: username, offered: extensions)
        }
        return try await transaction(on: connection, data: data, eightBit: eightBit, from: from, to: recipients, offered: extensions)
    }

    /// EHLO, or HELO where the server refuses EHLO (then it offers no extensions).
    private func hello(on connection: SMTPConnection, step: String = "EHLO") async throws(MailDeliveryError) -> SMTPExtensions {
        let ehlo = try await connection.command("EHLO \(settings.heloName)", step: step)
        if ehlo.code == 250 { return SMTPExtensions(ehlo: ehlo) }
        guard (500..<600).contains(ehlo.code) else { throw ehlo.refusal(of: step) }
        let helo = try await connection.command("HELO \(settings.heloName)", step: "HELO")
        guard helo.code == 250 else { throw helo.refusal(of: "HELO") }
        return SMTPExtensions()
    }

    /// AUTH PLAIN, or AUTH LOGIN where only that is offered; never in plain text off loopback.
    private func authenticate(
        on connection: SMTPConnection, as username: String,
        offered extensions: SMTPExtensions
    ) async throws(MailDeliveryError) {
        guard connection.isEncrypted || settings.isLoopback else {
            throw .permanent("refusing to send the password of \(username) unencrypted to \(connection.peer) (security is none)")
        }
        let password = settings.password ?? ""
        let mechanisms = extensions.authMechanisms
        let answer: SMTPReply
        if mechanisms.contains("PLAIN") {
            let token = Self.base64("\0\(username)\0\(password)")
            var reply = try await connection.command("AUTH PLAIN \(token)", step: "AUTH PLAIN")
            if reply.code == 334 { reply = try await connection.command(token, step: "AUTH PLAIN") }
            answer = reply
        } else if mechanisms.contains("LOGIN") {
            let start = try await connection.command("AUTH LOGIN", step: "AUTH LOGIN")
            guard start.code == 334 else { throw start.refusal(of: "AUTH LOGIN") }
            let name = try await connection.command(Self.base64(username), step: "AUTH LOGIN")
            guard name.code == 334 else { throw name.refusal(of: "the login of \(username)") }
            answer = try await connection.command(Self.base64(password), step: "AUTH LOGIN")
        } else if mechanisms.isEmpty {
            throw .permanent("the server at \(connection.peer) does not offer AUTH, and a username is set")
        } else {
            let offered = mechanisms.joined(separator: ", ")
            throw .permanent("the server at \(connection.peer) offers AUTH only by \(offered); Triage speaks PLAIN and LOGIN")
        }
        guard answer.code == 235 else { throw answer.refusal(of: "the login of \(username)") }
    }

    /// MAIL FROM, a RCPT TO for each recipient, DATA and the message.
    private func transaction(
        on connection: SMTPConnection, data: [UInt8], eightBit: Bool, from: String, to recipients: [String],
        offered extensions: SMTPExtensions
    ) async throws(MailDeliveryError) -> [String] {
        var parameters = ""
        if let limit = extensions.sizeLimit {
            let size = data.count - 3  // without the closing ".\r\n"
            guard limit == 0 || size <= limit else {
                throw .permanent("the message of \(size) bytes is larger than the limit of \(limit) bytes of \(connection.peer)")
            }
            parameters += " SIZE=\(size)"
        }
        if eightBit && extensions.offers("8BITMIME") { parameters += " BODY=8BITMIME" }
        if ([from] + recipients).contains(where: { $0.utf8.contains { $0 >= 0x80 } }) && extensions.offers("SMTPUTF8") {
            parameters += " SMTPUTF8"
        }
        let mailFrom = "MAIL FROM \(MailEnvelope.visible(from))"
        let sender = try await connection.command("MAIL FROM:<\(from)>\(parameters)", step: mailFrom)
        guard sender.code == 250 else { throw sender.refusal(of: mailFrom) }

        var refused: [String] = []
        for recipient in recipients {
            let step = "RCPT TO \(MailEnvelope.visible(recipient))"
            let answer = try await connection.command("RCPT TO:<\(recipient)>", step: step)
            switch answer.code {
            case 250, 251: continue
            case 500..<600: refused.append("\(step): \(answer)")
            // 4xx: the whole message waits and goes to everyone later (QUIT drops this transaction).
            default: throw answer.refusal(of: step)
            }
        }
        guard refused.count < recipients.count else {
            throw .permanent(
                refused.count == 1
                    ? "the server refused \(refused[0])"
                    : "the server refused every recipient: \(refused.joined(separator: "; "))")
        }
        if !refused.isEmpty {
            logger.warning(
                "mail goes to the other recipients only",
                metadata: ["server": "\(connection.peer)", "refused": "\(refused.joined(separator: "; "))"])
        }

        let go = try await connection.command("DATA", step: "DATA")
        guard go.code == 354 else { throw go.refusal(of: "DATA") }
        if let early = try await connection.writeMessage(data, step: "the message") { throw early.refusal(of: "the message") }
        let done = try await connection.reply(to: "the end of the message")
        connection.endData()
        guard (200..<300).contains(done.code) else { throw done.refusal(of: "the message") }
        return refused
    }

    private func makeTLSContext() throws(MailDeliveryError) -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        if let caFile = settings.caFile { configuration.trustRoots = .file(caFile) }
        configuration.shutdownTimeout = min(TimeAmount(settings.timeout), .seconds(5))
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            let roots = settings.caFile.map { "the trust roots in \($0)" } ?? "the system's trust roots"
            throw .transient("cannot set up TLS for \(settings.host) with \(roots): \(error)")
        }
    }

    private static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
}

/// A message as DATA sends it.
enum SMTPMessageData {
    /// Every line end made CRLF (a bare LF or a bare CR too), a "." doubled at the start of a
    /// line, a CRLF after the last line, then ".\r\n": the end of the data.
    static func encode(_ message: [UInt8]) -> [UInt8] {
        let (cr, lf, dot) = (UInt8(ascii: "\r"), UInt8(ascii: "\n"), UInt8(ascii: "."))
        var out: [UInt8] = []
        out.reserveCapacity(message.count + message.count / 40 + 5)
        var atLineStart = true
        var index = message.startIndex
        while index < message.endIndex {
            let byte = message[index]
            if byte == cr || byte == lf {
                out += [cr, lf]
                if byte == cr, message.index(after: index) < message.endIndex, message[message.index(after: index)] == lf {
                    index = message.index(after: index)
                }
                atLineStart = true
            } else {
                if atLineStart && byte == dot { out.append(dot) }
                out.append(byte)
                atLineStart = false
            }
            index = message.index(after: index)
        }
        if !atLineStart { out += [cr, lf] }
        out += [dot, cr, lf]
        return out
    }
}
