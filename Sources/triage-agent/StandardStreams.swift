#if canImport(Glibc)
    import Glibc
#endif

/// The command line's own output, on the file descriptors (the agent links no Foundation for
/// FileHandle: docs/agent.md, "Memory").
enum StandardStreams {
    /// Writes all of `bytes` to `fd`, or stops quietly when the reader went away (e.g. `| head`).
    static func write(_ fd: Int32, _ bytes: some Collection<UInt8>) {
        let bytes = Array(bytes)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }

    /// All of standard input.
    static func readInput() -> [UInt8] { POSIXInput.readAll() }
}

/// Writes to stderr, for messages that are not the command's output.
func printError(_ message: String) {
    StandardStreams.write(STDERR_FILENO, Array((message + "\n").utf8))
}

private enum POSIXInput {
    static func readAll() -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let n = read(STDIN_FILENO, &chunk, chunk.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return bytes }
            bytes += chunk[0..<n]
        }
    }
}
