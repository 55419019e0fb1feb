/// Everything that can go wrong while reaching a host or running a command on it.
///
/// The message is written for a technician: it names the host, the phase that failed and,
/// where there is one, what to do about it. libssh2 codes never leak out on their own.
public struct SSHError: Error, Sendable, CustomStringConvertible {
    /// Where in the life of a connection the failure happened.
    public enum Phase: String, Sendable {
        case config = "ssh config"
        case resolve
        case connect
        case proxy = "proxy jump"
        case handshake
        case hostKey = "host key"
        case auth
        case exec
    }

    /// What kind of failure it is, for callers that react differently to each.
    public enum Code: String, Sendable {
        case invalidArgument
        case nameNotResolved
        case connectionRefused
        case unreachable
        case timedOut
        case protocolFailure
        case hostKeyUnknown
        case hostKeyChanged
        case hostKeyRevoked
        case knownHostsUnwritable
        case authRejected
        case keyUnreadable
        case keyPassphrase
        case rsaNeedsSHA2
        case agentUnavailable
        case channelFailure
        case connectionLost
    }

    /// The host as the user named it (alias or address), with the address reached where known.
    public let host: String
    public let phase: Phase
    public let code: Code
    public let message: String

    public init(host: String, phase: Phase, code: Code, _ message: String) {
        self.host = host
        self.phase = phase
        self.code = code
        self.message = message
    }

    public var description: String { "\(host): \(phase.rawValue): \(message)" }
}
