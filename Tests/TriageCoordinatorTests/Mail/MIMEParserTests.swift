import Crypto
import Foundation
import Testing
@testable import TriageCoordinator

/// The mail reader against a corpus built here: HTML-only mail, nested multiparts, encoded words,
/// Latin-1/Latin-9/Windows-1252 bodies, a 30 MiB attachment, broken boundaries, garbage, a bounce.
@Suite struct MIMEParserTests {
    /// The text with CRLF line ends (or LF), as bytes.
    static func bytes(_ text: String, crlf: Bool = true) -> [UInt8] {
        let lf = text.replacingOccurrences(of: "\r\n", with: "\n")
        return Array((crlf ? lf.replacingOccurrences(of: "\n", with: "\r\n") : lf).utf8)
    }

    static func parse(_ text: String, crlf: Bool = true) throws -> MailMessage {
        try MailParser.parse(bytes(text, crlf: crlf))
    }

    static let htmlOnly = """
        From: "Shop" <news@shop.example>
        To: help@triage.example
        Subject: Your order
        Date: Mon, 07 Dec 2026 09:45:59 +0000
        Message-ID: <html-1@shop.example>
        MIME-Version: 1.0
        Content-Type: text/html; charset=utf-8
        Content-Transfer-Encoding: quoted-printable

        <!DOCTYPE html>
        <html><head><title>Newsletter title</title>
        <style>body { color: red; }</style>
        <script>alert("head")</script>
        </head>
        <body>
        <!-- tracking comment -->
        <h1>Order&nbsp;confirmed</h1>
        <p>Caf&eacute; &amp; Cr&egrave;me &lt;3 &#8364;5 &#x263A; &copy; &unknown; M&uuml;ller</p>
        <img src=3D"https://tracker.example/pixel.gif" alt=3D"pixel">
        <p>See <a href=3D"https://shop.example/orders/42">your order</a> or
        <a href=3D"https://shop.example">https://shop.example</a>.</p>
        <ul><li>One</li><li>Two</li></ul>
        Line<br>break<div>Block</div>
        <SCRIPT type=3D"text/javascript">document.write("evil")</SCRIPT>
        <p>Sincerely yo=
        urs</p>
        </body></html>
        """

