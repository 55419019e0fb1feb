import Crypto
import Foundation
import Testing

@testable import TriageAPI
@testable import TriageBoard
@testable import TriageCoordinator
@testable import TriageDomain
@testable import TriageEdge
@testable import TriageMailTransport
@testable import TriageStorage

/// The mail reader on what arrives broken, huge or automatic: a 30 MiB attachment in linear time,
/// boundaries that never close or never come, garbage, invalid UTF-8, a bounce, an out-of-office,
/// and what is no mail at all.
@Suite struct MIMEBrokenMailTests {

    /// 30 MiB in base64 (≈ 41 MiB of lines): size and SHA-256 equal, parsed in linear time.
    @Test func thirtyMebibyteAttachment() throws {
        let count = 30 << 20
        var payload = [UInt8](repeating: 0, count: count)
        payload.withUnsafeMutableBytes { raw in
            var state: UInt64 = 0x9E37_79B9_7F4A_7C15
            let words = raw.bindMemory(to: UInt64.self)
            for index in words.indices {
                state ^= state << 13
                state ^= state >> 7
                state ^= state << 17
                words[index] = state
            }
        }
        let head = """
            From: Big Sender <big@example.com>
            Subject: Disk image
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="big-boundary"

            --big-boundary
            Content-Type: text/plain; charset=us-ascii

            The image is attached.
            --big-boundary
            Content-Type: application/octet-stream; name="disk.img"
            Content-Disposition: attachment; filename="disk.img"
            Content-Transfer-Encoding: base64


            """
        var raw = MIMEParserTests.bytes(head)
        raw += [UInt8](
            Data(payload).base64EncodedData(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed]))
        raw += MIMEParserTests.bytes("\n--big-boundary--\n")
        let clock = ContinuousClock()
        var parsed: MailMessage?
        let elapsed = try clock.measure { parsed = try MailParser.parse(raw) }
        let message = try #require(parsed)
        #expect(message.text == "The image is attached.")
        #expect(message.attachments.count == 1)
        let file = try #require(message.attachments.first)
        #expect(file.filename == "disk.img")
        #expect(file.contentType == "application/octet-stream")
        #expect(file.data.count == count)
        #expect(Array(SHA256.hash(data: file.data)) == Array(SHA256.hash(data: payload)))
        // Linear: well under a second optimised; a quadratic reader would take hours on 41 MiB.
        #expect(elapsed < .seconds(60), "\(elapsed)")
    }

    @Test func missingClosingBoundaryKeepsWhatWasRead() throws {
        let message = try MIMEParserTests.parse(
            """
            From: a@example.com
            Content-Type: multipart/mixed; boundary="b1"

            --b1
            Content-Type: multipart/alternative; boundary="b2"

            --b2
            Content-Type: text/plain

            First part text.
            --b1
            Content-Type: application/octet-stream; name="data.bin"
            Content-Transfer-Encoding: base64

            AAEC
            AwQF
            """)
        #expect(message.text == "First part text.")
        #expect(message.attachments == [MailPart(filename: "data.bin", contentType: "application/octet-stream", data: [0, 1, 2, 3, 4, 5])])
        #expect(message.problems == ["no closing boundary"])
    }

    @Test func boundaryThatNeverAppears() throws {
        let guessed = try MIMEParserTests.parse(
            """
            From: a@example.com
            Content-Type: multipart/mixed; boundary="declared"

            --actual
            Content-Type: text/plain

            Hello from the real part.
            --actual
            Content-Type: text/plain; name="notes.txt"
            Content-Disposition: attachment

            notes
            --actual--
            """)
        #expect(guessed.text == "Hello from the real part.")
        #expect(guessed.attachments == [MailPart(filename: "notes.txt", contentType: "text/plain", data: Array("notes".utf8))])
        #expect(guessed.problems == ["boundary \"declared\" never appears; used \"actual\" found in the body"])

        let plain = try MIMEParserTests.parse(
            "From: a@example.com\nContent-Type: multipart/mixed; boundary=nowhere\n\nJust text: nothing else.\n")
        #expect(plain.text == "Just text: nothing else.")
        #expect(plain.problems == ["boundary \"nowhere\" never appears; body read as text"])
    }

    @Test func garbageIsNoMailAndBrokenMailDoesNotTrap() throws {
        var generator = MIMESeededGenerator(seed: 42)
        for _ in 0..<50 {
            let garbage = (0..<Int.random(in: 1...2000, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(throws: MailParseError.self) { try MailParser.parse(garbage) }
        }
        // Cut and corrupted copies of real mail: read or refused, never a trap.
        let corpus = [MIMEParserTests.nested, MIMEParserTests.htmlOnly, Self.bounce].map { MIMEParserTests.bytes($0) }
        for _ in 0..<300 {
            var bytes = corpus[Int.random(in: 0..<corpus.count, using: &generator)]
            bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &generator)))
            for _ in 0..<Int.random(in: 0...20, using: &generator) where !bytes.isEmpty {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            _ = try? MailParser.parse(bytes)
        }
        let spaced = try MailParser.parse(Array("From : Old Style <old@example.com>\r\nSubject : obsolete spacing\r\n\r\nx".utf8))
        #expect(spaced.from == MailAddress(name: "Old Style", address: "old@example.com"))
        #expect(spaced.subject == "obsolete spacing")
        let binaryBody = try MailParser.parse(
            MIMEParserTests.message(header: "Content-Type: text/plain", body: [0x00, 0xFF, 0xFE, 0x41, 0x0D, 0x0D, 0x0A]))
        #expect(binaryBody.text.hasSuffix("A"))
    }

    @Test func invalidUTF8IsReadLossy() throws {
        let body: [UInt8] = Array("Caf".utf8) + [0xC3, 0x28] + Array(" ok ".utf8) + [0xFF, 0xE2, 0x82]
        let message = try MailParser.parse(
            MIMEParserTests.message(header: "Subject: Gr\u{FC}\u{DF}e\r\nContent-Type: text/plain; charset=utf-8", body: body))
        #expect(message.text == "Caf\u{FFFD}( ok \u{FFFD}\u{FFFD}")
        #expect(message.problems == ["invalid UTF-8, read with replacement characters"])
        // A raw Latin-1 header (not UTF-8) is read as Windows-1252.
        let latin = try MailParser.parse(Array("From: a@example.com\r\nSubject: Gr".utf8) + [0xFC, 0xDF, 0x65] + Array("\r\n\r\nx".utf8))
        #expect(latin.subject == "Grüße")
    }

    static let bounce = """
        From: Mail Delivery System <MAILER-DAEMON@mx.example.org>
        To: help@triage.example
        Subject: Undelivered Mail Returned to Sender
        Auto-Submitted: auto-replied
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status;
        \tboundary="rep"

        --rep
        Content-Description: Notification
        Content-Type: text/plain; charset=us-ascii

        This is the mail system at host mx.example.org.

        I'm sorry to have to inform you that your message could not
        be delivered to one or more recipients.

        --rep
        Content-Description: Delivery report
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.example.org
        Arrival-Date: Mon,  7 Dec 2026 09:45:59 +0000 (UTC)

        Final-Recipient: rfc822; nobody@example.org
        Original-Recipient: rfc822;Nobody@example.org
        Action: failed
        Status: 5.1.1
        Remote-MTA: dns; mail.example.org
        Diagnostic-Code: smtp; 550 5.1.1 <nobody@example.org>: Recipient address
            rejected: User unknown

        Final-Recipient: RFC822; <late@example.org>
        Action: Delayed
        Status: 4.4.1 (connection timed out)

        --rep
        Content-Description: Undelivered Message
        Content-Type: message/rfc822

        From: Help Desk <help@triage.example>
        To: nobody@example.org
        Subject: Re: [Triage #42] Printer
        Message-ID: <triage.42.abc@triage.example>

        Hello.

        --rep--
        """

    @Test func deliveryStatusNotification() throws {
        let message = try MIMEParserTests.parse(Self.bounce)
        #expect(
            message.deliveryReport == [
                DeliveryStatus(recipient: "nobody@example.org", action: "failed", status: "5.1.1"),
                DeliveryStatus(recipient: "late@example.org", action: "delayed", status: "4.4.1"),
            ])
        #expect(message.text.hasPrefix("This is the mail system at host mx.example.org.\n\nI'm sorry"))
        #expect(message.from == MailAddress(name: "Mail Delivery System", address: "MAILER-DAEMON@mx.example.org"))
        let returned = try #require(message.attachments.first)
        #expect(message.attachments.count == 1)
        #expect(returned.filename == "message.eml")
        #expect(returned.contentType == "message/rfc822")
        let original = try MailParser.parse(returned.data)
        #expect(original.messageId == "triage.42.abc@triage.example")
        #expect(original.subject == "Re: [Triage #42] Printer")
        // Not a report: no delivery report.
        #expect(try MIMEParserTests.parse(MIMEParserTests.nested).deliveryReport == nil)
    }

    @Test func outOfOfficeHeadersAreAccessible() throws {
        let message = try MIMEParserTests.parse(
            """
            Received: from b.example by a.example
            Received: from c.example by b.example
            From: Bob <bob@example.com>
            To: help@triage.example
            Reply-To: Bob Private <bob@home.example>, "Bob, Office" <bob@office.example>
            Subject: Automatic reply: Printer
            Auto-Submitted: auto-replied
            X-Auto-Response-Suppress: All
            Thread-Topic: a very long
             folded header
            Date: Mon, 7 Dec 26 04:45:59 EST
            In-Reply-To: <triage.42.abc@triage.example>
            References: <a@x.example> <b@y.example>
            \t<triage.42.abc@triage.example>
            Content-Type: text/plain

            I am out of the office until Monday.
            """, crlf: false)
        #expect(message.header("auto-submitted") == "auto-replied")
        #expect(message.header("AUTO-SUBMITTED") == "auto-replied")
        #expect(message.header("X-Auto-Response-Suppress") == "All")
        #expect(message.header("Precedence") == nil)
        #expect(message.headers(named: "received") == ["from b.example by a.example", "from c.example by b.example"])
        #expect(message.header("Thread-Topic") == "a very long folded header")
        #expect(message.headers.prefix(3).map(\.name) == ["Received", "Received", "From"])
        #expect(message.headers.count == 13)
        #expect(message.inReplyTo == ["triage.42.abc@triage.example"])
        #expect(message.references == ["a@x.example", "b@y.example", "triage.42.abc@triage.example"])
        #expect(
            message.replyTo == [
                MailAddress(name: "Bob Private", address: "bob@home.example"),
                MailAddress(name: "Bob, Office", address: "bob@office.example"),
            ])
        #expect(message.date == Date(timeIntervalSince1970: 1_796_636_759))
        #expect(message.text == "I am out of the office until Monday.")
    }

    @Test func whatIsNoMailThrows() {
        let cases: [([UInt8], String)] = [
            ([], "empty input"),
            (Array(" \r\n\r\n".utf8), "empty input"),
            (Array("Hello there,\r\n\r\nplease help.".utf8), "no header line before the first blank line"),
            (Array("\r\nFrom: a@example.com\r\n\r\nx".utf8), "no header line before the first blank line"),
            (Array("Subject: no sender\r\n\r\nBody".utf8), "no From header"),
            (Array("From: Undisclosed\r\nSubject: x\r\n\r\nBody".utf8), "no address in the From header"),
            (Array("From: undisclosed-recipients:;\r\n\r\nBody".utf8), "no address in the From header"),
        ]
        for (bytes, reason) in cases {
            #expect(throws: MailParseError(reason: reason)) { try MailParser.parse(bytes) }
        }
    }
}
