import Foundation

/// A header block (RFC 5322 section 2.2): `Name: value` lines, folded lines unfolded, ended by an
/// empty line; CRLF or LF line ends.
package enum MIMEHeaderBlock {
    package enum End: Equatable {
        /// An empty line ended the block (the usual case).
        case blankLine
        /// The input ended inside the block.
        case endOfInput
        /// A line that is no header field (nor a continuation) ended it: the body starts there.
        case nonHeaderLine
    }

    /// The fields from `range.lowerBound` on, and where the body starts.
    package static func parse(_ bytes: UnsafeBufferPointer<UInt8>, in range: Range<Int>)
        -> (fields: [(name: String, value: String)], bodyStart: Int, end: End)
    {
        var fields: [(name: String, value: String)] = []
        var name: String?
        var value: [UInt8] = []
        func flush() {
            if let current = name {
                fields.append((current, MIMECharset.headerText(value[...]).trimmingCharacters(in: .whitespaces)))
            }
            name = nil
            value.removeAll(keepingCapacity: true)
        }
        var lineStart = range.lowerBound
        while lineStart < range.upperBound {
            let (contentEnd, next) = lineEnd(bytes, from: lineStart, limit: range.upperBound)
            if contentEnd == lineStart {  // the empty line
                flush()
                return (fields, next, .blankLine)
            }
            let first = bytes[lineStart]
            if first == 0x20 || first == 0x09 {
                if name != nil {
                    value.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[lineStart..<contentEnd]))
                    lineStart = next
                    continue
                }
                if fields.isEmpty { return (fields, lineStart, .nonHeaderLine) }
                lineStart = next  // a stray continuation: nothing to continue
                continue
            }
            guard let colon = nameEnd(bytes, lineStart..<contentEnd) else {
                flush()
                return (fields, lineStart, .nonHeaderLine)
            }
            flush()
            var nameEnd = colon
            while nameEnd > lineStart, bytes[nameEnd - 1] == 0x20 || bytes[nameEnd - 1] == 0x09 { nameEnd -= 1 }
            name = String(decoding: UnsafeBufferPointer(rebasing: bytes[lineStart..<nameEnd]), as: UTF8.self)
            value.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[(colon + 1)..<contentEnd]))
            lineStart = next
        }
        flush()
        return (fields, range.upperBound, .endOfInput)
    }

    /// The index of the colon when the line starts with a field name (printable ASCII but the
    /// colon, optional whitespace before the colon).
    private static func nameEnd(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> Int? {
        var i = line.lowerBound
        while i < line.upperBound, bytes[i] > 0x20, bytes[i] < 0x7F, bytes[i] != 0x3A { i += 1 }
        guard i > line.lowerBound else { return nil }
        while i < line.upperBound, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
        return i < line.upperBound && bytes[i] == 0x3A ? i : nil
    }

    /// The end of the line's content (before CR LF or LF) and the start of the next line.
    package static func lineEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, limit: Int) -> (contentEnd: Int, next: Int) {
        guard start < limit, let base = bytes.baseAddress else { return (limit, limit) }
        guard let found = memchr(base + start, 0x0A, limit - start) else { return (limit, limit) }
        let newline = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        let contentEnd = newline > start && bytes[newline - 1] == 0x0D ? newline - 1 : newline
        return (contentEnd, newline + 1)
    }
}

/// RFC 2047 encoded words (`=?charset?B?…?=`, `=?charset?Q?…?=`) in header text.
package enum MIMEEncodedWords {
    /// The text with its encoded words decoded; whitespace between adjacent encoded words is
    /// dropped, and adjacent words in one charset are decoded together (a character split over two
    /// words survives).
    package static func decode(_ text: String) -> String {
        guard text.contains("=?") else { return text }
        let bytes = Array(text.utf8)
        var result = ""
        var pending: [UInt8] = []
        var pendingCharset: String?
        var literalStart = 0
        var i = 0
        func flush() {
            if let charset = pendingCharset { result += MIMECharset.decode(pending[...], charset: charset).text }
            pending.removeAll()
            pendingCharset = nil
        }
        while i + 1 < bytes.count {
            guard bytes[i] == 0x3D, bytes[i + 1] == 0x3F, let word = encodedWord(bytes, at: i) else {
                i += 1
                continue
            }
            let literal = bytes[literalStart..<i]
            let onlySpace = literal.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
            if pendingCharset != nil, onlySpace {
                if pendingCharset != word.charset { flush() }
            } else {
                flush()
                result += String(decoding: literal, as: UTF8.self)
            }
            pendingCharset = word.charset
            pending.append(contentsOf: word.bytes)
            i = word.end
            literalStart = i
        }
        flush()
        result += String(decoding: bytes[literalStart...], as: UTF8.self)
        return result
    }

    /// The encoded word starting at `start` (at `=?`), when it is one.
    private static func encodedWord(_ bytes: [UInt8], at start: Int) -> (charset: String, bytes: [UInt8], end: Int)? {
        var i = start + 2
        let charsetStart = i
        while i < bytes.count, bytes[i] != 0x3F, bytes[i] > 0x20, bytes[i] < 0x7F { i += 1 }
        guard i < bytes.count, bytes[i] == 0x3F, i > charsetStart, i + 2 < bytes.count, bytes[i + 2] == 0x3F else { return nil }
        let charset = String(decoding: bytes[charsetStart..<i], as: UTF8.self).lowercased()
        let encoding = bytes[i + 1] | 0x20
        guard encoding == 0x62 || encoding == 0x71 else { return nil }  // b, q
        let textStart = i + 3
        var j = textStart
        while j + 1 < bytes.count, !(bytes[j] == 0x3F && bytes[j + 1] == 0x3D) {
            if bytes[j] == 0x20 || bytes[j] == 0x09 || bytes[j] == 0x0A || bytes[j] == 0x0D { return nil }
            j += 1
        }
        guard j + 1 < bytes.count else { return nil }
        let encoded = bytes[textStart..<j]
        let decoded: [UInt8]
        if encoding == 0x62 {
            decoded = MIMETransfer.decodeBase64(encoded).bytes
        } else {
            var out: [UInt8] = []
            var k = encoded.startIndex
            while k < encoded.endIndex {
                let byte = encoded[k]
                if byte == 0x5F {
                    out.append(0x20)
                } else if byte == 0x3D, k + 2 < encoded.endIndex, let high = MIMETransfer.hexValue(encoded[k + 1]),
                    let low = MIMETransfer.hexValue(encoded[k + 2])
                {
                    out.append(high << 4 | low)
                    k += 2
                } else {
                    out.append(byte)
                }
                k += 1
            }
            decoded = out
        }
        return (charset, decoded, j + 2)
    }
}
