import Foundation

/// HTML character references: numeric (`&#233;`, `&#xE9;`) and the named ones mail uses most;
/// an unknown or unterminated reference stays as written.
extension MIMEHTMLText {
    private static let named: [String: Unicode.Scalar] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ",
        "eacute": "é", "Eacute": "É", "egrave": "è", "Egrave": "È", "ecirc": "ê", "euml": "ë",
        "aacute": "á", "agrave": "à", "acirc": "â", "atilde": "ã", "aring": "å", "aelig": "æ",
        "auml": "ä", "Auml": "Ä", "ouml": "ö", "Ouml": "Ö", "uuml": "ü", "Uuml": "Ü", "szlig": "ß",
        "iacute": "í", "igrave": "ì", "icirc": "î", "iuml": "ï", "oacute": "ó", "ograve": "ò", "ocirc": "ô",
        "otilde": "õ", "oslash": "ø", "Oslash": "Ø", "uacute": "ú", "ugrave": "ù", "ucirc": "û",
        "ccedil": "ç", "Ccedil": "Ç", "ntilde": "ñ", "Ntilde": "Ñ", "yacute": "ý", "yuml": "ÿ",
        "euro": "€", "copy": "©", "reg": "®", "trade": "™", "deg": "°", "times": "×", "divide": "÷",
        "hellip": "…", "mdash": "—", "ndash": "–", "lsquo": "‘", "rsquo": "’", "sbquo": "‚",
        "ldquo": "“", "rdquo": "”", "bdquo": "„", "laquo": "«", "raquo": "»", "bull": "•", "middot": "·",
        "pound": "£", "yen": "¥", "cent": "¢", "sect": "§", "para": "¶", "plusmn": "±", "micro": "µ",
        "shy": "\u{AD}", "zwnj": "\u{200C}", "zwj": "\u{200D}", "thinsp": " ", "ensp": " ", "emsp": " ",
        "iexcl": "¡", "iquest": "¿", "frac12": "½", "frac14": "¼", "frac34": "¾", "sup2": "²", "sup3": "³",
    ]

    /// The reference at `&`: its UTF-8 and the index after `;`, nil when it is none we know.
    package static func readEntity(_ src: [UInt8], at start: Int) -> (bytes: [UInt8], end: Int)? {
        var i = start + 1
        guard i < src.count else { return nil }
        if src[i] == 0x23 {  // #
            i += 1
            let hex = i < src.count && (src[i] | 0x20) == 0x78
            if hex { i += 1 }
            let digitsStart = i
            var value: UInt32 = 0
            while i < src.count, i - digitsStart < 8 {
                let digit: UInt8? = hex ? MIMETransfer.hexValue(src[i]) : (src[i] >= 0x30 && src[i] <= 0x39 ? src[i] - 0x30 : nil)
                guard let digit else { break }
                value = value * (hex ? 16 : 10) + UInt32(digit)
                i += 1
            }
            guard i > digitsStart, i < src.count, src[i] == 0x3B else { return nil }
            var scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
            if value == 0 {
                scalar = "\u{FFFD}"
            } else if value == 0xA0 {
                scalar = " "
            } else if (0x80...0x9F).contains(value) {  // what browsers do: Windows-1252
                scalar = MIMECharset.singleByte([UInt8(value)], .windows1252).unicodeScalars.first ?? "\u{FFFD}"
            }
            return (Array(String(Character(scalar)).utf8), i + 1)
        }
        let nameStart = i
        while i < src.count, i - nameStart < 10, (src[i] | 0x20) >= 0x61 && (src[i] | 0x20) <= 0x7A || (src[i] >= 0x30 && src[i] <= 0x39) {
            i += 1
        }
        guard i > nameStart, i < src.count, src[i] == 0x3B else { return nil }
        let name = String(decoding: src[nameStart..<i], as: UTF8.self)
        guard let scalar = named[name] ?? named[name.lowercased()] else { return nil }
        return (Array(String(Character(scalar)).utf8), i + 1)
    }

    /// The text with its references decoded (an attribute value).
    package static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        let src = Array(text.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < src.count {
            if src[i] == 0x26, let entity = readEntity(src, at: i) {
                out += entity.bytes
                i = entity.end
            } else {
                out.append(src[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
