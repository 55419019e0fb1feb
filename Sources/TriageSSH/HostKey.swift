import Crypto

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A public host key as SSH puts it on the wire: the key-type name and the key blob.
public struct HostKey: Sendable, Equatable {
    /// "ssh-ed25519", "ecdsa-sha2-nistp256", …
    public let type: String
    public let blob: [UInt8]

    /// Builds a key from its wire blob, whose first field names its type.
    public init?(blob: [UInt8]) {
        var reader = SSHWireReader(blob)
        guard let name = reader.readString(), let type = String(bytes: name, encoding: .utf8), !type.isEmpty else { return nil }
        self.type = type
        self.blob = blob
    }

    /// Builds a key from the `TYPE BASE64` fields of a known_hosts or .pub line; nil when
    /// the base64 is bad or the blob says a different type than the line.
    public init?(type: String, base64: String) {
        guard let data = Data(base64Encoded: base64), let key = HostKey(blob: [UInt8](data)), key.type == type else { return nil }
        self = key
    }

    /// OpenSSH's fingerprint: "SHA256:" and the unpadded base64 of the blob's SHA-256.
    public var fingerprint: String {
        let digest = Data(SHA256.hash(data: blob)).base64EncodedString()
        return "SHA256:" + digest.replacing("=", with: "")
    }

    public var base64: String { Data(blob).base64EncodedString() }

    /// "ssh-ed25519 SHA256:…", how keys are named in messages.
    public var summary: String { "\(type) \(fingerprint)" }
}

/// Reads the length-prefixed fields of SSH wire encodings (RFC 4251 §5).
struct SSHWireReader {
    private let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func readUInt32() -> UInt32? {
        guard offset + 4 <= bytes.count else { return nil }
        defer { offset += 4 }
        return bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func readString() -> [UInt8]? {
        guard let length = readUInt32(), Int(length) <= bytes.count - offset else { return nil }
        defer { offset += Int(length) }
        return Array(bytes[offset..<offset + Int(length)])
    }

    mutating func readBytes(_ count: Int) -> [UInt8]? {
        guard count <= bytes.count - offset else { return nil }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }
}
