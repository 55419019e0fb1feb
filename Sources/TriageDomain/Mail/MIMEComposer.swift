import Foundation

/// A mail Triage sends: rendered once into RFC 5322 / MIME bytes with CRLF line ends, header lines
/// folded at 78, non-ASCII words as RFC 2047 encoded words, the text as UTF-8 quoted-printable,
/// files as base64 parts of a multipart/mixed.
public struct OutgoingMail: Sendable {
    public var from: MailAddress
    public var to: [MailAddress]
    public var cc: [MailAddress]
    public var subject: String
    public var text: String
    /// Without `<` `>`.
    public var messageId: String
    public var inReplyTo: String?
    public var references: [String]
    public var date: Date
    /// More header fields, e.g. `("Auto-Submitted", "auto-replied")`, `("Reply-To", "…")`. Fields the
    /// composer writes itself (From, Subject, Content-Type …) are not taken from here.
    public var extraHeaders: [(String, String)]
    public var attachments: [MailPart]

    public init(
        from: MailAddress, to: [MailAddress], cc: [MailAddress] = [], subject: String, text: String, messageId: String,
        inReplyTo: String? = nil, references: [String] = [], date: Date = Date(), extraHeaders: [(String, String)] = [],
        attachments: [MailPart] = []
    ) {
        self.from = from
        self.to = to
        self.cc = cc
        self.subject = subject
        self.text = text
        self.messageId = messageId
        self.inReplyTo = inReplyTo
        self.references = references
        self.date = date
        self.extraHeaders = extraHeaders
        self.attachments = attachments
    }

    private static let ownFields: Set<String> = [
        "date", "from", "to", "cc", "subject", "message-id", "in-reply-to", "references",
        "mime-version", "content-type", "content-transfer-encoding", "content-disposition",
    ]
    private static let addressFields: Set<String> = [
        "reply-to", "sender", "mail-followup-to", "disposition-notification-to",
        "bcc", "resent-from", "resent-to", "resent-cc",
    ]

    public func rendered() -> [UInt8] {
        typealias Fold = MIMEComposition
        var head = Fold.field("Date", [MIMEDate.format(date)])
        head += Fold.field("From", Fold.addressWords([from]))
        if !to.isEmpty { head += Fold.field("To", Fold.addressWords(to)) }
        if !cc.isEmpty { head += Fold.field("Cc", Fold.addressWords(cc)) }
        head += Fold.field("Subject", Fold.unstructuredWords(subject))
        head += Fold.field("Message-ID", [Fold.angle(messageId)])
        if let inReplyTo, !Fold.angle(inReplyTo).isEmpty { head += Fold.field("In-Reply-To", [Fold.angle(inReplyTo)]) }
        let references = references.map(Fold.angle).filter { !$0.isEmpty }
        if !references.isEmpty { head += Fold.field("References", references) }
        for (rawName, value) in extraHeaders {
            let name = String(rawName.unicodeScalars.filter { $0.value > 0x20 && $0.value < 0x7F && $0 != ":" }.map(Character.init))
            guard !name.isEmpty, !Self.ownFields.contains(name.lowercased()) else { continue }
            let clean = Fold.oneLine(value)
            let isAddressField = Self.addressFields.contains(name.lowercased()) && !clean.unicodeScalars.allSatisfy(\.isASCII)
            let parsed = isAddressField ? MIMEAddressList.parse(clean) : []
            head += Fold.field(name, parsed.isEmpty ? Fold.unstructuredWords(clean) : Fold.addressWords(parsed))
        }
        head += "MIME-Version: 1.0\r\n"
        let textBody = MIMETransfer.encodeQuotedPrintable(text)
        let textHead = "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n"
        guard !attachments.isEmpty else {
            return Array((head + textHead + "\r\n").utf8) + textBody
        }
        let files = attachments.map { part in (Fold.attachmentHead(part), MIMETransfer.encodeBase64Lines(part.data)) }
        var boundary = Fold.boundary()
        while ([textBody] + files.map(\.1)).contains(where: { Fold.contains($0, Array(boundary.utf8)) }) { boundary = Fold.boundary() }
        var out = Array((head + Fold.field("Content-Type", ["multipart/mixed;", "boundary=\"\(boundary)\""]) + "\r\n").utf8)
        out.reserveCapacity(out.count + textBody.count + files.reduce(0) { $0 + $1.1.count + 400 } + 200)
        out += Array("This is a multi-part message in MIME format.\r\n\r\n--\(boundary)\r\n\(textHead)\r\n".utf8)
        out += textBody
        for (partHead, content) in files {
            out += Array("--\(boundary)\r\n\(partHead)\r\n".utf8)
            out += content
        }
        out += Array("--\(boundary)--\r\n".utf8)
        return out
    }
}

