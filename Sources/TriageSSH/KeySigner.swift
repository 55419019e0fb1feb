import CLibSSH2
import Crypto

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// Signs SSH public-key authentication for an unencrypted OpenSSH-format ed25519 or ECDSA key,
/// so that libssh2 never parses the key file: libssh2 1.10 first hands every key to OpenSSL 3's
/// PEM decoders, which fail on the OpenSSH format after ≈ 1 ms of CPU and lock contention — 29 %
/// of a sweep's client CPU, measured with perf. Encrypted keys, PEM keys and RSA still go through
/// libssh2 (`nil` here).
struct KeySigner: Sendable {
    /// The public key blob the server checks against authorized_keys.
    let publicBlob: [UInt8]
    private let sign: @Sendable ([UInt8]) throws -> [UInt8]

    /// The raw signature libssh2 puts after the method name (64 bytes for ed25519; the two
    /// mpints r and s for ECDSA).
    func signature(for data: [UInt8]) throws -> [UInt8] { try sign(data) }

    /// From an openssh-key-v1 body read past its magic (PrivateKeyFile decodes it).
    init?(openSSHBody body: SSHWireReader) {
        var reader = body
        guard reader.readString() == Array("none".utf8),
            reader.readString() != nil, reader.readString() != nil, reader.readUInt32() == 1,
            let publicBlob = reader.readString(), let section = reader.readString()
        else { return nil }
        var secret = SSHWireReader(section)
        guard let check1 = secret.readUInt32(), secret.readUInt32() == check1,
            let type = secret.readString().map({ String(decoding: $0, as: UTF8.self) })
        else { return nil }
        self.publicBlob = publicBlob
        do {
            switch type {
            case "ssh-ed25519":
                guard secret.readString() != nil, let both = secret.readString(), both.count == 64 else { return nil }
                let key = try Curve25519.Signing.PrivateKey(rawRepresentation: both.prefix(32))
                sign = { Array(try key.signature(for: $0)) }
            case "ecdsa-sha2-nistp256":
                let key = try P256.Signing.PrivateKey(rawRepresentation: try Self.scalar(&secret, size: 32))
                sign = { Self.mpints(try key.signature(for: $0).rawRepresentation) }
            case "ecdsa-sha2-nistp384":
                let key = try P384.Signing.PrivateKey(rawRepresentation: try Self.scalar(&secret, size: 48))
                sign = { Self.mpints(try key.signature(for: $0).rawRepresentation) }
            case "ecdsa-sha2-nistp521":
                let key = try P521.Signing.PrivateKey(rawRepresentation: try Self.scalar(&secret, size: 66))
                sign = { Self.mpints(try key.signature(for: $0).rawRepresentation) }
            default:
                return nil
            }
        } catch {
            return nil
        }
    }

    private struct Malformed: Error {}

    /// ECDSA's private section: curve name, public point, then the scalar as an mpint
    /// (big-endian, maybe a leading zero), left-padded to the curve's size.
    private static func scalar(_ reader: inout SSHWireReader, size: Int) throws -> [UInt8] {
        guard reader.readString() != nil, reader.readString() != nil, var d = reader.readString() else { throw Malformed() }
        while d.count > size, d.first == 0 { d.removeFirst() }
        guard d.count <= size else { throw Malformed() }
        return [UInt8](repeating: 0, count: size - d.count) + d
    }

    /// r‖s (each half of the raw signature) as two SSH strings holding mpints.
    private static func mpints(_ raw: Data) -> [UInt8] {
        let half = raw.count / 2
        return [Array(raw.prefix(half)), Array(raw.suffix(half))].flatMap { integer -> [UInt8] in
            var bytes = Array(integer.drop(while: { $0 == 0 }))
            if let first = bytes.first, first & 0x80 != 0 { bytes.insert(0, at: 0) }
            let length = UInt32(bytes.count)
            return [UInt8(length >> 24), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff)] + bytes
        }
    }
}

extension Session {
    /// `libssh2_userauth_publickey` with `signer` doing the signing; nil when the deadline passed.
    func authenticate(user: String, signer: KeySigner, deadline: Deadline) async -> Int32? {
        let box = Unmanaged.passRetained(SignerBox(signer))
        defer { box.release() }
        var abstract: UnsafeMutableRawPointer? = box.toOpaque()
        return await retry(until: deadline) {
            signer.publicBlob.withUnsafeBufferPointer { blob in
                libssh2_userauth_publickey(raw, user, blob.baseAddress, blob.count, signWithKeySigner, &abstract)
            }
        }
    }
}

private final class SignerBox {
    let signer: KeySigner
    init(_ signer: KeySigner) { self.signer = signer }
}

/// libssh2's sign callback: the signature goes into memory libssh2 frees with free().
private func signWithKeySigner(
    session: OpaquePointer?, signature: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?,
    signatureLength: UnsafeMutablePointer<Int>?, data: UnsafePointer<UInt8>?, dataLength: Int,
    abstract: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
) -> Int32 {
    guard let signature, let signatureLength, let data, let opaque = abstract?.pointee else { return -1 }
    let signer = Unmanaged<SignerBox>.fromOpaque(opaque).takeUnretainedValue().signer
    guard let bytes = try? signer.signature(for: Array(UnsafeBufferPointer(start: data, count: dataLength))),
        let memory = malloc(bytes.count)?.assumingMemoryBound(to: UInt8.self)
    else { return -1 }
    memory.initialize(from: bytes, count: bytes.count)
    signature.pointee = memory
    signatureLength.pointee = bytes.count
    return 0
}
