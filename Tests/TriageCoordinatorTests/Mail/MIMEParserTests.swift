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
        #expect(
            message.text == """
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
        #expect(
            MIMEHTMLText.text(fromHTML: "<a href=\"mailto:x@y.org\">x@y.org</a> <a href='#top'>top</a> <a href=\"javascript:x()\">js</a>")
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
        #expect(
            message.to == [
                MailAddress(name: "Help Desk", address: "help@triage.example"), MailAddress(name: "Doe, John", address: "john@example.com"),
            ])
        #expect(message.cc == [MailAddress(name: nil, address: "carol@example.com")])
        #expect(
            message.attachments == [
                MailPart(filename: "logo.png", contentType: "image/png", data: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
                MailPart(filename: "report.pdf", contentType: "application/pdf", data: Array("%PDF-1.4\n%äüöß\n".utf8)),
            ])
        #expect(message.problems.isEmpty, "\(message.problems)")
        #expect(message.deliveryReport == nil)
    }

    @Test func alternativeWithoutPlainTextUsesTheHTML() throws {
        let text = Self.nested.replacingOccurrences(
            of: "Content-Type: text/plain; charset=utf-8", with: "Content-Type: text/calendar; charset=utf-8")
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
            "=?UTF-8?B?0J/RgNC40LLQtdGCLCDQvNC40YA=?=\r\n =?UTF-8?B?SGFsbG8gV2VsdCwgc2Now7ZuZSBHcsO8w59l?=":
                "Привет, мирHallo Welt, schöne Grüße",
            "=?utf-8*de?Q?Hallo?= plain =?bogus": "Hallo plain =?bogus",
            "=?x-unknown?Q?caf=E9?=": "café",
            "  spaced\t out  ": "spaced out",
        ]
        for (raw, expected) in subjects {
            let message = try MailParser.parse(Self.message(header: "Subject: \(raw)"))
            #expect(message.subject == expected, "\(raw)")
            #expect(message.header("Subject") == raw.replacingOccurrences(of: "\r\n", with: "").trimmingCharacters(in: .whitespaces))
        }
        let named = try MailParser.parse(
            Self.message(
                header: "To: =?UTF-8?Q?Ren=C3=A9e?= <renee@example.fr>",
                from: "=?ISO-8859-1?Q?J=FCrgen_M=FCller?= <jm@Example.DE>"))
        #expect(named.from == MailAddress(name: "Jürgen Müller", address: "jm@example.de"))
        #expect(named.to == [MailAddress(name: "Renée", address: "renee@example.fr")])
    }

    @Test func latin1QuotedPrintableBody() throws {
        let body =
            "Gr=FC=DFe aus M=FCnchen!\r\nDer Preis ist 5 =3D f=FCnf Euro, sehr sch=F6n und e=\r\nndlich fertig.\r\n"
            + "Bad escape: =ZZ and =4 stay.\r\nTrailing   \r\nEnd=\r\n\r\n"
        let message = try MailParser.parse(
            Self.message(
                header: "Content-Type: text/plain; charset=\"ISO-8859-1\"\r\nContent-Transfer-Encoding: Quoted-Printable",
                body: Array(body.utf8)))
        #expect(
            message.text
                == "Grüße aus München!\nDer Preis ist 5 = fünf Euro, sehr schön und endlich fertig.\nBad escape: =ZZ and =4 stay.\nTrailing\nEnd"
        )
        #expect(message.problems.isEmpty)
    }

    @Test func formatFlowedLinesAreJoined() throws {
        let body = "This is a long line that was \r\nwrapped by the sender.\r\n> Quoted text that \r\n> continues here.\r\n \r\n-- \r\nSig"
        let flowed = try MailParser.parse(
            Self.message(header: "Content-Type: text/plain; charset=utf-8; format=flowed", body: Array(body.utf8)))
        #expect(flowed.text == "This is a long line that was wrapped by the sender.\n> Quoted text that continues here.\n\n-- \nSig")
        let deleted = try MailParser.parse(
            Self.message(
                header: "Content-Type: text/plain; format=Flowed; DelSp=Yes",
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
            (
                "windows-1252",
                [0x93] + Array("Hallo".utf8) + [0x94, 0x20, 0x80, 0x20, 0x85, 0x20, 0x96, 0x20, 0x99, 0x20, 0x8A, 0x9A, 0x9F],
                "“Hallo” € … – ™ ŠšŸ"
            ),
            ("CP1252", [0x91, 0x61, 0x92, 0x81, 0x8D], "‘a’\u{81}\u{8D}"),
        ]
        for (charset, body, expected) in cases {
            let message = try MailParser.parse(
                Self.message(header: "Content-Type: text/plain; charset=\(charset)\r\nContent-Transfer-Encoding: 8bit", body: body))
            #expect(message.text == expected, "\(charset)")
            #expect(message.problems.isEmpty, "\(charset): \(message.problems)")
        }
        let unknown = try MailParser.parse(
            Self.message(header: "Content-Type: text/plain; charset=x-foo", body: [0x63, 0x61, 0x66, 0xE9, 0x80]))
        #expect(unknown.text == "café€")
        #expect(unknown.problems == ["unknown charset x-foo, read as Windows-1252"])
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
