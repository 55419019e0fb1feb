import Crypto
import Foundation

extension Data {
    /// Base64 with the URL-safe alphabet and no padding (RFC 4648 §5): tokens and cursors.
    var base64URL: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

extension SHA256.Digest {
    /// Lower-case hex, as stored for token hashes and idempotent request hashes.
    var hex: String { map { String(format: "%02x", $0) }.joined() }
}
