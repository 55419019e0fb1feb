import CLibSSH2

#if canImport(Glibc)
    import Glibc
#endif

/// Process-wide libssh2 facts and the one-time initialisation it requires.
enum LibSSH2 {
    /// `libssh2_init` must run once, before any concurrent use; a static let runs exactly once.
    /// SIGPIPE is ignored so that a peer closing a socket mid-write is an error, not a crash.
    static let ready: Bool = {
        signal(SIGPIPE, SIG_IGN)
        return libssh2_init(0) == 0
    }()

    /// The linked library's version, e.g. "1.10.0".
    static var version: String { libssh2_version(0).map { String(cString: $0) } ?? "unknown" }

    /// libssh2 signs with rsa-sha2-256/512 from 1.11 on; older ones only with ssh-rsa (SHA-1),
    /// which OpenSSH 8.8 and newer refuse.
    static var signsRSAWithSHA2: Bool { libssh2_version(0x010b00) != nil }

    /// Host key algorithms this libssh2 verifies, most preferred first (DSA left out: broken).
    static let hostKeyAlgorithms = [
        "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521", "ssh-rsa",
    ]
}

/// Public view of the linked libssh2, for `--version` output and messages.
public enum SSHLibrary {
    public static var version: String { LibSSH2.version }
}
