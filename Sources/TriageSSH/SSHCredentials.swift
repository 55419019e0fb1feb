#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Where keys come from besides the identity files: the ssh-agent, and the caller's answer
/// when a key file is passphrase-protected. Nothing here stores a password.
public struct SSHCredentials: Sendable {
    /// The ssh-agent socket; nil for none.
    public var agentSocket: String?
    /// Asked with a key file's path when that key is encrypted; nil skips the key.
    public var passphrase: @Sendable (String) -> String?

    public init(agentSocket: String?, passphrase: @escaping @Sendable (String) -> String? = { _ in nil }) {
        self.agentSocket = agentSocket
        self.passphrase = passphrase
    }

    /// The agent from `SSH_AUTH_SOCK`, no passphrases.
    public static var fromEnvironment: SSHCredentials {
        let socket = ProcessInfo.processInfo.environment["SSH_AUTH_SOCK"].flatMap { $0.isEmpty ? nil : $0 }
        return SSHCredentials(agentSocket: socket)
    }
}
