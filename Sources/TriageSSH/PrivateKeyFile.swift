#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A private key file read from disk, with what can be learnt from it without the passphrase:
/// its type and, for OpenSSH-format keys (whose public half is stored unencrypted), its key.
struct PrivateKeyFile: Sendable {
    let path: String
    let contents: [UInt8]
    /// "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa", … or nil when the format does not say.
    let keyType: String?
    let publicKey: HostKey?
    let isEncrypted: Bool
    /// Signs for unencrypted OpenSSH ed25519/ECDSA keys, so libssh2 need not parse them.
    var signer: KeySigner? = nil

    var isRSA: Bool { keyType == "ssh-rsa" }

    /// "/root/.ssh/id_ed25519 (ssh-ed25519 SHA256:…)"
    var summary: String {
        if let publicKey { return "\(path) (\(publicKey.summary))" }
        return keyType.map { "\(path) (\($0))" } ?? path
    }

    /// Parsed once per process while the file is unchanged: a sweep signs for hundreds of hosts.
    private static let cache = FileCache<PrivateKeyFile>()

    /// Nil when the file does not exist; throws when it exists but cannot be used.
    static func load(_ path: String, host: String) throws(SSHError) -> PrivateKeyFile? {
        try cache.value(at: path) { () throws(SSHError) in try parse(path, host: host) }
    }

    private static func parse(_ path: String, host: String) throws(SSHError) -> PrivateKeyFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SSHError(host: host, phase: .auth, code: .keyUnreadable, "cannot read identity file \(path)")
        }
        let text = String(decoding: data, as: UTF8.self)
        let pub = sidecarPublicKey(path)
        if text.contains("-----BEGIN OPENSSH PRIVATE KEY-----") {
            guard let body = openSSHBody(text), let parsed = parseOpenSSH(body) else {
                throw SSHError(host: host, phase: .auth, code: .keyUnreadable, "\(path) is not a valid OpenSSH private key")
            }
            return PrivateKeyFile(
                path: path, contents: [UInt8](data), keyType: parsed.key.type,
                publicKey: parsed.key, isEncrypted: parsed.encrypted,
                signer: parsed.encrypted ? nil : KeySigner(openSSHBody: body))
        }
        let pemTypes =
            [
                "RSA PRIVATE KEY": "ssh-rsa", "EC PRIVATE KEY": "ecdsa", "DSA PRIVATE KEY": "ssh-dss",
                "PRIVATE KEY": nil, "ENCRYPTED PRIVATE KEY": nil,
            ] as [String: String?]
        for (label, type) in pemTypes where text.contains("-----BEGIN \(label)-----") {
            let encrypted = label == "ENCRYPTED PRIVATE KEY" || text.contains("Proc-Type: 4,ENCRYPTED")
            return PrivateKeyFile(
                path: path, contents: [UInt8](data), keyType: pub?.type ?? type,
                publicKey: pub, isEncrypted: encrypted)
        }
        throw SSHError(
            host: host, phase: .auth, code: .keyUnreadable,
            "\(path) is not a private key (expected an OpenSSH or PEM private key file)")
    }

    /// openssh-key-v1: magic, cipher, kdf, kdf options, key count, then the public key in clear.
    private static func parseOpenSSH(_ body: SSHWireReader) -> (key: HostKey, encrypted: Bool)? {
        var reader = body
        guard let cipher = reader.readString(), reader.readString() != nil, reader.readString() != nil,
            let count = reader.readUInt32(), count >= 1,
            let blob = reader.readString(), let key = HostKey(blob: blob)
        else { return nil }
        return (key, cipher != Array("none".utf8))
    }

    /// The decoded openssh-key-v1 body, read past its magic (at the cipher name).
    private static func openSSHBody(_ text: String) -> SSHWireReader? {
        let body = text.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        guard let data = Data(base64Encoded: body) else { return nil }
        let magic = Array("openssh-key-v1\0".utf8)
        var reader = SSHWireReader([UInt8](data))
        return reader.readBytes(magic.count) == magic ? reader : nil
    }

    private static func sidecarPublicKey(_ path: String) -> HostKey? {
        guard let text = try? String(contentsOfFile: path + ".pub", encoding: .utf8) else { return nil }
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard fields.count >= 2 else { return nil }
        return HostKey(type: String(fields[0]), base64: String(fields[1]))
    }
}
