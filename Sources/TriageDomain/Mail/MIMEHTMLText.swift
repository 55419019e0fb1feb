import Foundation

/// HTML to plain text for reading a mail: no markup survives; script, style and head are dropped
/// with comments; block ends become line breaks, list items "- ", links "label (href)"; entities
/// decoded; images give nothing (nothing is ever loaded).
package enum MIMEHTMLText {
    private static let dropped: Set<String> = ["script", "style", "head", "title", "template", "xml", "svg", "object", "iframe"]
    private static let paragraphs: Set<String> = ["p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol", "dl"]
    private static let lines: Set<String> = [
        "div", "tr", "li", "dt", "dd", "hr", "section", "article", "header", "footer", "nav",
        "address", "form", "fieldset", "center", "main", "aside", "figure", "caption", "body",
    ]

    package static func text(fromHTML html: String) -> String {
        let src = Array(html.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(src.count / 2)
        var links: [(href: String, start: Int)] = []
        var preDepth = 0
        var unclosed: Set<String> = []  // a head without an end: not looked for again
        var i = 0

        /// Ends the text so far with `count` line breaks (spaces aside), none at the very start.
        func breakLines(_ count: Int) {
            var index = out.count
            var breaks = 0
            while index > 0, out.count - index < 64, out[index - 1] == 0x20 || out[index - 1] == 0x0A {
                if out[index - 1] == 0x0A { breaks += 1 }
                index -= 1
            }
            guard index > 0 else { return }
            if breaks < count { out.append(contentsOf: repeatElement(0x0A, count: count - breaks)) }
        }

        func closeLink() {
            guard let link = links.popLast() else { return }
            let label = collapse(String(decoding: out[link.start...], as: UTF8.self))
            if let shown = shownHref(link.href, label: label) { out.append(contentsOf: Array(" (\(shown))".utf8)) }
        }

        while i < src.count {
            let byte = src[i]
            if byte == 0x3C, let tag = readTag(src, at: i) {  // <
                i = tag.end
                switch tag.kind {
                case .skip:
                    continue
                case .close:
                    if tag.name == "a" { closeLink() } else if tag.name == "pre" { preDepth = max(0, preDepth - 1) }
                    if paragraphs.contains(tag.name) {
                        breakLines(2)
                    } else if lines.contains(tag.name) {
                        breakLines(1)
                    } else if tag.name == "br" {
                        out.append(0x0A)
                    } else if tag.name == "td" || tag.name == "th" {
                        out.append(0x20)
                    }
                case .open:
                    if dropped.contains(tag.name) && !tag.selfClosing && !unclosed.contains(tag.name) {
                        if let end = skipContent(src, of: tag.name, from: i) { i = end } else { unclosed.insert(tag.name) }
                        continue
                    }
                    switch tag.name {
                    case "br": out.append(0x0A)
                    case "li":
                        breakLines(1)
                        out.append(contentsOf: [0x2D, 0x20])
                    case "a":
                        if !links.isEmpty { closeLink() }
                        if !tag.selfClosing { links.append((decodeEntities(tag.href ?? ""), out.count)) }
                    case "td", "th": out.append(0x20)
                    case "pre":
                        preDepth += 1
                        breakLines(2)
                    default:
                        if paragraphs.contains(tag.name) { breakLines(2) } else if lines.contains(tag.name) { breakLines(1) }
                    }
                }
                continue
            }
            if byte == 0x26, let entity = readEntity(src, at: i) {  // &
                out.append(contentsOf: entity.bytes)
                i = entity.end
                continue
            }
            if byte == 0x0A && preDepth > 0 {
                out.append(0x0A)
            } else if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C {
                if out.last != 0x20 { out.append(0x20) }
            } else if byte >= 0x20 && byte != 0x7F {
                out.append(byte)
            }
            i += 1
        }
        closeLink()
        return tidy(String(decoding: out, as: UTF8.self))
    }

    /// The href shown after a label: not when it is the label (or the label without scheme or
    /// trailing slash), not for empty labels, fragments or script.
    private static func shownHref(_ rawHref: String, label: String) -> String? {
        let href = rawHref.filter { !$0.isWhitespace && !($0.asciiValue.map { $0 < 0x20 } ?? false) }
        let lower = href.lowercased()
        guard !href.isEmpty, !label.isEmpty, !href.hasPrefix("#"), !lower.hasPrefix("javascript:"), !lower.hasPrefix("data:") else {
            return nil
        }
        func bare(_ s: String) -> String {
            var t = s.lowercased()
            for scheme in ["mailto:", "https://", "http://", "tel:"] where t.hasPrefix(scheme) { t.removeFirst(scheme.count) }
            while t.hasSuffix("/") { t.removeLast() }
            return t
        }
        return label == href || bare(label) == bare(href) ? nil : href
    }

    package enum TagKind { case open, close, skip }

    /// The tag at `<`: its lowercased name, kind, `href`, and the index after `>`; nil when the `<`
    /// is text (`a < b`).
    private static func readTag(_ src: [UInt8], at start: Int) -> (name: String, kind: TagKind, href: String?, selfClosing: Bool, end: Int)?
    {
        guard start + 1 < src.count else { return nil }
        let next = src[start + 1]
        if next == 0x21 || next == 0x3F {  // <! or <?
            if src[start...].starts(with: [0x3C, 0x21, 0x2D, 0x2D]) {
                let close = find(src, [0x2D, 0x2D, 0x3E], from: start + 4)
                return ("", .skip, nil, false, close.map { $0 + 3 } ?? src.count)
            }
            let close = find(src, [0x3E], from: start + 2)
            return ("", .skip, nil, false, close.map { $0 + 1 } ?? src.count)
        }
        var i = start + 1
        let closing = next == 0x2F
        if closing { i += 1 }
        guard i < src.count, isLetter(src[i]) else { return nil }
        let nameStart = i
        while i < src.count, isLetter(src[i]) || (src[i] >= 0x30 && src[i] <= 0x39) || src[i] == 0x3A || src[i] == 0x2D { i += 1 }
        let name = String(decoding: src[nameStart..<i], as: UTF8.self).lowercased()
        var href: String?
        var selfClosing = false
        while i < src.count, src[i] != 0x3E {  // attributes, to >
            if src[i] == 0x2F {
                selfClosing = true
                i += 1
                continue
            }
            guard isLetter(src[i]) || src[i] == 0x5F || src[i] == 0x3A || src[i] == 0x2D else {
                i += 1
                continue
            }
            let attrStart = i
            while i < src.count, ![0x3D, 0x3E, 0x20, 0x09, 0x0A, 0x0D, 0x2F].contains(src[i]) { i += 1 }
            let attr = String(decoding: src[attrStart..<i], as: UTF8.self).lowercased()
            selfClosing = false
            while i < src.count, src[i] == 0x20 || src[i] == 0x09 || src[i] == 0x0A || src[i] == 0x0D { i += 1 }
            guard i < src.count, src[i] == 0x3D else { continue }
            i += 1
            while i < src.count, src[i] == 0x20 || src[i] == 0x09 || src[i] == 0x0A || src[i] == 0x0D { i += 1 }
            var valueStart = i
            var valueEnd = i
            if i < src.count, src[i] == 0x22 || src[i] == 0x27 {
                let quote = src[i]
                valueStart = i + 1
                valueEnd = find(src, [quote], from: valueStart) ?? src.count
                i = min(valueEnd + 1, src.count)
            } else {
                while i < src.count, ![0x3E, 0x20, 0x09, 0x0A, 0x0D].contains(src[i]) { i += 1 }
                valueEnd = i
            }
            if attr == "href" { href = String(decoding: src[valueStart..<valueEnd], as: UTF8.self) }
        }
        return (name, closing ? .close : .open, href, selfClosing, min(i + 1, src.count))
    }

    /// The index after the element's end tag (`</name`…`>`); `head` also ends where `<body` starts,
    /// and when it never ends nothing is skipped (nil). Other elements without an end run to the end.
    private static func skipContent(_ src: [UInt8], of name: String, from start: Int) -> Int? {
        let endTag = find(src, Array("</\(name)".utf8), from: start, caseInsensitive: true)
        if name == "head", let body = find(src, Array("<body".utf8), from: start, caseInsensitive: true), body < (endTag ?? Int.max) {
            return body
        }
        guard let endTag else { return name == "head" ? nil : src.count }
        return (find(src, [0x3E], from: endTag)).map { $0 + 1 } ?? src.count
    }

    private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }

    package static func find(_ src: [UInt8], _ needle: [UInt8], from start: Int, caseInsensitive: Bool = false) -> Int? {
        guard !needle.isEmpty, src.count >= needle.count else { return nil }
        var i = start
        let first = caseInsensitive ? needle[0] | 0x20 : needle[0]
        while i <= src.count - needle.count {
            if (caseInsensitive ? src[i] | 0x20 : src[i]) == first {
                var k = 1
                while k < needle.count, caseInsensitive ? (src[i + k] | 0x20) == (needle[k] | 0x20) : src[i + k] == needle[k] { k += 1 }
                if k == needle.count { return i }
            }
            i += 1
        }
        return nil
    }

    /// Runs of spaces collapsed, lines trimmed, at most one empty line in a row, no blank start or end.
    private static func tidy(_ text: String) -> String {
        var result: [String] = []
        var blank = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let tidied = collapse(String(line))
            if tidied.isEmpty {
                blank += 1
                if blank == 1 && !result.isEmpty { result.append("") }
            } else {
                blank = 0
                result.append(tidied)
            }
        }
        while result.last == "" { result.removeLast() }
        return result.joined(separator: "\n")
    }

    private static func collapse(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\u{A0}" }).joined(separator: " ")
    }
}
