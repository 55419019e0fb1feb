/// The three bounds on a connection: reaching the host, proving who both sides are, and
/// running each command. A dead, silent or slow host costs at most these.
public struct SSHTimeouts: Sendable, Equatable {
    /// Name resolution and TCP connect (and, through a jump host, opening the tunnel).
    public var connect: Duration
    /// SSH handshake, host key check and authentication, under one deadline.
    public var authentication: Duration
    /// Default for commands that set no timeout of their own; nil for none.
    public var command: Duration?

    public init(connect: Duration = .seconds(10), authentication: Duration = .seconds(15), command: Duration? = nil) {
        self.connect = connect
        self.authentication = authentication
        self.command = command
    }

    /// The same bound on every phase (`--timeout`).
    public static func all(_ limit: Duration) -> SSHTimeouts {
        SSHTimeouts(connect: limit, authentication: limit, command: limit)
    }
}
