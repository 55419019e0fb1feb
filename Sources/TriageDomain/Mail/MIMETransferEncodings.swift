import Foundation

/// Content-Transfer-Encodings both ways: base64 and quoted-printable (RFC 2045), decoding leniently.
package enum MIMETransfer {
    /// The value of each base64 character, 0xFF for everything else (skipped when decoding).
    private static let base64Values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, char) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(char)] = UInt8(value)
        }
        return table
    }()

    /// Base64 to bytes, ignoring whitespace, padding and any other character; a missing padding
    /// is no matter (a last lone character is dropped). `garbage` counts skipped characters that are
    /// neither whitespace nor `=`.
    package static func decodeBase64(_ input: ArraySlice<UInt8>) -> (bytes: [UInt8], garbage: Int) {
        var garbage = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: input.count / 4 * 3 + 3) { out, count in
            var n = 0
            base64Values.withUnsafeBufferPointer { table in
                input.withUnsafeBufferPointer { source in
                    var accumulator: UInt32 = 0
                    var held = 0
                    for char in source {
                        let value = table[Int(char)]
                        if value == 0xFF {
                            if char > 0x20 && char != 0x3D { garbage += 1 }
                            continue
                        }
                        accumulator = accumulator << 6 | UInt32(value)
                        held += 1
                        if held == 4 {
                            out[n] = UInt8(truncatingIfNeeded: accumulator >> 16)
                            out[n + 1] = UInt8(truncatingIfNeeded: accumulator >> 8)
                            out[n + 2] = UInt8(truncatingIfNeeded: accumulator)
                            n += 3
                            held = 0
                            accumulator = 0
                        }
                    }
                    if held == 2 {
                        out[n] = UInt8(truncatingIfNeeded: accumulator >> 4)
                        n += 1
                    } else if held == 3 {
                        out[n] = UInt8(truncatingIfNeeded: accumulator >> 10)
                        out[n + 1] = UInt8(truncatingIfNeeded: accumulator >> 2)
                        n += 2
                    }
                }
            }
            count = n
        }
        return (bytes, garbage)
    }

    @inline(__always)
    package static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }

    /// Quoted-printable to bytes: `=XX` (either case), soft line breaks (`=` before the line end,
    /// whitespace in between allowed), trailing whitespace on lines dropped, bad escapes kept as written.
    package static func decodeQuotedPrintable(_ input: ArraySlice<UInt8>) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: input.count) { out, count in
            var n = 0
            input.withUnsafeBufferPointer { source in
                let end = source.count
                var i = 0
                while i < end {
                    let byte = source[i]
                    if byte == 0x3D {  // =
                        if i + 2 < end, let high = hexValue(source[i + 1]), let low = hexValue(source[i + 2]) {
                            out[n] = high << 4 | low
                            n += 1
                            i += 3
                            continue
                        }
                        // A soft line break: `=`, optional whitespace, then the line end (or the end).
                        var j = i + 1
                        while j < end, source[j] == 0x20 || source[j] == 0x09 { j += 1 }
                        if j == end {
                            i = end
                            continue
                        }
                        if source[j] == 0x0A {
                            i = j + 1
                            continue
                        }
                        if source[j] == 0x0D {
                            i = j + 1 < end && source[j + 1] == 0x0A ? j + 2 : j + 1
                            continue
                        }
                        out[n] = byte
                        n += 1
                        i += 1
                        continue
                    }
                    if byte == 0x20 || byte == 0x09 {
                        // Whitespace at the end of a line was added in transport: drop it.
                        var j = i
                        while j < end, source[j] == 0x20 || source[j] == 0x09 { j += 1 }
                        if j == end || source[j] == 0x0A || source[j] == 0x0D {
                            i = j
                            continue
                        }
                        while i < j {
                            out[n] = source[i]
                            n += 1
                            i += 1
                        }
                        continue
                    }
                    out[n] = byte
                    n += 1
                    i += 1
                }
            }
            count = n
        }
    }

    /// Bytes to base64 lines of 76 characters, each ended by CRLF.
    package static func encodeBase64Lines(_ bytes: [UInt8]) -> [UInt8] {
        guard !bytes.isEmpty else { return [] }
        var lines = [UInt8](
            Data(bytes).base64EncodedData(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed]))
        lines.append(contentsOf: [0x0D, 0x0A])
        return lines
    }

    /// Bytes to one unbroken base64 string.
    package static func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

    /// UTF-8 text to quoted-printable with CRLF line ends: lines of at most 76 characters (soft
    /// breaks `=`), `=` and every byte outside printable ASCII escaped, whitespace before a line end
    /// escaped, and a line starting `From ` escaped (`=46rom`, for mbox files on the way).
    package static func encodeQuotedPrintable(_ text: String) -> [UInt8] {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + text.utf8.count / 8)
        let lines = normalizedLines(text)
        for (number, line) in lines.enumerated() {
            if number > 0 { out.append(contentsOf: [0x0D, 0x0A]) }
            var length = 0
            let startsWithFrom = line.starts(with: Array("From ".utf8))
            for (index, byte) in line.enumerated() {
                let isLast = index == line.count - 1
                let escape =
                    byte == 0x3D || byte >= 0x7F || (byte < 0x20 && byte != 0x09)
                    || ((byte == 0x20 || byte == 0x09) && isLast) || (index == 0 && startsWithFrom)
                let width = escape ? 3 : 1
                if length + width > (isLast ? 76 : 75) {
                    out.append(contentsOf: [0x3D, 0x0D, 0x0A])
                    length = 0
                }
                if escape {
                    out.append(contentsOf: [0x3D, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
                } else {
                    out.append(byte)
                }
                length += width
            }
        }
        out.append(contentsOf: [0x0D, 0x0A])
        return out
    }

    /// The UTF-8 lines of a text whose line ends may be CRLF, LF or CR.
    package static func normalizedLines(_ text: String) -> [ArraySlice<UInt8>] {
        let bytes = Array(text.utf8)
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x0A || bytes[i] == 0x0D {
                lines.append(bytes[start..<i])
                if bytes[i] == 0x0D, i + 1 < bytes.count, bytes[i + 1] == 0x0A { i += 1 }
                start = i + 1
            }
            i += 1
        }
        lines.append(bytes[start..<bytes.count])
        return lines
    }
}