    @Test func htmlOnlyMailBecomesTextWithoutMarkup() throws {
        let message = try Self.parse(Self.htmlOnly)
        #expect(message.htmlOnly)
        #expect(message.text == """
            Order confirmed

            Café & Crème <3 €5 ☺ © &unknown; Müller

            See your order (https://shop.example/orders/42) or https://shop.example.

            - One
            - Two

            Line
            break
            Block

            Sincerely yours
            """)
        for absent in ["<p", "<a", "<img", "href", "alert", "evil", "color", "tracker", "Newsletter title", "tracking comment"] {
            #expect(!message.text.contains(absent), "\(absent)")
        }
        #expect(message.attachments.isEmpty)
        #expect(message.subject == "Your order")
        #expect(message.from == MailAddress(name: "Shop", address: "news@shop.example"))
        #expect(message.to == [MailAddress(name: nil, address: "help@triage.example")])
        #expect(message.messageId == "html-1@shop.example")
        #expect(message.date == Date(timeIntervalSince1970: 1_796_636_759))
    }

    @Test func htmlConversionDetails() {
        #expect(MIMEHTMLText.text(fromHTML: "a < b &amp;&amp c<br><br><br><br><br>d") == "a < b &&amp c\n\nd")
        #expect(MIMEHTMLText.text(fromHTML: "<a href=\"mailto:x@y.org\">x@y.org</a> <a href='#top'>top</a> <a href=\"javascript:x()\">js</a>")
            == "x@y.org top js")
        #expect(MIMEHTMLText.text(fromHTML: "<a href=\"https://x.org/\">x.org</a> <a href=x.html><img src=\"a.png\"></a>") == "x.org")
        #expect(MIMEHTMLText.text(fromHTML: "<html><head><style>p{}</style><body><p>Hi</p>") == "Hi")
        #expect(MIMEHTMLText.text(fromHTML: "<head><meta charset=utf-8>Text without body") == "Text without body")
        #expect(MIMEHTMLText.text(fromHTML: "before<style>never closed") == "before")
        #expect(MIMEHTMLText.text(fromHTML: "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>") == "a b\nc")
        #expect(MIMEHTMLText.text(fromHTML: "<p title=\"a > b\">x</p>&#0;&#xD800;&#150;") == "x\n\n\u{FFFD}\u{FFFD}–")
        #expect(MIMEHTMLText.text(fromHTML: "") == "")
        #expect(MIMEHTMLText.text(fromHTML: "<<<>>><!--") == "<<<>>>")
    }

    static let nested = """
        From: Alice Example <alice@example.com>
        To: Help Desk <help@triage.example>, "Doe, John" <john@example.com>
        Cc: carol@example.com
        Subject: Printer on fire
        Message-ID: <nested-1@example.com>
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="outer"

        This is the preamble; ignore it.
        --outer
        Content-Type: multipart/alternative; boundary="alt"

        --alt
        Content-Type: text/plain; charset=utf-8
        Content-Transfer-Encoding: 8bit

        The printer in room 4 is on fire.
        Please help.

        --alt
        Content-Type: multipart/related; boundary="rel"; type="text/html"

        --rel
        Content-Type: text/html; charset=utf-8

        <p>The printer in room 4 is <b>on fire</b>.</p><img src="cid:logo@example.com">
        --rel
        Content-Type: image/png; name="logo.png"
        Content-ID: <logo@example.com>
        Content-Disposition: inline; filename="logo.png"
        Content-Transfer-Encoding: base64

        iVBORw0KGgo=
        --rel
        Content-Type: image/gif
        Content-ID: <spacer@example.com>
        Content-Transfer-Encoding: base64

        R0lGODlhAQABAAAAACw=
        --rel--
        --alt--
        --outer
        Content-Type: application/pdf; name="report.pdf"
        Content-Disposition: attachment; filename="report.pdf"
        Content-Transfer-Encoding: base64

        JVBERi0xLjQKJcOkw7zDtsOfCg==
        --outer--
        This is the epilogue.
        """

    @Test(arguments: [true, false]) func nestedMultipartPrefersPlainTextAndKeepsFiles(crlf: Bool) throws {
        let message = try Self.parse(Self.nested, crlf: crlf)
        #expect(message.text == "The printer in room 4 is on fire.\nPlease help.")
        #expect(!message.htmlOnly)
        #expect(message.to == [MailAddress(name: "Help Desk", address: "help@triage.example"), MailAddress(name: "Doe, John", address: "john@example.com")])
        #expect(message.cc == [MailAddress(name: nil, address: "carol@example.com")])
        #expect(message.attachments == [
            MailPart(filename: "logo.png", contentType: "image/png", data: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
            MailPart(filename: "report.pdf", contentType: "application/pdf", data: Array("%PDF-1.4\n%äüöß\n".utf8)),
        ])
        #expect(message.problems.isEmpty, "\(message.problems)")
        #expect(message.deliveryReport == nil)
    }

    @Test func alternativeWithoutPlainTextUsesTheHTML() throws {
        let text = Self.nested.replacingOccurrences(of: "Content-Type: text/plain; charset=utf-8", with: "Content-Type: text/calendar; charset=utf-8")
        let message = try Self.parse(text)
        #expect(message.text == "The printer in room 4 is on fire.")
        #expect(message.htmlOnly)
        #expect(message.attachments.map(\.filename) == ["logo.png", "report.pdf"])
    }

    static func message(header: String, body: [UInt8] = Array("Body".utf8), from: String = "Alice <alice@example.com>") -> [UInt8] {
        Array("From: \(from)\r\n\(header)\r\n\r\n".utf8) + body
    }

    @Test func encodedWordsInSubjectsAndNames() throws {
        let subjects = [
            "=?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?=": "Grüße aus Köln",
            "=?ISO-8859-1?Q?Gr=FC=DFe_aus_K=F6ln?=": "Grüße aus Köln",
            "=?iso-8859-1?q?Gr=FC=DFe?= =?utf-8?b?IGF1cyBLw7Zsbg==?=": "Grüße aus Köln",
            "=?UTF-8?Q?Caf=C3=A9?=   =?UTF-8?Q?_cr=C3=A8me?=": "Café crème",
            "=?UTF-8?Q?=C3?= =?UTF-8?Q?=A9t=C3=A9?=": "été",
            "Re: =?utf-8?q?Rechnung_Nr=2E_5?= is   due": "Re: Rechnung Nr. 5 is due",
            "=?UTF-8?B?0J/RgNC40LLQtdGCLCDQvNC40YA=?=\r\n =?UTF-8?B?SGFsbG8gV2VsdCwgc2Now7ZuZSBHcsO8w59l?=": "Привет, мирHallo Welt, schöne Grüße",
            "=?utf-8*de?Q?Hallo?= plain =?bogus": "Hallo plain =?bogus",
            "=?x-unknown?Q?caf=E9?=": "café",
            "  spaced\t out  ": "spaced out",
        ]
        for (raw, expected) in subjects {
            let message = try MailParser.parse(Self.message(header: "Subject: \(raw)"))
            #expect(message.subject == expected, "\(raw)")
            #expect(message.header("Subject") == raw.replacingOccurrences(of: "\r\n", with: "").trimmingCharacters(in: .whitespaces))
        }
        let named = try MailParser.parse(Self.message(header: "To: =?UTF-8?Q?Ren=C3=A9e?= <renee@example.fr>",
                                                      from: "=?ISO-8859-1?Q?J=FCrgen_M=FCller?= <jm@Example.DE>"))
        #expect(named.from == MailAddress(name: "Jürgen Müller", address: "jm@example.de"))
        #expect(named.to == [MailAddress(name: "Renée", address: "renee@example.fr")])
    }

    @Test func latin1QuotedPrintableBody() throws {
        let body = "Gr=FC=DFe aus M=FCnchen!\r\nDer Preis ist 5 =3D f=FCnf Euro, sehr sch=F6n und e=\r\nndlich fertig.\r\n"
            + "Bad escape: =ZZ and =4 stay.\r\nTrailing   \r\nEnd=\r\n\r\n"
        let message = try MailParser.parse(Self.message(
            header: "Content-Type: text/plain; charset=\"ISO-8859-1\"\r\nContent-Transfer-Encoding: Quoted-Printable", body: Array(body.utf8)))
        #expect(message.text == "Grüße aus München!\nDer Preis ist 5 = fünf Euro, sehr schön und endlich fertig.\nBad escape: =ZZ and =4 stay.\nTrailing\nEnd")
        #expect(message.problems.isEmpty)
    }

    @Test func formatFlowedLinesAreJoined() throws {
        let body = "This is a long line that was \r\nwrapped by the sender.\r\n> Quoted text that \r\n> continues here.\r\n \r\n-- \r\nSig"
        let flowed = try MailParser.parse(Self.message(header: "Content-Type: text/plain; charset=utf-8; format=flowed", body: Array(body.utf8)))
        #expect(flowed.text == "This is a long line that was wrapped by the sender.\n> Quoted text that continues here.\n\n-- \nSig")
        let deleted = try MailParser.parse(Self.message(header: "Content-Type: text/plain; format=Flowed; DelSp=Yes",
                                                        body: Array("Lorem ipsu \r\nm dolor\r\n".utf8)))
        #expect(deleted.text == "Lorem ipsum dolor")
        let fixed = try MailParser.parse(Self.message(header: "Content-Type: text/plain", body: Array("Kept \r\nas is".utf8)))
        #expect(fixed.text == "Kept \nas is")
    }

    @Test func singleByteCharsets() throws {
        let high: [UInt8] = [0xA4, 0xA6, 0xA8, 0xB4, 0xB8, 0xBC, 0xBD, 0xBE, 0xE9]
        let cases: [(String, [UInt8], String)] = [
            ("ISO-8859-15", Array("Preis: 10 ".utf8) + high, "Preis: 10 €ŠšŽžŒœŸé"),
            ("latin9", high, "€ŠšŽžŒœŸé"),
            ("iso-8859-1", high, "¤¦¨´¸¼½¾é"),
            ("latin1", [0x47, 0x72, 0xFC, 0xDF, 0x65], "Grüße"),
            ("windows-1252", [0x93] + Array("Hallo".utf8) + [0x94, 0x20, 0x80, 0x20, 0x85, 0x20, 0x96, 0x20, 0x99, 0x20, 0x8A, 0x9A, 0x9F], "“Hallo” € … – ™ ŠšŸ"),
            ("CP1252", [0x91, 0x61, 0x92, 0x81, 0x8D], "‘a’\u{81}\u{8D}"),
        ]
        for (charset, body, expected) in cases {
            let message = try MailParser.parse(Self.message(header: "Content-Type: text/plain; charset=\(charset)\r\nContent-Transfer-Encoding: 8bit", body: body))
            #expect(message.text == expected, "\(charset)")
            #expect(message.problems.isEmpty, "\(charset): \(message.problems)")
        }
        let unknown = try MailParser.parse(Self.message(header: "Content-Type: text/plain; charset=x-foo", body: [0x63, 0x61, 0x66, 0xE9, 0x80]))
        #expect(unknown.text == "café€")
        #expect(unknown.problems == ["unknown charset x-foo, read as Windows-1252"])
    }

    /// 30 MiB in base64 (≈ 41 MiB of lines): size and SHA-256 equal, parsed in linear time.
    @Test func thirtyMebibyteAttachment() throws {
        let count = 30 << 20
        var payload = [UInt8](repeating: 0, count: count)
        payload.withUnsafeMutableBytes { raw in
            var state: UInt64 = 0x9E37_79B9_7F4A_7C15
            let words = raw.bindMemory(to: UInt64.self)
            for index in words.indices {
                state ^= state << 13; state ^= state >> 7; state ^= state << 17
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
        var raw = Self.bytes(head)
        raw += [UInt8](Data(payload).base64EncodedData(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed]))
        raw += Self.bytes("\n--big-boundary--\n")
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
        let message = try Self.parse("""
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
        let guessed = try Self.parse("""
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

        let plain = try Self.parse("From: a@example.com\nContent-Type: multipart/mixed; boundary=nowhere\n\nJust text: nothing else.\n")
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
        let corpus = [Self.nested, Self.htmlOnly, Self.bounce].map { Self.bytes($0) }
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
        let binaryBody = try MailParser.parse(Self.message(header: "Content-Type: text/plain", body: [0x00, 0xFF, 0xFE, 0x41, 0x0D, 0x0D, 0x0A]))
        #expect(binaryBody.text.hasSuffix("A"))
    }

    @Test func invalidUTF8IsReadLossy() throws {
        let body: [UInt8] = Array("Caf".utf8) + [0xC3, 0x28] + Array(" ok ".utf8) + [0xFF, 0xE2, 0x82]
        let message = try MailParser.parse(Self.message(header: "Subject: Gr\u{FC}\u{DF}e\r\nContent-Type: text/plain; charset=utf-8", body: body))
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
        let message = try Self.parse(Self.bounce)
        #expect(message.deliveryReport == [
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
        #expect(try Self.parse(Self.nested).deliveryReport == nil)
    }

    @Test func outOfOfficeHeadersAreAccessible() throws {
        let message = try Self.parse("""
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
        #expect(message.replyTo == [MailAddress(name: "Bob Private", address: "bob@home.example"),
                                    MailAddress(name: "Bob, Office", address: "bob@office.example")])
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

    @Test func forwardedMessageAndFileNames() throws {
        let message = try Self.parse("""
            From mbox-envelope@example.com Mon Dec  7 09:45:59 2026
            From: Carol <carol@example.com>
            Subject: Fwd: files
            Content-Type: multipart/mixed; boundary=XYZ

            --XYZ
            Content-Type: text/plain; charset=utf-8; format=flowed

            See the files.
            --XYZ
            Content-Type: message/rfc822
            Content-Disposition: inline

            From: Dave <dave@example.com>
            Subject: Original

            Original body.
            --XYZ
            Content-Type: application/pdf
            Content-Disposition: attachment; filename*=UTF-8''R%C3%A9sum%C3%A9%20final.pdf
            Content-Transfer-Encoding: base64

            JVBERg
            --XYZ
            Content-Type: text/plain
            Content-Disposition: attachment;
             filename*0*=ISO-8859-1''Stra%DFe%20; filename*1*=und%20Pl%E4tze;
             filename*2=".txt"

            list
            --XYZ
            Content-Type: application/pdf; name="=?UTF-8?Q?Pr=C3=BCfbericht.pdf?="
            Content-Transfer-Encoding: base64

            JVBERg==
            --XYZ
            Content-Type: application/x-msdownload
            Content-Disposition: attachment; filename="C:\\Users\\x\\..\\evil.exe"

            MZ
            --XYZ
            Content-Type: application/octet-stream

            raw
            --XYZ--
            """)
        #expect(message.text == "See the files.")
        #expect(message.attachments.map(\.filename) == ["message.eml", "Résumé final.pdf", "Straße und Plätze.txt", "Prüfbericht.pdf",
                                                       "evil.exe", "attachment-6.bin"])
        #expect(message.attachments.map(\.contentType) == ["message/rfc822", "application/pdf", "text/plain", "application/pdf",
                                                          "application/x-msdownload", "application/octet-stream"])
        #expect(message.attachments[1].data == Array("%PDF".utf8))
        #expect(message.attachments[2].data == Array("list".utf8))
        #expect(try MailParser.parse(message.attachments[0].data).subject == "Original")
    }

    @Test func datesAddressesAndIds() {
        let instant = Date(timeIntervalSince1970: 1_796_636_759)
        for text in ["Mon, 07 Dec 2026 09:45:59 +0000", "7 Dec 2026 10:45:59 +0100", "Mon, 7 Dec 26 04:45:59 EST",
                     "Mon, 07 Dec 2026 09:45:59 GMT (comment)", "Mon Dec  7 09:45:59 2026", "Monday, 07-Dec-2026 09:45:59 Z".replacingOccurrences(of: "-", with: " "),
                     "Mon,07 Dec 2026 11:15:59 +0130"] {
            #expect(MIMEDate.parse(text) == instant, "\(text)")
        }
        #expect(MIMEDate.parse("Mon, 07 Dec 2026 09:45 +0000") == Date(timeIntervalSince1970: 1_796_636_700))
        for bad in ["yesterday", "", "32 Dec 2026 10:00:00 +0000", "29 Feb 2025 10:00:00 +0000", "07 Foo 2026 10:00:00", "07 Dec 2026 25:00:00"] {
            #expect(MIMEDate.parse(bad) == nil, "\(bad)")
        }
        #expect(MIMEDate.format(instant) == "Mon, 07 Dec 2026 09:45:59 +0000")
        #expect(MIMEDate.format(Date(timeIntervalSince1970: 0)) == "Thu, 01 Jan 1970 00:00:00 +0000")

        let list = MIMEAddressList.parse("""
            "Doe, John" <John.Doe@Example.COM>, jane@example.org (Jane Roe), Team: a@x.org, "B" <b@x.org>;, \
            undisclosed-recipients:;, =?UTF-8?Q?Ren=C3=A9e?= <renee@example.fr>, <bare@example.net>, not an address, \
            <@route.example:routed@example.net>, broken <unterminated@example.com
            """)
        #expect(list == [
            MailAddress(name: "Doe, John", address: "John.Doe@example.com"), MailAddress(name: "Jane Roe", address: "jane@example.org"),
            MailAddress(name: nil, address: "a@x.org"), MailAddress(name: "B", address: "b@x.org"),
            MailAddress(name: "Renée", address: "renee@example.fr"), MailAddress(name: nil, address: "bare@example.net"),
            MailAddress(name: nil, address: "routed@example.net"), MailAddress(name: "broken", address: "unterminated@example.com"),
        ])
        #expect(MIMEAddressList.parse("undisclosed-recipients:;").isEmpty)
        #expect(MIMEAddressList.parse("\"unterminated <a@b.example>").isEmpty)
        var generator = MIMESeededGenerator(seed: 7)
        let alphabet = Array("ab@.<>\"(),:;\\ =?Q_\t\r\n")
        for _ in 0..<500 {
            _ = MIMEAddressList.parse(String((0..<40).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }))
            _ = MIMEEncodedWords.decode(String((0..<40).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }))
        }
        #expect(MIMEHeaderValue.messageIds(" <a@b.example> (comment) < c@d.example >") == ["a@b.example", "c@d.example"])
        #expect(MIMEHeaderValue.messageIds("bare@id.example") == ["bare@id.example"])
    }

    @Test func transferEncodingsAreTolerant() throws {
        #expect(MIMETransfer.decodeBase64(Array("SGVsbG8gV29ybGQ".utf8)[...]).bytes == Array("Hello World".utf8))
        let garbled = MIMETransfer.decodeBase64(Array("SGVs*bG8g!V29y\r\nbGQ=".utf8)[...])
        #expect(garbled.bytes == Array("Hello World".utf8))
        #expect(garbled.garbage == 2)
        #expect(MIMETransfer.decodeQuotedPrintable(Array("a=\nb =20=\r\nc=4=\t \r\n".utf8)[...]) == Array("ab  c=4".utf8))
        let message = try MailParser.parse(Self.message(header: "Content-Transfer-Encoding: BASE64", body: Array("SGVs*bG8g\r\nV29ybGQ".utf8)))
        #expect(message.text == "Hello World")
        #expect(message.problems == ["stray characters in base64 skipped"])
        let noType = try Self.parse("From: a@example.com\nSubject: x\n\nHello\n\n\n", crlf: false)
        #expect(noType.text == "Hello")
        #expect(!noType.htmlOnly)
    }

    /// Multiparts nested `levels` deep (the message is level 0) around a text part.
    static func nestedMultiparts(_ levels: Int) -> String {
        var text = "From: a@example.com\nContent-Type: multipart/mixed; boundary=b0\n\n"
        for level in 0..<levels { text += "--b\(level)\nContent-Type: multipart/mixed; boundary=b\(level + 1)\n\n" }
        text += "--b\(levels)\nContent-Type: text/plain\n\ndeep\n"
        for level in (0...levels).reversed() { text += "--b\(level)--\n" }
        return text
    }

    @Test func nestingIsCappedAtTwentyLevels() throws {
        let within = try Self.parse(Self.nestedMultiparts(19))
        #expect(within.text == "deep")
        #expect(within.problems.isEmpty)
        for levels in [20, 30, 500] {
            let message = try Self.parse(Self.nestedMultiparts(levels))
            #expect(message.text == "")
            #expect(message.attachments.isEmpty)
            #expect(message.problems == ["MIME parts nested deeper than 20 levels were skipped"])
        }
    }
}

/// A reproducible xorshift generator for the corpus.
struct MIMESeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}
