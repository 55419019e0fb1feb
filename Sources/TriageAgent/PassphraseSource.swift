import TriageSSH

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// Where a passphrase-protected key's passphrase comes from: the environment variable
/// `TRIAGE_SSH_PASSPHRASE` (for scripts), else a prompt on the terminal when there is one.
/// Nothing is stored.
public enum PassphraseSource {
    public static let environmentVariable = "TRIAGE_SSH_PASSPHRASE"

    public static func credentials(agentSocket: String? = SSHCredentials.fromEnvironment.agentSocket) -> SSHCredentials {
        SSHCredentials(agentSocket: agentSocket) { path in
            if let value = ProcessInfo.processInfo.environment[environmentVariable] { return value }
            guard isatty(STDIN_FILENO) != 0, let answer = getpass("Passphrase for \(path): ") else { return nil }
            return String(cString: answer)
        }
    }
}
