import Crypto
import Foundation

/// Time-based one-time codes (RFC 6238 over RFC 4226: HMAC-SHA1, six digits, 30-second steps),
/// what every authenticator app computes. Kept here rather than taken from an HTTP framework's
/// auth package, so the domain links no HTTP server (docs/ARCHITECTURE.md, "Modules").
package struct TimeCode: Sendable {
    package static let stepSeconds = 30
    /// The shared secret as the app is given it (its bytes, base32-encoded in the URL).
    package let secret: String

    package init(secret: String) { self.secret = secret }

    /// The code of time step `step` (seconds since 1970 divided by 30).
    package func code(step: Int) -> Int {
        let message = withUnsafeBytes(of: UInt64(step).bigEndian, Array.init)
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: Array(secret.utf8))))
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let truncated = Int(mac[offset] & 0x7F) << 24 | Int(mac[offset + 1]) << 16 | Int(mac[offset + 2]) << 8 | Int(mac[offset + 3])
        return truncated % 1_000_000
    }

    package func code(at date: Date) -> Int { code(step: Int(date.timeIntervalSince1970) / Self.stepSeconds) }

    /// The otpauth URL an authenticator app reads (Key URI format): label, base32 secret, issuer.
    package func authenticatorURL(label: String, issuer: String) -> String {
        // A path segment's characters (RFC 3986 pchar) stay as they are: "Triage:dora", not "Triage%3Adora".
        let pchar = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/")
        let path = label.addingPercentEncoding(withAllowedCharacters: pchar) ?? label
        let query = issuer.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(["&", "=", "+"])) ?? issuer
        return "otpauth://totp/\(path)?secret=\(Self.base32(Array(secret.utf8)))&issuer=\(query)"
    }

    /// RFC 4648 base32 without padding.
    package static func base32(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var out = ""
        var buffer = 0
        var bits = 0
        for byte in bytes {
            buffer = buffer << 8 | Int(byte)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { out.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return out
    }
}
