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

/// The mail reader on headers and structure: forwarded messages and file names, dates, addresses
/// and ids, tolerant transfer encodings, nesting capped at twenty levels.
@Suite struct MIMEHeaderTests {

    @Test func forwardedMessageAndFileNames() throws {
        let message = try MIMEParserTests.parse(
            """
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
        #expect(
            message.attachments.map(\.filename) == [
                "message.eml", "Résumé final.pdf", "Straße und Plätze.txt", "Prüfbericht.pdf",
                "evil.exe", "attachment-6.bin",
            ])
        #expect(
            message.attachments.map(\.contentType) == [
                "message/rfc822", "application/pdf", "text/plain", "application/pdf",
                "application/x-msdownload", "application/octet-stream",
            ])
        #expect(message.attachments[1].data == Array("%PDF".utf8))
        #expect(message.attachments[2].data == Array("list".utf8))
        #expect(try MailParser.parse(message.attachments[0].data).subject == "Original")
    }

    @Test func datesAddressesAndIds() {
        let instant = Date(timeIntervalSince1970: 1_796_636_759)
        for text in [
            "Mon, 07 Dec 2026 09:45:59 +0000", "7 Dec 2026 10:45:59 +0100", "Mon, 7 Dec 26 04:45:59 EST",
            "Mon, 07 Dec 2026 09:45:59 GMT (comment)", "Mon Dec  7 09:45:59 2026",
            "Monday, 07-Dec-2026 09:45:59 Z".replacingOccurrences(of: "-", with: " "),
            "Mon,07 Dec 2026 11:15:59 +0130",
        ] {
            #expect(MIMEDate.parse(text) == instant, "\(text)")
        }
        #expect(MIMEDate.parse("Mon, 07 Dec 2026 09:45 +0000") == Date(timeIntervalSince1970: 1_796_636_700))
        for bad in [
            "yesterday", "", "32 Dec 2026 10:00:00 +0000", "29 Feb 2025 10:00:00 +0000", "07 Foo 2026 10:00:00", "07 Dec 2026 25:00:00",
        ] {
            #expect(MIMEDate.parse(bad) == nil, "\(bad)")
        }
        #expect(MIMEDate.format(instant) == "Mon, 07 Dec 2026 09:45:59 +0000")
        #expect(MIMEDate.format(Date(timeIntervalSince1970: 0)) == "Thu, 01 Jan 1970 00:00:00 +0000")

        let list = MIMEAddressList.parse(
            """
            "Doe, John" <John.Doe@Example.COM>, jane@example.org (Jane Roe), Team: a@x.org, "B" <b@x.org>;, \
            undisclosed-recipients:;, =?UTF-8?Q?Ren=C3=A9e?= <renee@example.fr>, <bare@example.net>, not an address, \
            <@route.example:routed@example.net>, broken <unterminated@example.com
            """)
        #expect(
            list == [
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
        let message = try MailParser.parse(
            MIMEParserTests.message(header: "Content-Transfer-Encoding: BASE64", body: Array("SGVs*bG8g\r\nV29ybGQ".utf8)))
        #expect(message.text == "Hello World")
        #expect(message.problems == ["stray characters in base64 skipped"])
        let noType = try MIMEParserTests.parse("From: a@example.com\nSubject: x\n\nHello\n\n\n", crlf: false)
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
        let within = try MIMEParserTests.parse(Self.nestedMultiparts(19))
        #expect(within.text == "deep")
        #expect(within.problems.isEmpty)
        for levels in [20, 30, 500] {
            let message = try MIMEParserTests.parse(Self.nestedMultiparts(levels))
            #expect(message.text == "")
            #expect(message.attachments.isEmpty)
            #expect(message.problems == ["MIME parts nested deeper than 20 levels were skipped"])
        }
    }
}
