import Foundation

/// What the entity tree holds for a reader: the body text, the attachments, a delivery report.
package struct MIMEContent {
    package struct Piece {
        package var text: String
        package var html: Bool
    }

    package var reader: MIMEReader
    package var attachments: [MailPart] = []
    /// The leaves read as body text (by the start of their body).
    private var used: Set<Int> = []

    package init(reader: MIMEReader) { self.reader = reader }

    // MARK: Body text

    /// The text of an entity: text/plain preferred among alternatives, else HTML as text; inline
    /// text parts of a mixed multipart one after another.
    package mutating func bodyText(_ entity: MIMEEntity) -> [Piece] {
        guard entity.isMultipart else {
            guard entity.disposition != "attachment" else { return [] }
            switch entity.mediaType {
            case "text/plain":
                used.insert(entity.body.lowerBound)
                return [Piece(text: decodedText(entity), html: false)]
            case "text/html":
                used.insert(entity.body.lowerBound)
                return [Piece(text: MIMEHTMLText.text(fromHTML: decodedText(entity)), html: true)]
            default:
                return []
            }
        }
        switch entity.mediaType {
        case "multipart/alternative":
            let before = used
            var candidates: [(pieces: [Piece], used: Set<Int>)] = []
            for child in entity.children {
                used = []
                candidates.append((bodyText(child), used))
            }
            func hasText(_ pieces: [Piece]) -> Bool { pieces.contains { !$0.text.isEmpty } }
            let chosen =
                candidates.first { hasText($0.pieces) && !$0.pieces.contains(where: \.html) }
                ?? candidates.first { hasText($0.pieces) } ?? candidates.first { !$0.pieces.isEmpty }
            used = before.union(chosen?.used ?? [])
            return chosen?.pieces ?? []
        case "multipart/related":
            let start = entity.parameters["start"].map { MIMEHeaderValue.messageIds($0).first ?? $0 }
            let root =
                entity.children.first { child in
                    start != nil
                        && child.headers.first { $0.name.caseInsensitiveEquals("Content-ID") }
                            .map { MIMEHeaderValue.messageIds($0.value).first == start } == true
                } ?? entity.children.first
            return root.map { bodyText($0) } ?? []
        case "multipart/report", "multipart/signed", "multipart/encrypted":
            return entity.children.first.map { bodyText($0) } ?? []
        default:
            var pieces: [Piece] = []
            for child in entity.children {
                // A named text part after the body is a file (a log, a page), not more body.
                if !child.isMultipart, !pieces.isEmpty, child.filename != nil { continue }
                pieces += bodyText(child)
            }
            return pieces
        }
    }

    /// The text of a text part: its charset (or an HTML part's meta charset), LF line ends, no
    /// trailing whitespace.
    private mutating func decodedText(_ entity: MIMEEntity) -> String {
        let data = decodedData(entity)
        var charset = entity.parameters["charset"]
        if charset == nil, entity.mediaType == "text/html" { charset = Self.metaCharset(data) }
        let (text, problem) = MIMECharset.decode(data[...], charset: charset)
        if let problem { reader.note(problem) }
        var scalars = String.UnicodeScalarView()
        var previousCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\r" {
                scalars.append("\n")
                previousCR = true
                continue
            }
            if !(scalar == "\n" && previousCR) { scalars.append(scalar) }
            previousCR = false
        }
        var result = String(scalars)
        if entity.mediaType == "text/plain", entity.parameters["format"]?.lowercased() == "flowed" {
            result = MIMEFlowedText.unflow(result, deleteSpace: entity.parameters["delsp"]?.lowercased() == "yes")
        }
        while let last = result.unicodeScalars.last, last.properties.isWhitespace || last == "\0" { result.unicodeScalars.removeLast() }
        return result
    }

    /// `<meta charset="…">` or `content="text/html; charset=…"` near the start of an HTML part.
    private static func metaCharset(_ data: [UInt8]) -> String? {
        let head = Array(data.prefix(4096))
        guard let at = MIMEHTMLText.find(head, Array("charset=".utf8), from: 0, caseInsensitive: true) else { return nil }
        var i = at + 8
        while i < head.count, head[i] == 0x22 || head[i] == 0x27 || head[i] == 0x20 { i += 1 }
        let start = i
        while i < head.count, head[i] < 0x80,
            head[i] == 0x2D || head[i] == 0x5F || head[i] == 0x2E || head[i] == 0x3A
                || (head[i] | 0x20 >= 0x61 && head[i] | 0x20 <= 0x7A) || (head[i] >= 0x30 && head[i] <= 0x39)
        { i += 1 }
        return i > start ? String(decoding: head[start..<i], as: UTF8.self) : nil
    }

    /// The body with its Content-Transfer-Encoding undone.
    package mutating func decodedData(_ entity: MIMEEntity) -> [UInt8] {
        let raw = reader.bytes[entity.body]
        switch entity.encoding {
        case "base64":
            let (bytes, garbage) = MIMETransfer.decodeBase64(raw)
            if garbage > 0 { reader.note("stray characters in base64 skipped") }
            return bytes
        case "quoted-printable":
            return MIMETransfer.decodeQuotedPrintable(raw)
        case "7bit", "8bit", "binary", "":
            return Array(raw)
        default:
            reader.note("unknown Content-Transfer-Encoding \(entity.encoding.prefix(40)), read as 8bit")
            return Array(raw)
        }
    }

    // MARK: Attachments

    /// Call after `bodyText`: files are the parts marked attachment, message/rfc822 parts
    /// (`message.eml`), named parts that are not body text, and unnamed non-text parts outside
    /// related and alternative multiparts (an inline image without a name is part of the HTML).
    package mutating func collectAttachments(_ entity: MIMEEntity, parent: String?) {
        guard !entity.skipped else { return }
        if entity.isMultipart {
            for child in entity.children { collectAttachments(child, parent: entity.mediaType) }
            return
        }
        let type = entity.mediaType
        let marked = entity.disposition == "attachment"
        var name: String?
        switch type {
        case "message/delivery-status", "message/global-delivery-status":
            name = nil
        case "message/rfc822", "message/global":
            name = entity.filename ?? "message.eml"
        case "text/plain", "text/html":
            name =
                used.contains(entity.body.lowerBound)
                ? nil : marked || entity.filename != nil ? entity.filename ?? generatedName(type) : nil
        default:
            if marked || entity.filename != nil {
                name = entity.filename ?? generatedName(type)
            } else if parent == "multipart/related" || parent == "multipart/alternative" {
                name = nil
            } else {
                name = generatedName(type)
            }
        }
        guard let name else { return }
        attachments.append(MailPart(filename: name, contentType: type, data: decodedData(entity)))
    }

    private func generatedName(_ type: String) -> String {
        let known = [
            "application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "text/plain": "txt",
            "text/html": "html", "text/calendar": "ics", "text/csv": "csv", "application/zip": "zip",
            "text/rfc822-headers": "txt", "message/rfc822": "eml", "application/json": "json", "text/xml": "xml",
        ]
        return "attachment-\(attachments.count + 1).\(known[type] ?? "bin")"
    }

    // MARK: Delivery report

    /// The recipients of the first `multipart/report; report-type=delivery-status` (RFC 3464).
    package mutating func deliveryReport(_ root: MIMEEntity) -> [DeliveryStatus]? {
        guard
            let report = Self.first(
                root,
                where: {
                    $0.mediaType == "multipart/report" && $0.parameters["report-type"]?.lowercased() == "delivery-status"
                })
        else { return nil }
        guard
            let part = report.children.first(where: {
                $0.mediaType == "message/delivery-status" || $0.mediaType == "message/global-delivery-status"
            })
        else {
            reader.note("a delivery report without a message/delivery-status part")
            return []
        }
        let data = decodedData(part)
        var statuses: [DeliveryStatus] = []
        data.withUnsafeBufferPointer { buffer in
            var start = 0
            while start < buffer.count {
                let block = MIMEHeaderBlock.parse(buffer, in: start..<buffer.count)
                let next =
                    block.end == .nonHeaderLine && block.bodyStart == start
                    ? MIMEHeaderBlock.lineEnd(buffer, from: start, limit: buffer.count).next : block.bodyStart
                func field(_ name: String) -> String? {
                    block.fields.first { $0.name.caseInsensitiveEquals(name) }?.value
                }
                if let recipient = (field("Final-Recipient") ?? field("Original-Recipient")).map(Self.address), !recipient.isEmpty {
                    let action = field("Action").flatMap { $0.split(separator: " ").first }.map { $0.lowercased() }
                    statuses.append(DeliveryStatus(recipient: recipient, action: action, status: field("Status").map(Self.statusCode)))
                }
                guard next > start else { break }
                start = next
            }
        }
        return statuses
    }

    /// `rfc822; a@b` → `a@b`.
    private static func address(_ value: String) -> String {
        let typed = value.split(separator: ";", maxSplits: 1).last.map(String.init) ?? value
        return typed.trimmingCharacters(in: CharacterSet.whitespaces.union(CharacterSet(charactersIn: "<>")))
    }

    /// `5.1.1 (user unknown)` → `5.1.1`.
    private static func statusCode(_ value: String) -> String {
        let words = value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "(" })
        let code = words.first { word in
            let pieces = word.split(separator: ".", omittingEmptySubsequences: false)
            return pieces.count == 3 && pieces.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
        }
        return code.map(String.init) ?? value.trimmingCharacters(in: .whitespaces)
    }

    private static func first(_ entity: MIMEEntity, where match: (MIMEEntity) -> Bool) -> MIMEEntity? {
        if match(entity) { return entity }
        for child in entity.children { if let found = first(child, where: match) { return found } }
        return nil
    }
}
