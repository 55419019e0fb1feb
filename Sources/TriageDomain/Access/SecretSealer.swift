import Crypto
import Foundation

/// Seals what would let a reader of the database sign in as somebody — second-factor secrets and
/// the key that signs the sign-in forms — with AES-GCM under a key kept outside the database
/// (docs/operations.md, "Files and secrets"). A stolen database file or backup alone no longer
/// gives them away.
public struct SecretSealer: Sendable {
    package static let prefix = "sealed:v1:"
    private let key: SymmetricKey

    public init(key: SymmetricKey) { self.key = key }

    /// A key that lives as long as the process: for tests and tools that keep nothing sealed.
    public static func ephemeral() -> SecretSealer { SecretSealer(key: SymmetricKey(size: .bits256)) }

    package static func isSealed(_ stored: String) -> Bool { stored.hasPrefix(prefix) }

    package func seal(_ text: String) throws -> String {
        guard let combined = try AES.GCM.seal(Data(text.utf8), using: key).combined else {
            throw CoordinatorError(.storage, "AES-GCM gave no sealed box")
        }
        return Self.prefix + combined.base64EncodedString()
    }

    package func open(_ stored: String) throws -> String {
        guard Self.isSealed(stored), let combined = Data(base64Encoded: String(stored.dropFirst(Self.prefix.count))) else {
            throw CoordinatorError(.storage, "a stored secret is not sealed: restart triage so that it seals it")
        }
        do {
            return String(decoding: try AES.GCM.open(AES.GCM.SealedBox(combined: combined), using: key), as: UTF8.self)
        } catch {
            throw Self.wrongKey
        }
    }

    package static let wrongKey = CoordinatorError(
        .configuration,
        "the secret key is not the one that sealed this database's secrets: every coordinator instance "
            + "of a database needs the same key (TRIAGE_SECRET_KEY, or the secretKeyFile a first start made)")
}

/// Where the key comes from: TRIAGE_SECRET_KEY (base64 of 32 bytes; one value every instance of a
/// PostgreSQL deployment shares), else the `secretKeyFile` (by default `secret-key` in the data
/// folder, made on the first start: 0600, 32 random bytes in base64). A key is made only for a
/// store that has nothing sealed yet (`mayCreate`).
package enum SecretKeySource {
    package static func load(environment value: String?, file: String, mayCreate: Bool) throws -> SymmetricKey {
        if let value { return try decode(value, from: "TRIAGE_SECRET_KEY") }
        if !FileManager.default.fileExists(atPath: file) {
            guard mayCreate else {
                throw CoordinatorError(
                    .configuration,
                    "this database's secrets are sealed with a key that is not here: put the "
                        + "secret-key file of the data folder that sealed them at \(file) (0600), or set TRIAGE_SECRET_KEY")
            }
            try PrivateFiles.folder((file as NSString).deletingLastPathComponent, tightening: false)
            let made = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
            let fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, PrivateFiles.fileMode)
            if fd >= 0 {
                let bytes = Array((made + "\n").utf8)
                let written = write(fd, bytes, bytes.count) == bytes.count && fsync(fd) == 0
                close(fd)
                guard written else {
                    throw CoordinatorError(.configuration, "cannot write the secret key \(file): \(String(cString: strerror(errno)))")
                }
            } else if errno != EEXIST {
                throw CoordinatorError(.configuration, "cannot create the secret key \(file): \(String(cString: strerror(errno)))")
            }
        }
        var info = stat()
        if stat(file, &info) == 0, info.st_mode & 0o077 != 0 {
            throw CoordinatorError(
                .configuration,
                "the secret key \(file) is readable by others (mode \(String(info.st_mode & 0o777, radix: 8))): chmod 600 it")
        }
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw CoordinatorError(.configuration, "cannot read the secret key \(file)")
        }
        return try decode(text, from: file)
    }

    private static func decode(_ text: String, from source: String) throws -> SymmetricKey {
        guard let bytes = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32 else {
            throw CoordinatorError(
                .configuration, "\(source) must hold 32 bytes in base64 (make one with: head -c 32 /dev/urandom | base64)")
        }
        return SymmetricKey(data: bytes)
    }
}
