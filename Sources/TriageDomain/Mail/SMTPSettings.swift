#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How to reach the SMTP server that takes Triage's outgoing mail.
public struct SMTPSettings: Sendable, Equatable, CustomStringConvertible {
    public enum Security: String, Sendable, Codable {
        /// Plain connection upgraded by STARTTLS, which the server must offer: without it
        /// nothing is sent (port 587 or 25).
        case starttls
        /// TLS from the first byte (port 465).
        case tls
        /// No TLS at all: only sensible to a relay on loopback.
        case none
    }

    public var host: String
    public var port: Int
    public var security: Security
    /// AUTH with these when set (PLAIN, or LOGIN where only that is offered); never over an
    /// unencrypted connection to anything but loopback.
    public var username: String?
    public var password: String?
    /// What EHLO (or HELO) says: this machine's name.
    public var heloName: String
    /// A PEM file of the trust roots for the server's certificate; nil = the system's store.
    public var caFile: String?
    /// The bound on each step: connecting, each command's reply, each chunk of the message.
    public var timeout: Duration

    /// `port` nil: 465 for `.tls`, 587 for `.starttls`, 25 for `.none`. `heloName` nil: this
    /// machine's host name.
    public init(
        host: String, port: Int? = nil, security: Security = .starttls, username: String? = nil,
        password: String? = nil, heloName: String? = nil, caFile: String? = nil, timeout: Duration = .seconds(30)
    ) {
        self.host = host
        self.port = port ?? Self.defaultPort(security)
        self.security = security
        self.username = username
        self.password = password
        self.heloName = heloName ?? Self.hostName()
        self.caFile = caFile
        self.timeout = timeout
    }

    public static func defaultPort(_ security: Security) -> Int {
        switch security {
        case .tls: 465
        case .starttls: 587
        case .none: 25
        }
    }

    /// Whether `host` names this machine's loopback, where a password may go unencrypted.
    public var isLoopback: Bool {
        let name = host.lowercased()
        if name == "localhost" || name == "::1" || name == "[::1]" { return true }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// The settings without the password.
    public var description: String {
        "smtp \(security.rawValue) \(host):\(port)" + (username.map { " as \($0)" } ?? "") + (caFile.map { " ca \($0)" } ?? "")
    }

    private static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "localhost" : name
    }
}
