import Foundation

/// The character sets mail is read in, decoded by hand (Foundation's single-byte encodings differ
/// between platforms): UTF-8, US-ASCII, ISO-8859-1, ISO-8859-15, Windows-1252 and UTF-16.
package enum MIMECharset: Equatable {
    case utf8, ascii, latin1, latin9, windows1252, utf16, utf16BE, utf16LE

    /// The charset of a MIME `charset` name or alias (case-insensitive), nil when unknown.
    package static func named(_ raw: String) -> MIMECharset? {
        var name = raw.trimmingCharacters(in: .whitespaces).lowercased()
        if name.hasPrefix("\"") || name.hasPrefix("'") { name = String(name.dropFirst()) }
        if name.hasSuffix("\"") || name.hasSuffix("'") { name = String(name.dropLast()) }
        if let star = name.firstIndex(of: "*") { name = String(name[..<star]) }  // RFC 2231 language
        switch name {
        case "utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8", "unicode-2-0-utf-8":
            return .utf8
        case "", "us-ascii", "ascii", "us", "ansi_x3.4-1968", "ansi_x3.4-1986", "iso646-us", "iso-ir-6", "cp367",
            "ibm367", "csascii", "iso_646.irv:1991":
            return .ascii
        case "iso-8859-1", "iso8859-1", "iso_8859-1", "iso88591", "8859-1", "iso_8859-1:1987", "latin1", "latin-1",
            "l1", "cp819", "ibm819", "iso-ir-100", "csisolatin1":
            return .latin1
        case "iso-8859-15", "iso8859-15", "iso_8859-15", "iso885915", "8859-15", "latin9", "latin-9", "l9",
            "latin-0", "latin0", "csisolatin9", "iso_8859-15:1998":
            return .latin9
        case "windows-1252", "cp1252", "cp-1252", "x-cp1252", "win-1252", "windows1252", "ms-ansi", "ansi":
            return .windows1252
        case "utf-16", "utf16": return .utf16
        case "utf-16be", "utf16be": return .utf16BE
        case "utf-16le", "utf16le": return .utf16LE
        default: return nil
        }
    }

    /// Decodes body bytes in the named charset (nil: none given, US-ASCII). A problem is returned
    /// for an unknown charset (read as Windows-1252), invalid UTF-8 (replaced by U+FFFD) and 8-bit
    /// bytes in US-ASCII text (read as UTF-8 when valid, else as Windows-1252).
    package static func decode(_ bytes: ArraySlice<UInt8>, charset name: String?) -> (text: String, problem: String?) {
        guard let charset = named(name ?? "") else {
            let label = (name ?? "").trimmingCharacters(in: .whitespaces).lowercased()
            return (singleByte(bytes, .windows1252), "unknown charset \(label), read as Windows-1252")
        }
        switch charset {
        case .utf16, .utf16BE, .utf16LE:
            return (utf16(bytes, charset), nil)
        default:
            break
        }
        if isASCII(bytes) { return (String(decoding: bytes, as: UTF8.self), nil) }
        switch charset {
        case .utf8:
            if let text = String(validating: bytes, as: UTF8.self) { return (text, nil) }
            return (String(decoding: bytes, as: UTF8.self), "invalid UTF-8, read with replacement characters")
        case .ascii:
            if let text = String(validating: bytes, as: UTF8.self) { return (text, nil) }
            return (singleByte(bytes, .windows1252), "8-bit bytes in US-ASCII text, read as Windows-1252")
        default:
            return (singleByte(bytes, charset), nil)
        }
    }

    /// Header bytes as they came: UTF-8 when valid (RFC 6532), else Windows-1252.
    package static func headerText(_ bytes: ArraySlice<UInt8>) -> String {
        if isASCII(bytes) { return String(decoding: bytes, as: UTF8.self) }
        return String(validating: bytes, as: UTF8.self) ?? singleByte(bytes, .windows1252)
    }

    /// Bytes in an unlabelled context (RFC 2231 value without charset): UTF-8 when valid, else Windows-1252.
    package static func guessText(_ bytes: ArraySlice<UInt8>) -> String { headerText(bytes) }

    package static func isASCII(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            for byte in buffer where byte >= 0x80 { return false }
            return true
        }
    }

    /// Windows-1252's 0x80–0x9F; the five undefined positions stay the C1 controls (as Latin-1 reads them).
    private static let windows1252High: [UInt16] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]

    /// The scalar value of one byte in a single-byte charset.
    @inline(__always)
    private static func scalar(_ byte: UInt8, _ charset: MIMECharset) -> UInt16 {
        switch charset {
        case .windows1252 where byte >= 0x80 && byte <= 0x9F:
            return windows1252High[Int(byte - 0x80)]
        case .latin9:
            switch byte {
            case 0xA4: return 0x20AC
            case 0xA6: return 0x0160
            case 0xA8: return 0x0161
            case 0xB4: return 0x017D
            case 0xB8: return 0x017E
            case 0xBC: return 0x0152
            case 0xBD: return 0x0153
            case 0xBE: return 0x0178
            default: return UInt16(byte)
            }
        default:
            return UInt16(byte)
        }
    }

    /// A single-byte charset to a String, through a UTF-8 buffer (every scalar is below U+FFFF).
    package static func singleByte(_ bytes: ArraySlice<UInt8>, _ charset: MIMECharset) -> String {
        let utf8 = [UInt8](unsafeUninitializedCapacity: bytes.count * 3) { out, count in
            var n = 0
            bytes.withUnsafeBufferPointer { input in
                for byte in input {
                    if byte < 0x80 {
                        out[n] = byte
                        n += 1
                        continue
                    }
                    let value = scalar(byte, charset)
                    if value < 0x800 {
                        out[n] = UInt8(0xC0 | (value >> 6))
                        out[n + 1] = UInt8(0x80 | (value & 0x3F))
                        n += 2
                    } else {
                        out[n] = UInt8(0xE0 | (value >> 12))
                        out[n + 1] = UInt8(0x80 | ((value >> 6) & 0x3F))
                        out[n + 2] = UInt8(0x80 | (value & 0x3F))
                        n += 3
                    }
                }
            }
            count = n
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// UTF-16 with a byte order mark, else the label's order (big-endian for plain UTF-16, RFC 2781).
    private static func utf16(_ bytes: ArraySlice<UInt8>, _ charset: MIMECharset) -> String {
        var start = bytes.startIndex
        var bigEndian = charset != .utf16LE
        if bytes.count >= 2 {
            let (a, b) = (bytes[start], bytes[start + 1])
            if a == 0xFE && b == 0xFF, charset != .utf16LE {
                bigEndian = true
                start += 2
            } else if a == 0xFF && b == 0xFE, charset != .utf16BE {
                bigEndian = false
                start += 2
            }
        }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var index = start
        while index + 1 < bytes.endIndex {
            let (a, b) = (UInt16(bytes[index]), UInt16(bytes[index + 1]))
            units.append(bigEndian ? a << 8 | b : b << 8 | a)
            index += 2
        }
        return String(decoding: units, as: UTF16.self)
    }
}
