import Crypto
import Foundation

/// Standard Webhooks signatures (docs/webhooks.md): `webhook-signature` is `v1,` and the base64
/// HMAC-SHA256 of `id.timestamp.body` under each secret's key, space-separated, so a receiver
/// that knows either of two secrets accepts the message. A secret is `whsec_` and its key in base64.
package enum WebhookSigner {
    /// A new secret: 32 random bytes.
    package static func newSecret() -> String {
        "whsec_" + Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }).base64EncodedString()
    }

    package static func key(of secret: String) -> [UInt8]? {
        guard secret.hasPrefix("whsec_"), let key = Data(base64Encoded: String(secret.dropFirst(6))), !key.isEmpty else { return nil }
        return Array(key)
    }

    /// The three headers of one attempt; `timestamp` in whole seconds since 1970.
    package static func headers(id: String, timestamp: Int, body: [UInt8], secrets: [String]) -> [(String, String)] {
        let signed = Array("\(id).\(timestamp).".utf8) + body
        let signatures = secrets.compactMap(key(of:)).map { key in
            "v1," + Data(HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: key))).base64EncodedString()
        }
        return [("webhook-id", id), ("webhook-timestamp", String(timestamp)), ("webhook-signature", signatures.joined(separator: " "))]
    }
}
