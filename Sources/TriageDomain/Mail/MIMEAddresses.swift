import Foundation

/// Address lists (RFC 5322 section 3.4): `Name <a@b>`, `"Last, First" <a@b>`, `a@b (Name)`, bare
/// addresses, groups (`Team: a@b, c@d;`, `undisclosed-recipients:;`). Whatever is not an address
/// with a local part and a domain is skipped; nothing here traps on garbage.
package enum MIMEAddressList {
    package static func parse(_ value: String) -> [MailAddress] {
        let scalars = Array(value.unicodeScalars)
        var result: [MailAddress] = []
        var phrase = ""  // the display name as read (quoted strings unquoted)
        var raw = ""  // the same text with quotes kept: a bare address
        var comment = ""
        var angle: String?
        var inGroup = false
        var i = 0

        func finish() {
            defer {
                phrase = ""
                raw = ""
                comment = ""
                angle = nil
            }
            var name: String
            var address: String
            if let inside = angle {
                address = inside
                name = phrase
                if let colon = address.lastIndex(of: ":") { address = String(address[address.index(after: colon)...]) }  // obsolete route
            } else {
                let words = raw.split(whereSeparator: { $0 == " " || $0 == "\t" })
                if let at = words.firstIndex(where: { isAddress(String($0)) }) {
                    address = String(words[at])
                    name = words.enumerated().filter { $0.offset != at }.map { String($0.element) }.joined(separator: " ")
                    if name.isEmpty { name = comment }
                } else {
                    address = words.joined()
                    name = comment
                }
            }
            address = address.filter { !$0.isWhitespace }
            guard isAddress(address), let at = address.lastIndex(of: "@") else { return }
            address = String(address[..<at]) + "@" + address[address.index(after: at)...].lowercased()
            let decoded = MIMEEncodedWords.decode(name)
            let collapsed = decoded.split(whereSeparator: { $0.isWhitespace || $0.isNewline }).joined(separator: " ")
            result.append(MailAddress(name: collapsed.isEmpty ? nil : collapsed, address: address))
        }

        while i < scalars.count {
            let s = scalars[i]
            switch s {
            case "\"":
                var quoted = ""
                i += 1
                while i < scalars.count, scalars[i] != "\"" {
                    if scalars[i] == "\\", i + 1 < scalars.count { i += 1 }
                    quoted.unicodeScalars.append(scalars[i])
                    i += 1
                }
                phrase += quoted
                raw += "\"" + quoted + "\""
            case "(":
                var depth = 0
                var text = ""
                while i < scalars.count {
                    let c = scalars[i]
                    if c == "\\", i + 1 < scalars.count {
                        i += 1
                        text.unicodeScalars.append(scalars[i])
                    } else if c == "(" {
                        depth += 1
                        if depth > 1 { text.unicodeScalars.append(c) }
                    } else if c == ")" {
                        depth -= 1
                        if depth == 0 { break }
                        text.unicodeScalars.append(c)
                    } else {
                        text.unicodeScalars.append(c)
                    }
                    i += 1
                }
                if !text.isEmpty { comment = comment.isEmpty ? text : comment + " " + text }
                phrase += " "
                raw += " "
            case "<":
                var inside = ""
                i += 1
                while i < scalars.count, scalars[i] != ">" {
                    inside.unicodeScalars.append(scalars[i])
                    i += 1
                }
                if angle == nil { angle = inside }
            case ",":
                finish()
            case ":" where angle == nil:
                // A group's name: the members follow.
                phrase = ""
                raw = ""
                comment = ""
                inGroup = true
            case ";" where inGroup:
                finish()
                inGroup = false
            case " ", "\t", "\r", "\n":
                phrase += " "
                raw += " "
            default:
                phrase.unicodeScalars.append(s)
                raw.unicodeScalars.append(s)
            }
            i += 1
        }
        finish()
        return result
    }

    /// `local@domain`, both non-empty, no whitespace or brackets.
    package static func isAddress(_ text: String) -> Bool {
        guard let at = text.lastIndex(of: "@"), at != text.startIndex, text.index(after: at) != text.endIndex else { return false }
        return !text.contains(where: { $0 == " " || $0 == "\t" || $0 == "<" || $0 == ">" || $0 == "," || $0 == ";" || $0.isNewline })
    }
}
