import Foundation
import Testing

@testable import TriageAPI
@testable import TriageBoard
@testable import TriageCoordinator
@testable import TriageDomain
@testable import TriageEdge
@testable import TriageMailTransport
@testable import TriageStorage

/// Outgoing mail: its shape on the wire (CRLF, folding, encoded words, quoted-printable, base64)
/// and its round trip through the parser.
@Suite struct MIMEComposerTests {
    static let date = Date(timeIntervalSince1970: 1_796_636_759)  // Mon, 07 Dec 2026 09:45:59 +0000

    /// The lines without their CRLF; a bare CR or LF fails.
    static func lines(_ raw: [UInt8]) -> [String] {
        for (index, byte) in raw.enumerated() {
            if byte == 0x0A { #expect(index > 0 && raw[index - 1] == 0x0D, "bare LF at \(index)") }
            if byte == 0x0D { #expect(index + 1 < raw.count && raw[index + 1] == 0x0A, "bare CR at \(index)") }
        }
        #expect(raw.suffix(2) == [0x0D, 0x0A])
        return Array(String(decoding: raw, as: UTF8.self).components(separatedBy: "\r\n").dropLast())
    }

    /// ASCII only, lines of at most 78, encoded words of at most 75 that each decode to UTF-8 on
    /// their own, quoted-printable lines of at most 76 with complete escapes.
    static func checkShape(_ raw: [UInt8]) {
        #expect(raw.allSatisfy { $0 < 0x80 })
        let all = lines(raw)
        for line in all { #expect(line.utf8.count <= 78, "\(line)") }
        var rest = Substring(all.joined(separator: "\n"))
        while let start = rest.range(of: "=?UTF-8?B?") {
            let end = rest[start.upperBound...].range(of: "?=")
            let payload = rest[start.upperBound..<(end?.lowerBound ?? rest.endIndex)]
            #expect(payload.count + 12 <= 75)
            let bytes = MIMETransfer.decodeBase64(Array(payload.utf8)[...]).bytes
            #expect(String(validating: bytes, as: UTF8.self) != nil, "\(payload)")
            rest = rest[(end?.upperBound ?? rest.endIndex)...]
        }
        // The text part: from its header to the end or the next boundary.
        guard let header = all.firstIndex(of: "Content-Transfer-Encoding: quoted-printable"),
            let blank = all[header...].firstIndex(of: "")
        else {
            Issue.record("no text part")
            return
        }
        for line in all[(blank + 1)...].prefix(while: { !$0.hasPrefix("--=_Triage_") }) {
            #expect(line.utf8.count <= 76, "\(line)")
            var index = line.startIndex
            while let equals = line[index...].firstIndex(of: "=") {
                let after = line[line.index(after: equals)...]
                #expect(after.isEmpty || (after.count >= 2 && after.prefix(2).allSatisfy(\.isHexDigit)), "\(line)")
                index = line.index(after: equals)
            }
        }
    }

    @Test func plainReplyRendersAndRoundTrips() throws {
        let mail = OutgoingMail(
            from: MailAddress(name: "Alice Agent (Helpdesk)", address: "support@triage.example"),
            to: [MailAddress(name: "Bob", address: "bob@example.com")], cc: [MailAddress(name: nil, address: "carol@example.com")],
            subject: "Re: Printer on fire [Triage #42]", text: "Hello Bob,\n\nwe are on it.\n\n-- \nTriage",
            messageId: "triage.42.abc@triage.example", inReplyTo: "orig@example.com",
            references: ["first@example.com", "orig@example.com"], date: Self.date,
            extraHeaders: [("Auto-Submitted", "auto-replied"), ("Reply-To", "support+t42@triage.example")])
        let raw = mail.rendered()
        let text = String(decoding: raw, as: UTF8.self)
        #expect(
            text.hasPrefix(
                """
                Date: Mon, 07 Dec 2026 09:45:59 +0000\r
                From: "Alice Agent (Helpdesk)" <support@triage.example>\r
                To: Bob <bob@example.com>\r
                Cc: carol@example.com\r
                Subject: Re: Printer on fire [Triage #42]\r
                Message-ID: <triage.42.abc@triage.example>\r
                In-Reply-To: <orig@example.com>\r
                References: <first@example.com> <orig@example.com>\r
                Auto-Submitted: auto-replied\r
                Reply-To: support+t42@triage.example\r
                MIME-Version: 1.0\r
                Content-Type: text/plain; charset=utf-8\r
                Content-Transfer-Encoding: quoted-printable\r
                \r
                Hello Bob,\r
                \r
                we are on it.\r
                \r
                --=20\r
                Triage\r

                """))
        Self.checkShape(raw)
        let message = try MailParser.parse(raw)
        #expect(message.subject == mail.subject)
        #expect(message.from == mail.from)
        #expect(message.to == mail.to)
        #expect(message.cc == mail.cc)
        #expect(message.text == mail.text)
        #expect(message.messageId == mail.messageId)
        #expect(message.inReplyTo == ["orig@example.com"])
        #expect(message.references == mail.references)
        #expect(message.date == Self.date)
        #expect(message.header("Auto-Submitted") == "auto-replied")
        #expect(message.replyTo == [MailAddress(name: nil, address: "support+t42@triage.example")])
        #expect(message.attachments.isEmpty)
        #expect(message.problems.isEmpty)
    }

    @Test func nonASCIIMailWithAttachmentsRoundTripsByteForByte() throws {
        let subject = "Grüße aus Köln – Drucker brennt 🔥 " + String(repeating: "Überlänge ", count: 8) + "终 👩‍👩‍👧‍👦 Ende"
        let text =
            "Hallo Jürgen,\n\n" + String(repeating: "Eine sehr lange Zeile mit Umlauten äöü und = Zeichen, ", count: 5)
            + "\nFrom here on\n.\nTrailing spaces   \nTab\t\n€ 5 = fünf Euro 🙂\r\nWindows line\rOld Mac line\n\nMit freundlichen Grüßen"
        let files = [
            MailPart(filename: "report.pdf", contentType: "application/pdf", data: Array("%PDF-1.4\n".utf8) + (0...255).map(UInt8.init)),
            MailPart(
                filename: "Prüfbericht März 2026 – endgültige Fassung mit einem sehr langen Namen für den Kunden.pdf",
                contentType: "Application/PDF", data: (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }),
            MailPart(filename: "notes.txt", contentType: "text/plain", data: Array("line 1\r\nline 2\n--=_Triage_\n".utf8)),
            MailPart(filename: "\"quoted\" name; x=1.bin", contentType: "not a type", data: []),
            MailPart(
                filename: "a-plain-ascii-name-that-is-rather-long-for-one-header-line-of-mail.tar.gz",
                contentType: "application/gzip", data: [0x1F, 0x8B]),
        ]
        let mail = OutgoingMail(
            from: MailAddress(name: "Zoë Ærøskøbing-Müller", address: "zoe@triage.example"),
            to: [
                MailAddress(name: "Doe, John \"JD\"", address: "john@example.com"),
                MailAddress(name: "Ĳsbrand van den Ēnde mit einem wirklich sehr langen Namen", address: "ij@example.nl"),
            ],
            cc: [], subject: subject, text: text, messageId: "m1@triage.example", date: Self.date, attachments: files)
        let raw = mail.rendered()
        Self.checkShape(raw)
        let message = try MailParser.parse(raw)
        #expect(message.subject == subject)
        #expect(message.from == mail.from)
        #expect(message.to == mail.to)
        #expect(message.text == text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n"))
        #expect(!message.htmlOnly)
        #expect(message.problems.isEmpty, "\(message.problems)")
        #expect(message.attachments.map(\.filename) == files.map(\.filename))
        #expect(
            message.attachments.map(\.contentType) == [
                "application/pdf", "application/pdf", "text/plain", "application/octet-stream", "application/gzip",
            ])
        #expect(message.attachments.map(\.data) == files.map(\.data))
        // One boundary, used only as the delimiters: the text part, five files, the end.
        let rendered = String(decoding: raw, as: UTF8.self)
        let boundary = try #require(rendered.firstMatch(of: /boundary="(=_Triage_[0-9a-f]{32})"/)?.1)
        #expect(rendered.components(separatedBy: "--" + boundary).count - 1 == 7)
        #expect(rendered.contains("--\(boundary)--\r\n"))
        #expect(rendered.contains("filename*0*=utf-8''Pr%C3%BCfbericht"))
    }

    @Test func encodedWordsAndQuotedPrintableByTheRules() {
        let words = MIMEComposition.encodedWords(String(repeating: "ä€😀", count: 40))
        #expect(words.count > 1)
        #expect(words.allSatisfy { $0.hasPrefix("=?UTF-8?B?") && $0.hasSuffix("?=") && $0.count <= 75 })
        let decoded = words.map { word in
            String(decoding: MIMETransfer.decodeBase64(Array(word.dropFirst(10).dropLast(2).utf8)[...]).bytes, as: UTF8.self)
        }
        #expect(decoded.joined() == String(repeating: "ä€😀", count: 40))
        #expect(MIMEEncodedWords.decode(words.joined(separator: "\r\n ")) == String(repeating: "ä€😀", count: 40))

        let qp = String(
            decoding: MIMETransfer.encodeQuotedPrintable(String(repeating: "a", count: 200) + "\nFrom me\nx = ü \n"), as: UTF8.self)
        let lines = qp.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 76 })
        #expect(lines.contains("=46rom me"))
        #expect(lines.contains("x =3D =C3=BC=20"))
        #expect(
            MIMETransfer.decodeQuotedPrintable(Array(qp.utf8)[...])
                == Array((String(repeating: "a", count: 200) + "\r\nFrom me\r\nx = ü \r\n\r\n").utf8))
        #expect(MIMEComposition.field("Subject", ["short"]) == "Subject: short\r\n")
        // A word too long to fold goes as encoded words: no line over 78.
        let long = "see https://example.com/" + String(repeating: "x", count: 200)
        let field = MIMEComposition.field("Subject", MIMEComposition.unstructuredWords(long))
        #expect(field.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 })
        #expect(
            MIMEEncodedWords.decode(field.dropFirst(9).replacingOccurrences(of: "\r\n", with: "")).trimmingCharacters(
                in: .whitespacesAndNewlines) == long)
        #expect(MIMEComposition.safeType("Image/PNG; name=x") == "image/png")
        #expect(MIMEComposition.safeType("text/html\r\nX: y") == "application/octet-stream")
    }

    @Test func headerInjectionIsDefused() throws {
        let mail = OutgoingMail(
            from: MailAddress(name: "Eve\r\nBcc: victim@example.com", address: "eve@example.com"),
            to: [MailAddress(name: nil, address: "a@example.com")], subject: "Hi\r\nBcc: victim@example.com\r\n\r\nInjected body",
            text: "x", messageId: "i@triage.example\r\nX-Evil: 1", date: Self.date,
            extraHeaders: [("X-Note\r\nBcc", "v\r\nBcc: victim@example.com"), ("Content-Type", "text/html"), ("Subject", "second")])
        let raw = mail.rendered()
        Self.checkShape(raw)
        let message = try MailParser.parse(raw)
        #expect(message.header("Bcc") == nil)
        #expect(message.header("X-Evil") == nil)
        #expect(message.headers(named: "Content-Type") == ["text/plain; charset=utf-8"])
        #expect(message.headers(named: "Subject").count == 1)
        #expect(message.subject == "Hi Bcc: victim@example.com Injected body")
        #expect(message.from == MailAddress(name: "Eve Bcc: victim@example.com", address: "eve@example.com"))
        #expect(message.header("X-NoteBcc") == "v  Bcc: victim@example.com")
        #expect(message.text == "x")
    }

    @Test func largeAttachmentRoundTrips() throws {
        var generator = MIMESeededGenerator(seed: 3)
        let data = (0..<(3 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let mail = OutgoingMail(
            from: MailAddress(name: nil, address: "a@triage.example"), to: [MailAddress(name: nil, address: "b@example.com")],
            subject: "", text: "", messageId: "big@triage.example", date: Self.date,
            attachments: [MailPart(filename: "big.bin", contentType: "application/octet-stream", data: data)])
        let message = try MailParser.parse(mail.rendered())
        #expect(message.subject == "")
        #expect(message.text == "")
        #expect(message.attachments.count == 1)
        #expect(message.attachments.first?.data == data)
    }
}
