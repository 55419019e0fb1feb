import Foundation
import TriageDomain
import TriageEdge

/// A `multipart/form-data` body (RFC 7578), as the reply form posts it when it carries files:
/// each part's name, and for a file its name, type and bytes.
enum MultipartForm {
    struct Parsed {
        var fields: [String: String] = [:]
        var files: [FileUpload] = []
    }

    /// The boundary of a `multipart/form-data; boundary=…` content type.
    static func boundary(_ contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                let value =
                    pair[1].hasPrefix("\"") && pair[1].hasSuffix("\"") && pair[1].count >= 2
                    ? String(pair[1].dropFirst().dropLast()) : pair[1]
                return value.isEmpty || value.count > 200 ? nil : value
            }
        }
        return nil
    }

    static func parse(_ body: [UInt8], boundary: String) throws -> Parsed {
        let delimiter = Array("--\(boundary)".utf8)
        var parsed = Parsed()
        var positions: [Int] = []
        var index = 0
        while let found = find(delimiter, in: body, from: index) {
            positions.append(found)
            index = found + delimiter.count
        }
        guard positions.count >= 2 else { throw CoordinatorError(.badRequest, "the form's multipart body has no parts") }
        for (start, end) in zip(positions, positions.dropFirst()) {
            var partStart = start + delimiter.count
            // The line end after the delimiter, and the one before the next.
            if body[partStart..<min(partStart + 2, body.count)].elementsEqual([13, 10]) { partStart += 2 }
            var partEnd = end
            if partEnd >= 2, body[partEnd - 2] == 13, body[partEnd - 1] == 10 { partEnd -= 2 }
            guard partStart <= partEnd, let split = find([13, 10, 13, 10], in: body, from: partStart), split <= partEnd else { continue }
            let head = String(decoding: body[partStart..<split], as: UTF8.self)
            let content = Array(body[(split + 4)..<max(split + 4, partEnd)])
            var name: String?
            var filename: String?
            var type: String?
            for line in head.split(separator: "\r\n") {
                let lower = line.lowercased()
                if lower.hasPrefix("content-disposition:") {
                    name = parameter("name", in: String(line))
                    filename = parameter("filename", in: String(line))
                } else if lower.hasPrefix("content-type:") {
                    type = line.dropFirst("content-type:".count).trimmingCharacters(in: .whitespaces)
                }
            }
            guard let name else { continue }
            if let filename {
                // An empty file input sends a part with no name and no bytes.
                guard !filename.isEmpty else { continue }
                let base = filename.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? filename
                parsed.files.append(FileUpload(name: base, contentType: type, content: Data(content)))
            } else if parsed.fields[name] == nil {
                parsed.fields[name] = String(decoding: content, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
            }
        }
        return parsed
    }

    /// `name="value"` in a Content-Disposition line (browsers escape a quote as %22).
    private static func parameter(_ key: String, in line: String) -> String? {
        for piece in line.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == key else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value.replacingOccurrences(of: "%22", with: "\"")
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        let first = needle[0]
        var i = start
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first, haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
