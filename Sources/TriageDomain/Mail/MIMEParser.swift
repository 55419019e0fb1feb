import Foundation

/// Reads a received mail (RFC 5322, MIME: RFC 2045–2047, 2231, 3464) best-effort: it throws only
/// for bytes that are no mail at all, and notes in `problems` what was wrong but survived.
public enum MailParser {
    public static func parse(_ bytes: [UInt8]) throws(MailParseError) -> MailMessage {
        guard bytes.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D && $0 != 0x0A }) else {
            throw MailParseError(reason: "empty input")
        }
        var reader = MIMEReader(bytes: bytes)
        let header = bytes.withUnsafeBufferPointer { buffer in
            var start = 0
            // An mbox envelope line (`From sender date`) before the header (not `From : a@b`).
            if bytes.starts(with: Array("From ".utf8)), bytes.dropFirst(5).first(where: { $0 != 0x20 && $0 != 0x09 }) != 0x3A {
                start = MIMEHeaderBlock.lineEnd(buffer, from: 0, limit: buffer.count).next
            }
            return MIMEHeaderBlock.parse(buffer, in: start..<buffer.count)
        }
        guard !header.fields.isEmpty else { throw MailParseError(reason: "no header line before the first blank line") }
        if header.end == .nonHeaderLine { reader.note("the header does not end with a blank line") }

        var message = MailMessage(headers: header.fields)
        let fromAddresses = message.headers(named: "From").flatMap(MIMEAddressList.parse)
        guard let from = fromAddresses.first else {
            throw MailParseError(reason: message.header("From") == nil ? "no From header" : "no address in the From header")
        }
        message.from = from
        message.subject = collapsed(MIMEEncodedWords.decode(message.headers(named: "Subject").first ?? ""))
        message.to = message.headers(named: "To").flatMap(MIMEAddressList.parse)
        message.cc = message.headers(named: "Cc").flatMap(MIMEAddressList.parse)
        message.replyTo = message.headers(named: "Reply-To").flatMap(MIMEAddressList.parse)
        message.messageId = message.header("Message-ID").flatMap { MIMEHeaderValue.messageIds($0).first }
        message.inReplyTo = message.headers(named: "In-Reply-To").flatMap(MIMEHeaderValue.messageIds)
        message.references = message.headers(named: "References").flatMap(MIMEHeaderValue.messageIds)
        if let date = message.header("Date") {
            message.date = MIMEDate.parse(date)
            if message.date == nil { reader.note("unparsable Date header") }
        }

        let root = reader.entity(headers: header.fields, body: header.bodyStart..<bytes.count, depth: 0, defaultType: "text/plain")
        var content = MIMEContent(reader: reader)
        let pieces = content.bodyText(root)
        content.collectAttachments(root, parent: nil)
        let shown = pieces.filter { !$0.text.isEmpty }
        message.text = shown.map(\.text).joined(separator: "\n\n")
        message.htmlOnly = shown.contains { $0.html } && !shown.contains { !$0.html }
        message.attachments = content.attachments
        message.deliveryReport = content.deliveryReport(root)
        message.problems = content.reader.problems
        return message
    }

    package static func collapsed(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace || $0.isNewline || ($0.asciiValue.map { $0 < 0x20 } ?? false) }).joined(separator: " ")
    }
}

/// One MIME entity: its header, media type, and body as a range of the message's bytes.
package struct MIMEEntity {
    package var headers: [(name: String, value: String)]
    /// `type/subtype`, lowercased.
    package var mediaType: String
    package var parameters: [String: String]
    /// `attachment`, `inline` or nil, lowercased.
    package var disposition: String?
    package var dispositionParameters: [String: String]
    /// The Content-Transfer-Encoding, lowercased.
    package var encoding: String
    package var body: Range<Int>
    package var children: [MIMEEntity] = []
    /// A multipart nested too deep: neither read nor kept.
    package var skipped = false

    package var isMultipart: Bool { mediaType.hasPrefix("multipart/") }

    /// The file name: Content-Disposition's `filename`, else Content-Type's `name`, RFC 2047
    /// decoded, without any folder, nil when none or blank.
    package var filename: String? {
        let fromDisposition = dispositionParameters["filename"] != nil
        guard let raw = dispositionParameters["filename"] ?? parameters["name"] else { return nil }
        let extended = (fromDisposition ? dispositionParameters : parameters)[fromDisposition ? "filename*" : "name*"] != nil
        var name = extended ? raw : MIMEEncodedWords.decode(raw)
        if let slash = name.lastIndex(where: { $0 == "/" || $0 == "\\" }) { name = String(name[name.index(after: slash)...]) }
        name = String(name.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init))
        name = name.trimmingCharacters(in: .whitespaces)
        return name.isEmpty || name == "." || name == ".." ? nil : name
    }
}

