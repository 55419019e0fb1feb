import Crypto
import Foundation

extension Data {
    /// Base64 with the URL-safe alphabet and no padding (RFC 4648 §5): tokens and cursors.
    package var base64URL: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

extension SHA256.Digest {
    /// Lower-case hex, as stored for token hashes and idempotent request hashes.
    package var hex: String { map { String(format: "%02x", $0) }.joined() }
}

/// Compares secrets in time that does not depend on where they differ.
package func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let (x, y) = (Array(a.utf8), Array(b.utf8))
    guard x.count == y.count else { return false }
    return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
}
