import Foundation

/// Structured header values: media types with parameters (RFC 2045, RFC 2231) and message ids.
package enum MIMEHeaderValue {
    /// `type/subtype` (lowercased; nil when malformed) and the parameters, names lowercased, RFC 2231
    /// continuations and charsets resolved.
    package static func contentType(_ value: String) -> (type: String?, parameters: [String: String]) {
        let (type, parameters) = tokenAndParameters(value)
        let parts = type.split(separator: "/", omittingEmptySubsequences: false)
        let valid = parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty
        return (valid ? type : nil, parameters)
    }

    /// The leading token (lowercased; a disposition's `attachment`, a media type) and the parameters.
    package static func tokenAndParameters(_ value: String) -> (token: String, parameters: [String: String]) {
        let scalars = Array(value.unicodeScalars)
        var i = 0
        while i < scalars.count, scalars[i] == " " || scalars[i] == "\t" { i += 1 }
        var token = ""
        while i < scalars.count, scalars[i] != ";", scalars[i] != " ", scalars[i] != "\t", scalars[i] != "(" {
            token.unicodeScalars.append(scalars[i])
            i += 1
        }
        return (token.lowercased(), parameters(scalars, from: i))
    }

    private static func parameters(_ scalars: [Unicode.Scalar], from start: Int) -> [String: String] {
        var raw: [(name: String, value: String)] = []
        var i = start
        func isSpace(_ s: Unicode.Scalar) -> Bool { s == " " || s == "\t" || s == "\r" || s == "\n" }
        while i < scalars.count {
            while i < scalars.count, isSpace(scalars[i]) || scalars[i] == ";" { i += 1 }
            if i < scalars.count, scalars[i] == "(" {  // a comment
                var depth = 0
                while i < scalars.count {
                    if scalars[i] == "(" {
                        depth += 1
                    } else if scalars[i] == ")" {
                        depth -= 1
                        if depth == 0 {
                            i += 1
                            break
                        }
                    }
                    i += 1
                }
                continue
            }
            var name = ""
            while i < scalars.count, scalars[i] != "=", scalars[i] != ";", !isSpace(scalars[i]) {
                name.unicodeScalars.append(scalars[i])
                i += 1
            }
            while i < scalars.count, isSpace(scalars[i]) { i += 1 }
            guard i < scalars.count, scalars[i] == "=" else { continue }
            i += 1
            while i < scalars.count, isSpace(scalars[i]) { i += 1 }
            var value = ""
            if i < scalars.count, scalars[i] == "\"" {
                i += 1
                while i < scalars.count, scalars[i] != "\"" {
                    // A backslash quotes `"` and `\`; before anything else it is a Windows path's.
                    if scalars[i] == "\\", i + 1 < scalars.count, scalars[i + 1] == "\"" || scalars[i + 1] == "\\" { i += 1 }
                    value.unicodeScalars.append(scalars[i])
                    i += 1
                }
                i += 1
            } else {
                while i < scalars.count, scalars[i] != ";" {
                    value.unicodeScalars.append(scalars[i])
                    i += 1
                }
                value = value.trimmingCharacters(in: .whitespaces)
            }
            if !name.isEmpty { raw.append((name.lowercased(), value)) }
        }
        return resolveExtended(raw)
    }

    /// RFC 2231: `name*=charset'lang'%XX…`, and `name*0=`, `name*1*=` … sections, joined in order.
    private static func resolveExtended(_ raw: [(name: String, value: String)]) -> [String: String] {
        var result: [String: String] = [:]
        var sections: [String: [(index: Int, encoded: Bool, value: String)]] = [:]
        for (name, value) in raw {
            guard let star = name.firstIndex(of: "*") else {
                if result[name] == nil { result[name] = value }
                continue
            }
            let base = String(name[..<star])
            var rest = name[name.index(after: star)...]
            let encoded = rest.hasSuffix("*") || rest.isEmpty
            if rest.hasSuffix("*") { rest = rest.dropLast() }
            let index = rest.isEmpty ? 0 : Int(rest) ?? -1
            if index >= 0 { sections[base, default: []].append((index, encoded, value)) }
        }
        for (base, parts) in sections {
            var bytes: [UInt8] = []
            var charset: String?
            for part in parts.sorted(by: { $0.index < $1.index }) {
                var value = part.value
                if part.encoded && part.index == 0 {
                    let pieces = value.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
                    if pieces.count == 3 {
                        charset = pieces[0].isEmpty ? nil : String(pieces[0])
                        value = String(pieces[2])
                    }
                }
                bytes += part.encoded ? percentDecoded(value) : Array(value.utf8)
            }
            result[base] = charset.map { MIMECharset.decode(bytes[...], charset: $0).text } ?? MIMECharset.guessText(bytes[...])
            result[base + "*"] = ""  // marks the value as RFC 2231's: no RFC 2047 words in it
        }
        return result
    }

    private static func percentDecoded(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x25, i + 2 < bytes.count, let high = MIMETransfer.hexValue(bytes[i + 1]),
                let low = MIMETransfer.hexValue(bytes[i + 2])
            {
                out.append(high << 4 | low)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }

    /// Message ids (`<…>`, returned without the brackets); bare words when there are no brackets.
    package static func messageIds(_ value: String) -> [String] {
        var ids: [String] = []
        var rest = Substring(value)
        while let open = rest.firstIndex(of: "<") {
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: ">") else { break }
            let id = after[..<close].filter { !$0.isWhitespace }
            if !id.isEmpty { ids.append(String(id)) }
            rest = after[after.index(after: close)...]
        }
        if ids.isEmpty {
            var plain = ""
            var depth = 0
            for char in value {  // drop comments
                if char == "(" { depth += 1 } else if char == ")" { depth = max(0, depth - 1) } else if depth == 0 { plain.append(char) }
            }
            ids = plain.split(whereSeparator: { $0.isWhitespace || $0 == "," }).map(String.init).filter { $0.contains("@") }
        }
        return ids
    }
}
