import Foundation
import HTTPTypes
import Hummingbird
import TriageDomain

/// A stored file as a download: never shown inline, never sniffed into HTML or script.
package enum FileDownload {
    package static func response(_ file: Attachment, _ bytes: [UInt8]) -> Response {
        let ascii = String(
            file.name.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0 != "\"" && $0 != "\\" ? Character($0) : "_" })
        let encoded =
            file.name.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ascii
        return Response(
            status: .ok,
            headers: [
                .contentType: file.contentType == "text/html" || file.contentType.hasPrefix("image/svg")
                    ? "application/octet-stream" : file.contentType,
                .contentDisposition: "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)",
                HTTPField.Name("X-Content-Type-Options")!: "nosniff",
                HTTPField.Name("Content-Security-Policy")!: "sandbox; default-src 'none'",
                .cacheControl: "private, no-store",
            ], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
