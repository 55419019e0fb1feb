/// A command to run on a host: the command line for the remote shell and the bytes to
/// write to its stdin (a whole script for `sh -s`).
public struct ExecRequest: Sendable {
    public var command: String
    public var stdin: [UInt8]
    /// Deadline for the whole command, from opening its channel to its exit; nil for none.
    public var timeout: Duration?
    /// Bytes kept per stream; more is read and dropped, and the result says it was truncated.
    public var outputLimit: Int
    /// When set, stdout is handed to this as it arrives (unlimited) instead of being collected.
    public var stdoutSink: (@Sendable (UnsafeRawBufferPointer) -> Void)?
    /// Sees stdout as it arrives and may stop the command earlier than `timeout` (as a timeout).
    public var watch: (any StreamWatch)?

    public init(
        command: String, stdin: [UInt8] = [], timeout: Duration? = nil, outputLimit: Int = 16 << 20,
        stdoutSink: (@Sendable (UnsafeRawBufferPointer) -> Void)? = nil, watch: (any StreamWatch)? = nil
    ) {
        self.command = command
        self.stdin = stdin
        self.timeout = timeout
        self.outputLimit = outputLimit
        self.stdoutSink = stdoutSink
        self.watch = watch
    }
}

/// Sees a command's stdout as it arrives and may give it a deadline earlier than its timeout:
/// how a bundle of plugins holds each plugin to its own timeout with no process on the host to
/// watch it. A command stopped at the watch's deadline ends as a timed-out one (its process
/// group killed on the host).
public protocol StreamWatch: AnyObject, Sendable {
    /// Bytes of stdout, in order, as they are read.
    func observe(_ chunk: UnsafeRawBufferPointer)
    /// When the command must be stopped, if earlier than its own deadline; read after each read.
    var deadline: ContinuousClock.Instant? { get }
}

/// What a command did: both streams, and how it ended.
public struct ExecResult: Sendable, Equatable {
    public var stdout: [UInt8] = []
    public var stderr: [UInt8] = []
    public var stdoutTruncated = false
    public var stderrTruncated = false
    /// The exit status the server reported; nil when it sent none (killed, or timed out).
    public var exitStatus: Int32?
    /// The signal that ended the command, without "SIG" ("KILL", "TERM"), if any.
    public var exitSignal: String?
    /// True when the deadline passed; the channel was closed.
    public var timedOut = false
    /// After a timeout: true when the command's process group was killed on the host;
    /// false when that could not be confirmed (it may still be running there).
    public var stopped = false
    public var duration: Duration = .zero

    public init() {}

    /// How a shell would report the end: the status, 128 + signal number when killed,
    /// and nil when the command timed out or the server said nothing.
    public var shellStatus: Int32? {
        if let exitSignal { return 128 + (Signal.number(exitSignal) ?? 0) }
        if timedOut { return nil }
        return exitStatus
    }

}

/// Collects one stream up to its cap, or passes it on to a sink.
struct CappedBuffer {
    let limit: Int
    let sink: (@Sendable (UnsafeRawBufferPointer) -> Void)?
    private(set) var bytes: [UInt8] = []
    private(set) var truncated = false

    init(limit: Int, sink: (@Sendable (UnsafeRawBufferPointer) -> Void)? = nil) {
        self.limit = limit
        self.sink = sink
    }

    mutating func append(_ chunk: UnsafeBufferPointer<UInt8>) {
        if let sink {
            sink(UnsafeRawBufferPointer(chunk))
            return
        }
        let room = limit - bytes.count
        if chunk.count <= room {
            bytes.append(contentsOf: chunk)
        } else {
            bytes.append(contentsOf: chunk.prefix(max(room, 0)))
            truncated = true
        }
    }
}