/// The pieces of composing: header words and folding, encoded words, parameters, the boundary.
package enum MIMEComposition {
    /// `Name: words…` folded before a word where the line would pass 78 characters.
    package static func field(_ name: String, _ words: [String]) -> String {
        var text = name + ":"
        var length = text.utf8.count
        for word in words {
            let width = word.utf8.count
            if length + 1 + width > 78, 1 + width <= 78, !word.isEmpty {
                text += "\r\n " + word
                length = 1 + width
            } else {
                text += " " + word
                length += 1 + width
            }
        }
        return text + "\r\n"
    }

    /// The text with line breaks and other controls as spaces (nothing can start a header field).
    package static func oneLine(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
    }

    /// `<id>` without whitespace, or "" when nothing is left.
    package static func angle(_ id: String) -> String {
        let bare = oneLine(id).filter { $0 != "<" && $0 != ">" && !$0.isWhitespace }
        return bare.isEmpty ? "" : "<\(bare)>"
    }

    /// Unstructured text as words: as written when printable ASCII, else (or when a word is too long
    /// to fold, or looks encoded) RFC 2047 encoded words.
    package static func unstructuredWords(_ text: String) -> [String] {
        let clean = oneLine(text)
        let words = clean.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        if clean.unicodeScalars.allSatisfy(\.isASCII), !clean.contains("=?"), words.allSatisfy({ $0.utf8.count <= 76 }) {
            return words
        }
        return encodedWords(clean)
    }

    /// `=?UTF-8?B?…?=` words of at most 42 bytes of text (68 characters, so `Subject: ` and a word
    /// fit in 78), cut between characters, never inside one's UTF-8.
    package static func encodedWords(_ text: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        func flush() {
            if !chunk.isEmpty { words.append("=?UTF-8?B?\(MIMETransfer.base64(chunk))?=") }
            chunk.removeAll()
        }
        for character in text {
            let bytes = Array(String(character).utf8)
            let pieces = bytes.count <= 42 ? [bytes] : character.unicodeScalars.map { Array(String($0).utf8) }
            for piece in pieces {
                if chunk.count + piece.count > 42 { flush() }
                chunk += piece
            }
        }
        flush()
        return words
    }

    private static let atext = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~ ".unicodeScalars)

    /// `Name <a@b>, "Last, First" <c@d>, =?UTF-8?B?…?= <e@f>` as words.
    package static func addressWords(_ addresses: [MailAddress]) -> [String] {
        var words: [String] = []
        for (index, address) in addresses.enumerated() {
            let bare = oneLine(address.address).filter { !$0.isWhitespace && $0 != "<" && $0 != ">" && $0 != "," }
            let name = oneLine(address.name ?? "").split(separator: " ").joined(separator: " ")
            var item: [String]
            if name.isEmpty {
                item = [bare]
            } else if name.unicodeScalars.allSatisfy(\.isASCII), !name.contains("=?") {
                let phrase =
                    name.unicodeScalars.allSatisfy(atext.contains)
                    ? name
                    : "\"" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
                item = phrase.split(separator: " ").map(String.init) + ["<\(bare)>"]
            } else {
                item = encodedWords(name) + ["<\(bare)>"]
            }
            if index < addresses.count - 1 { item[item.count - 1] += "," }
            words += item
        }
        return words
    }

    /// An attachment's Content-Type, Content-Disposition (RFC 2231 filename when not short ASCII)
    /// and Content-Transfer-Encoding lines.
    package static func attachmentHead(_ part: MailPart) -> String {
        let type = safeType(part.contentType)
        let name = oneLine(part.filename).trimmingCharacters(in: .whitespaces)
        let filename = name.isEmpty ? "attachment" : name
        let simple =
            filename.unicodeScalars.allSatisfy { $0.isASCII && $0 != "\"" && $0 != "\\" } && filename.utf8.count <= 60
            && !filename.contains("=?")
        let nameParameter = simple ? ["name=\"\(filename)\""] : quotedEncodedWords(filename)
        var head = field("Content-Type", ["\(type);"] + nameParameter)
        head += field(
            "Content-Disposition", ["attachment;"] + (simple ? ["filename=\"\(filename)\""] : extendedParameter("filename", filename)))
        return head + "Content-Transfer-Encoding: base64\r\n"
    }

    /// `name="=?UTF-8?B?…?= =?UTF-8?B?…?="` (what many mail programs read) as words.
    private static func quotedEncodedWords(_ text: String) -> [String] {
        var words = encodedWords(text)
        words[0] = "name=\"" + words[0]
        words[words.count - 1] += "\""
        return words
    }

    /// RFC 2231: `filename*=utf-8''…` or, when long, `filename*0*=utf-8''…; filename*1*=…` sections.
    private static func extendedParameter(_ name: String, _ value: String) -> [String] {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$&+-.^_`|~".utf8)
        let hex = Array("0123456789ABCDEF".utf8)
        let escapes = value.utf8.map { byte in
            safe.contains(byte)
                ? String(UnicodeScalar(byte))
                : "%" + String(UnicodeScalar(hex[Int(byte >> 4)])) + String(UnicodeScalar(hex[Int(byte & 15)]))
        }
        if escapes.reduce(0, { $0 + $1.count }) <= 50 { return ["\(name)*=utf-8''\(escapes.joined())"] }
        var sections: [String] = []
        var current = ""
        for escape in escapes {
            if current.count + escape.count > 50 {
                sections.append(current)
                current = ""
            }
            current += escape
        }
        if !current.isEmpty { sections.append(current) }
        return sections.enumerated().map { index, section in
            "\(name)*\(index)*=\(index == 0 ? "utf-8''" : "")\(section)\(index < sections.count - 1 ? ";" : "")"
        }
    }

    /// A clean `type/subtype`, or application/octet-stream.
    package static func safeType(_ declared: String) -> String {
        let type = (declared.split(separator: ";").first ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789.+-_")
        let parts = type.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(allowed.contains) }) ? type : "application/octet-stream"
    }

    /// `=_Triage_` and 32 random hex digits: `=_` never occurs in quoted-printable or base64.
    package static func boundary() -> String {
        var random = SystemRandomNumberGenerator()
        let digits = (0..<4).map { _ in String(random.next() as UInt32, radix: 16) }.map {
            String(repeating: "0", count: 8 - $0.count) + $0
        }
        return "=_Triage_" + digits.joined()
    }

    package static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, haystack.count >= needle.count else { return false }
        return haystack.withUnsafeBufferPointer { h in
            needle.withUnsafeBufferPointer { n in
                guard let base = h.baseAddress else { return false }
                var start = 0
                while start <= h.count - n.count, let hit = memchr(base + start, Int32(first), h.count - n.count + 1 - start) {
                    let index = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    if memcmp(base + index, n.baseAddress!, n.count) == 0 { return true }
                    start = index + 1
                }
                return false
            }
        }
    }
}
