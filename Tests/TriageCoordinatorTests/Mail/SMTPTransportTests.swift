import Foundation
import TestSupport
import Testing

@testable import TriageAPI
@testable import TriageBoard
@testable import TriageCoordinator
@testable import TriageDomain
@testable import TriageEdge
@testable import TriageMailTransport
@testable import TriageStorage

/// The outgoing mail transports against real counterparts: SMTPTransport against an aiosmtpd
/// sink (Tests/Mail/smtp_sink.py, a child process on a free loopback port) with STARTTLS, AUTH,
/// refusals and a silent server; SendmailTransport against fake sendmail scripts.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct SMTPTransportTests {
    /// LF line ends, lines that start with dots, no line end at the end: what DATA must fix up.
    static let message = Array(
        """
        From: Acme IT <support@triage.test>
        To: ann@customer.test
        Subject: Your ticket #42
        Message-ID: <42.1@triage.test>

        Hello,
        .a line that starts with a dot
        ..and one with two
        .
        the end, without a line end
        """.utf8)

    /// `message` as the sink must have received it: CRLF line ends and a CRLF after the last line.
    static let received = Array(
        (String(decoding: message, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .joined(separator: "\r\n") + "\r\n").utf8)

    static let desk = "support@triage.test"
    static let ann = "ann@customer.test"

    static func settings(
        _ sink: SMTPSink, security: SMTPSettings.Security = .none, caFile: String? = nil,
        username: String? = nil, password: String? = nil, timeout: Duration = .seconds(20)
    ) -> SMTPSettings {
        SMTPSettings(
            host: "127.0.0.1", port: sink.port, security: security, username: username, password: password,
            heloName: "coordinator.triage.test", caFile: caFile, timeout: timeout)
    }

    /// Sends through `transport`: the error, or nil when it delivered.
    static func send(
        _ transport: any MailTransport, _ message: [UInt8] = message, from: String = desk,
        to recipients: [String] = [ann]
    ) async -> MailDeliveryError? {
        do {
            try await transport.send(message, from: from, to: recipients)
            return nil
        } catch {
            return error
        }
    }

    @Test func aPlainDeliveryKeepsTheMessageByteForByteAndTheEnvelope() async throws {
        let sink = try await SMTPSink()
        let error = await Self.send(SMTPTransport(settings: Self.settings(sink)), to: [Self.ann, "bob@customer.test"])
        #expect(error == nil, "\(String(describing: error))")
        let delivered = try sink.message(1)
        #expect(delivered.content == Self.received, "\(String(decoding: delivered.content, as: UTF8.self))")
        #expect(delivered.envelope.mailFrom == Self.desk)
        #expect(delivered.envelope.rcptTos == [Self.ann, "bob@customer.test"])
        #expect(delivered.envelope.messageId == "<42.1@triage.test>")
        #expect(delivered.envelope.tls == false && delivered.envelope.authUser == nil)
        #expect(sink.stop() == 0, "the sink stops cleanly on SIGTERM")
    }

    @Test func aRefusedDataIsTransientAndTheNextTryDelivers() async throws {
        let sink = try await SMTPSink(["--refuse-first", "1"])
        let transport = SMTPTransport(settings: Self.settings(sink))
        let first = await Self.send(transport)
        #expect(first == .transient("the server refused DATA: 451 4.3.0 try later"), "\(String(describing: first))")
        #expect(sink.count == 0)
        let second = await Self.send(transport)
        #expect(second == nil, "\(String(describing: second))")
        #expect(sink.count == 1)
    }

    @Test func refusedRecipientsAreDroppedWhileOthersGetTheMessage() async throws {
        let sink = try await SMTPSink([
            "--refuse-rcpt", "gone@customer.test", "--refuse-rcpt", "left@customer.test",
            "--defer-rcpt", "busy@customer.test",
        ])
        let transport = SMTPTransport(settings: Self.settings(sink))
        let some = await Self.send(transport, to: ["gone@customer.test", Self.ann])
        #expect(some == nil, "\(String(describing: some))")
        #expect(try sink.message(1).envelope.rcptTos == [Self.ann])

        let one = await Self.send(transport, to: ["gone@customer.test"])
        #expect(one == .permanent("the server refused RCPT TO <gone@customer.test>: 550 5.1.1 no such user"), "\(String(describing: one))")
        let all = await Self.send(transport, to: ["gone@customer.test", "left@customer.test"])
        #expect(
            all
                == .permanent(
                    "the server refused every recipient: RCPT TO <gone@customer.test>: 550 5.1.1 no such user; "
                        + "RCPT TO <left@customer.test>: 550 5.1.1 no such user"), "\(String(describing: all))")
        // A 4xx for one recipient: nothing is sent now, the whole message waits.
        let later = await Self.send(transport, to: [Self.ann, "busy@customer.test"])
        #expect(
            later == .transient("the server refused RCPT TO <busy@customer.test>: 450 4.2.1 mailbox busy"),
            "\(String(describing: later))")
        #expect(sink.count == 1)
    }

    @Test func aLargeMessageArrivesWhole() async throws {
        let sink = try await SMTPSink()
        let lines = (0..<20_000).map { index in (index % 7 == 0 ? "." : "") + "line \(index) " + String(repeating: "x", count: 60) }
        let large = Array(("Subject: large\n\n" + lines.joined(separator: "\n")).utf8)
        let error = await Self.send(SMTPTransport(settings: Self.settings(sink)), large)
        #expect(error == nil, "\(String(describing: error))")
        #expect(try sink.message(1).content == Array(("Subject: large\r\n\r\n" + lines.joined(separator: "\r\n") + "\r\n").utf8))
    }

    @Test func nothingListeningIsTransient() async throws {
        let port = try TestSSHD.freePort()
        let settings = SMTPSettings(
            host: "127.0.0.1", port: port, security: .none, heloName: "coordinator.triage.test",
            timeout: .seconds(5))
        let error = await Self.send(SMTPTransport(settings: settings), from: "")
        #expect(error == .transient("cannot connect to 127.0.0.1:\(port): connection refused"), "\(String(describing: error))")
    }

    @Test func aServerThatStopsAnsweringIsTransientWithinTheTimeout() async throws {
        let sink = try await SMTPSink(["--delay-rcpt", "30"])
        let start = ContinuousClock.now
        let error = await Self.send(SMTPTransport(settings: Self.settings(sink, timeout: .seconds(2))))
        #expect(
            error == .transient("no reply from 127.0.0.1:\(sink.port) to RCPT TO <\(Self.ann)> within 2 s"),
            "\(String(describing: error))")
        #expect(ContinuousClock.now - start < .seconds(10))
        #expect(sink.count == 0)
    }

    @Test func starttlsRequiredButNotOfferedIsPermanentAndSendsNothing() async throws {
        let sink = try await SMTPSink()
        let error = await Self.send(SMTPTransport(settings: Self.settings(sink, security: .starttls)))
        #expect(error == .permanent("the server at 127.0.0.1:\(sink.port) does not offer STARTTLS"), "\(String(describing: error))")
        #expect(sink.count == 0)
    }

    @Test func starttlsWithTheServersCADelivers_AndWithoutItIsTransient() async throws {
        let folder = try TempFolder()
        defer { withExtendedLifetime(folder) {} }
        let certificates = try TestCertificates(in: folder, names: "IP:127.0.0.1,DNS:localhost")
        let sink = try await SMTPSink(["--tls-cert", certificates.certificate, "--tls-key", certificates.key])
        let error = await Self.send(SMTPTransport(settings: Self.settings(sink, security: .starttls, caFile: certificates.ca)))
        #expect(error == nil, "\(String(describing: error))")
        let delivered = try sink.message(1)
        #expect(delivered.content == Self.received)
        #expect(delivered.envelope.tls == true)

        // The system's trust store does not know the test CA: the admin fixes it, mail waits.
        let refused = await Self.send(SMTPTransport(settings: Self.settings(sink, security: .starttls)))
        #expect(
            refused?.isTransient == true && refused?.description.contains("certificate is not trusted") == true,
            "\(String(describing: refused))")
        #expect(sink.count == 1)
    }

    @Test func authOverStarttlsDeliversWithTheRightPasswordAndTheWrongOneIsPermanent() async throws {
        let folder = try TempFolder()
        defer { withExtendedLifetime(folder) {} }
        let certificates = try TestCertificates(in: folder, names: "IP:127.0.0.1,DNS:localhost")
        let sink = try await SMTPSink([
            "--tls-cert", certificates.certificate, "--tls-key", certificates.key,
            "--auth", "triage:s3cret pass",
        ])
        func login(_ password: String) -> SMTPTransport {
            SMTPTransport(
                settings: Self.settings(
                    sink, security: .starttls, caFile: certificates.ca,
                    username: "triage", password: password))
        }
        let error = await Self.send(login("s3cret pass"))
        #expect(error == nil, "\(String(describing: error))")
        #expect(try sink.message(1).envelope.authUser == "triage")

        let refused = await Self.send(login("guess"))
        #expect(
            refused?.isTransient == false && refused?.description.contains("the server refused the login of triage: 535") == true,
            "\(String(describing: refused))")
        #expect(sink.count == 1)
    }

    @Test func implicitTLSDelivers() async throws {
        let folder = try TempFolder()
        defer { withExtendedLifetime(folder) {} }
        let certificates = try TestCertificates(in: folder, names: "IP:127.0.0.1,DNS:localhost")
        let sink = try await SMTPSink(["--tls-cert", certificates.certificate, "--tls-key", certificates.key, "--implicit-tls"])
        let error = await Self.send(SMTPTransport(settings: Self.settings(sink, security: .tls, caFile: certificates.ca)))
        #expect(error == nil, "\(String(describing: error))")
        #expect(try sink.message(1).envelope.tls == true)
    }

    @Test func authInPlainTextOnlyToLoopback() async throws {
        let sink = try await SMTPSink(["--auth", "triage:secret"])
        let error = await Self.send(SMTPTransport(settings: Self.settings(sink, username: "triage", password: "secret")))
        #expect(error == nil, "\(String(describing: error))")
        #expect(try sink.message(1).envelope.authUser == "triage")

        let remote = SMTPSettings(host: "192.0.2.1", port: 25, security: .none, username: "triage", password: "secret")
        #expect(!remote.isLoopback && SMTPSettings(host: "localhost").isLoopback && SMTPSettings(host: "127.0.0.1").isLoopback)
        #expect(!remote.description.contains("secret"))
    }

    @Test func dataIsDotStuffedWithCRLFLineEnds() {
        #expect(SMTPMessageData.encode(Array("a\n.b\r\n..c\rd".utf8)) == Array("a\r\n..b\r\n...c\r\nd\r\n.\r\n".utf8))
        #expect(SMTPMessageData.encode(Array("ends\r\n".utf8)) == Array("ends\r\n.\r\n".utf8))
        #expect(SMTPMessageData.encode([]) == Array(".\r\n".utf8))
    }

    @Test func repliesOfSeveralLinesAreOneReplyAndGarbageIsAnError() throws {
        var parser = SMTPReplyParser()
        #expect(try parser.feed(Array("250-sink.test\r\n250-SIZE 1000\r\n25".utf8)).isEmpty)
        #expect(!parser.isIdle)
        let replies = try parser.feed(Array("0 AUTH PLAIN LOGIN\r\n354 go\n".utf8))
        #expect(
            replies == [
                SMTPReply(code: 250, lines: ["sink.test", "SIZE 1000", "AUTH PLAIN LOGIN"]),
                SMTPReply(code: 354, lines: ["go"]),
            ])
        let offered = SMTPExtensions(ehlo: replies[0])
        #expect(offered.sizeLimit == 1000 && offered.authMechanisms == ["PLAIN", "LOGIN"] && !offered.offers("STARTTLS"))
        #expect(throws: SMTPProtocolError.self) { try parser.feed(Array("HTTP/1.1 400 Bad Request\r\n".utf8)) }
    }

    // MARK: sendmail

    /// A fake sendmail: a shell script in `folder` that runs `body`.
    static func fakeSendmail(_ folder: TempFolder, _ name: String, _ body: String) throws -> String {
        let path = folder.path + "/" + name
        try "#!/bin/sh\n\(body)\n".write(toFile: path, atomically: true, encoding: .utf8)
        guard chmod(path, 0o755) == 0 else { throw TestSupportError("chmod \(path)") }
        return path
    }

    @Test func sendmailGetsTheEnvelopeAsArgumentsAndTheMessageOnStdinWithLFLineEnds() async throws {
        let folder = try TempFolder()
        let path = try Self.fakeSendmail(folder, "sendmail", #"printf '%s\n' "$@" > "$0.args"; cat > "$0.stdin"; exit 0"#)
        let error = await Self.send(
            SendmailTransport(path: path), Array("Subject: hi\r\n\r\n.dot\r\nbody\r\n".utf8),
            to: ["-ann@customer.test", "bob@customer.test"])
        #expect(error == nil, "\(String(describing: error))")
        #expect(
            try String(contentsOfFile: path + ".args", encoding: .utf8)
                == "-i\n-f\n\(Self.desk)\n--\n-ann@customer.test\nbob@customer.test\n")
        #expect(try String(contentsOfFile: path + ".stdin", encoding: .utf8) == "Subject: hi\n\n.dot\nbody\n")
    }

    @Test func sendmailsExit75IsTransientAndOtherExitsArePermanent() async throws {
        let folder = try TempFolder()
        let busy = try Self.fakeSendmail(folder, "busy", "echo 'queue file write error' >&2; exit 75")
        let tempfail = await Self.send(SendmailTransport(path: busy), from: "")
        #expect(
            tempfail == .transient("\(busy) cannot take the message now (exit 75, EX_TEMPFAIL): queue file write error"),
            "\(String(describing: tempfail))")

        let unknown = try Self.fakeSendmail(folder, "unknown", "cat > /dev/null; echo 'ann@customer.test... User unknown' >&2; exit 67")
        let refused = await Self.send(SendmailTransport(path: unknown), from: "")
        #expect(
            refused == .permanent("\(unknown) refused the message (exit 67): ann@customer.test... User unknown"),
            "\(String(describing: refused))")

        let missing = folder.path + "/no-such-sendmail"
        #expect(await Self.send(SendmailTransport(path: missing)) == .transient("no sendmail at \(missing)"))

        let hangs = try Self.fakeSendmail(folder, "hangs", "exec sleep 30")
        let start = ContinuousClock.now
        let stuck = await Self.send(SendmailTransport(path: hangs, timeout: .milliseconds(300)))
        #expect(stuck == .transient("\(hangs) did not finish within 300 ms and was killed"), "\(String(describing: stuck))")
        #expect(ContinuousClock.now - start < .seconds(5))
    }
}