/// Builds the entity tree, noting problems.
package struct MIMEReader {
    package let bytes: [UInt8]
    package var problems: [String] = []
    package static let maxDepth = 20

    package mutating func note(_ problem: String) {
        if !problems.contains(problem) { problems.append(problem) }
    }

    /// A part: its header block, then its body.
    package mutating func part(in range: Range<Int>, depth: Int, defaultType: String) -> MIMEEntity {
        let header = bytes.withUnsafeBufferPointer { MIMEHeaderBlock.parse($0, in: range) }
        if header.end == .nonHeaderLine && !header.fields.isEmpty { note("a part's header does not end with a blank line") }
        return entity(headers: header.fields, body: header.bodyStart..<range.upperBound, depth: depth, defaultType: defaultType)
    }

    package mutating func entity(headers: [(name: String, value: String)], body: Range<Int>, depth: Int, defaultType: String) -> MIMEEntity
    {
        func first(_ name: String) -> String? { headers.first { $0.name.caseInsensitiveEquals(name) }?.value }
        var mediaType = defaultType
        var parameters: [String: String] = [:]
        if let value = first("Content-Type") {
            let parsed = MIMEHeaderValue.contentType(value)
            parameters = parsed.parameters
            if let type = parsed.type {
                mediaType = type
            } else if !value.trimmingCharacters(in: .whitespaces).isEmpty {
                note("malformed Content-Type \(value.prefix(60)), read as \(defaultType)")
            }
        }
        var disposition: String?
        var dispositionParameters: [String: String] = [:]
        if let value = first("Content-Disposition") {
            let parsed = MIMEHeaderValue.tokenAndParameters(value)
            disposition = parsed.token.isEmpty ? nil : parsed.token
            dispositionParameters = parsed.parameters
        }
        let encoding = (first("Content-Transfer-Encoding") ?? "7bit").trimmingCharacters(in: .whitespaces).lowercased()
        var entity = MIMEEntity(
            headers: headers, mediaType: mediaType, parameters: parameters, disposition: disposition,
            dispositionParameters: dispositionParameters, encoding: encoding, body: body)
        guard entity.isMultipart else { return entity }
        guard depth < Self.maxDepth else {
            note("MIME parts nested deeper than \(Self.maxDepth) levels were skipped")
            entity.skipped = true
            return entity
        }
        if !["7bit", "8bit", "binary", ""].contains(encoding) {
            note("a multipart with Content-Transfer-Encoding \(encoding), read as 8bit")
        }
        let childType = mediaType == "multipart/digest" ? "message/rfc822" : "text/plain"
        guard let ranges = partRanges(of: entity) else {
            entity.mediaType = "text/plain"
            entity.parameters = [:]
            return entity
        }
        entity.children = ranges.map { part(in: $0, depth: depth + 1, defaultType: childType) }
        return entity
    }

    /// The ranges of a multipart's parts. Without a closing boundary the last part runs to the end;
    /// when the boundary never appears, a boundary-like line is tried, else nil: the body is read as text.
    private mutating func partRanges(of entity: MIMEEntity) -> [Range<Int>]? {
        let declared = entity.parameters["boundary"] ?? ""
        if !declared.isEmpty, let ranges = split(entity.body, boundary: Array(declared.utf8)) { return ranges }
        let guess = guessBoundary(in: entity.body)
        if let guess, let ranges = split(entity.body, boundary: guess) {
            let found = String(decoding: guess, as: UTF8.self)
            note(
                declared.isEmpty
                    ? "no multipart boundary given; used \"\(found)\" found in the body"
                    : "boundary \"\(declared)\" never appears; used \"\(found)\" found in the body")
            return ranges
        }
        note(
            declared.isEmpty
                ? "no multipart boundary given; body read as text" : "boundary \"\(declared)\" never appears; body read as text")
        return nil
    }

    /// The parts between `--boundary` lines, nil when there is none.
    private mutating func split(_ range: Range<Int>, boundary: [UInt8]) -> [Range<Int>]? {
        var delimiters: [(lineStart: Int, next: Int)] = []
        var closed = false
        bytes.withUnsafeBufferPointer { p in
            var line = range.lowerBound
            while line < range.upperBound {
                let (contentEnd, next) = MIMEHeaderBlock.lineEnd(p, from: line, limit: range.upperBound)
                if contentEnd - line >= boundary.count + 2, p[line] == 0x2D, p[line + 1] == 0x2D,
                    (0..<boundary.count).allSatisfy({ p[line + 2 + $0] == boundary[$0] })
                {
                    var after = line + 2 + boundary.count
                    let closing = after + 1 < contentEnd && p[after] == 0x2D && p[after + 1] == 0x2D
                    while after < contentEnd, p[after] == 0x20 || p[after] == 0x09 { after += 1 }
                    if closing || after == contentEnd {
                        delimiters.append((line, next))
                        if closing {
                            closed = true
                            return
                        }
                    }
                }
                line = next
            }
        }
        guard !delimiters.isEmpty else { return nil }
        if !closed { note("no closing boundary") }
        var ranges: [Range<Int>] = []
        let ends = delimiters.dropFirst().map(\.lineStart) + (closed ? [] : [range.upperBound])
        for (delimiter, end) in zip(delimiters, ends) {
            var stop = end
            if closed || end != range.upperBound {  // the line break before a delimiter belongs to it
                if stop > delimiter.next, bytes[stop - 1] == 0x0A { stop -= 1 }
                if stop > delimiter.next, bytes[stop - 1] == 0x0D { stop -= 1 }
            }
            ranges.append(delimiter.next..<max(delimiter.next, stop))
        }
        return ranges
    }

    /// A `--token` line followed by a `Content-` header line: the boundary the sender used.
    private func guessBoundary(in range: Range<Int>) -> [UInt8]? {
        bytes.withUnsafeBufferPointer { p in
            var line = range.lowerBound
            while line < range.upperBound {
                let (contentEnd, next) = MIMEHeaderBlock.lineEnd(p, from: line, limit: range.upperBound)
                if contentEnd - line > 2, contentEnd - line < 200, p[line] == 0x2D, p[line + 1] == 0x2D,
                    !(line + 2..<contentEnd).contains(where: { p[$0] <= 0x20 }), next < range.upperBound,
                    Array(p[next..<min(next + 8, range.upperBound)]).map({ $0 | 0x20 }) == Array("content-".utf8)
                {
                    var end = contentEnd
                    if end - line > 4, p[end - 1] == 0x2D, p[end - 2] == 0x2D { end -= 2 }
                    return Array(p[(line + 2)..<end])
                }
                line = next
            }
            return nil
        }
    }
}
