import TriageSSH

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// Runs scripts on this machine through `/bin/sh -s`, the same way they run over SSH.
///
/// The shell gets a session (and process group) of its own, so that a timeout kills it and
/// everything it started. Its stdin, stdout and stderr are pipes polled together, so a script
/// that writes a lot to both streams never stalls; no other descriptor leaks into it. Nor does
/// the agent's environment (its token, an SSH key's passphrase): the shell gets only the
/// variables in `passedEnvironment`, as a login over SSH would.
public struct LocalShell: ScriptTransport, Sendable {
    /// What a plugin may see of the agent's environment: where commands are, the locale and zone.
    public static let passedEnvironment = ["PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR"]

    public init() {}

    static func cleanEnvironment() -> [String: String] {
        let own = ProcessInfo.processInfo.environment
        var clean = own.filter { passedEnvironment.contains($0.key) }
        if clean["PATH"] == nil { clean["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" }
        return clean
    }

    public func run(script: [UInt8], timeout: Duration, outputLimit: Int, watch: (any StreamWatch)? = nil) throws -> ScriptOutcome {
        let started = ContinuousClock.now
        var pipes: [[Int32]] = []
        for _ in 0..<3 {
            var fds: [Int32] = [-1, -1]
            guard pipe(&fds) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            pipes.append(fds)
        }
        let (stdinRead, stdinWrite) = (pipes[0][0], pipes[0][1])
        let (outRead, outWrite) = (pipes[1][0], pipes[1][1])
        let (errRead, errWrite) = (pipes[2][0], pipes[2][1])

        let pid: pid_t
        do {
            pid = try ProcessSpawner.spawn(
                "/bin/sh", ["-s"], environment: Self.cleanEnvironment(), inheriting: false,
                stdin: .descriptor(stdinRead), stdout: .descriptor(outWrite),
                stderr: .descriptor(errWrite), newSession: true)
        } catch {
            for fd in pipes.flatMap({ $0 }) { close(fd) }
            throw error
        }
        for fd in [stdinRead, outWrite, errWrite] { close(fd) }
        for fd in [stdinWrite, outRead, errRead] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }

        var outcome = ScriptOutcome()
        var stdout = Capped(limit: outputLimit)
        var stderr = Capped(limit: outputLimit)
        var written = 0
        var input: Int32 = stdinWrite
        var outputs: [Int32: Bool] = [outRead: true, errRead: true]
        if script.isEmpty {
            close(input)
            input = -1
        }
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var buffer = [UInt8](repeating: 0, count: 64 << 10)

        while input >= 0 || outputs.values.contains(true) {
            let left = ContinuousClock.now.duration(to: min(deadline, watch?.deadline ?? deadline))
            if left <= .zero {
                outcome.timedOut = true
                kill(-pid, SIGKILL)
                break
            }
            var fds = [
                pollfd(fd: input, events: Int16(POLLOUT), revents: 0),
                pollfd(fd: outputs[outRead] == true ? outRead : -1, events: Int16(POLLIN), revents: 0),
                pollfd(fd: outputs[errRead] == true ? errRead : -1, events: Int16(POLLIN), revents: 0),
            ]
            let millis = Int32(clamping: left.wholeMilliseconds + 1)
            if poll(&fds, 3, millis) < 0 && errno != EINTR { break }
            if input >= 0 && fds[0].revents != 0 {
                let n = script.withUnsafeBytes { write(input, $0.baseAddress! + written, script.count - written) }
                if n > 0 { written += n }
                if n < 0 && errno != EAGAIN || written == script.count {
                    close(input)
                    input = -1
                }
            }
            for (index, fd) in [(1, outRead), (2, errRead)] where fds[index].revents != 0 {
                let n = read(fd, &buffer, buffer.count)
                if n > 0 {
                    if fd == outRead {
                        buffer.withUnsafeBytes { watch?.observe(UnsafeRawBufferPointer(rebasing: $0.prefix(n))) }
                        stdout.append(buffer[0..<n])
                    } else {
                        stderr.append(buffer[0..<n])
                    }
                } else if n == 0 || errno != EAGAIN {
                    outputs[fd] = false
                }
            }
        }
        if input >= 0 { close(input) }
        close(outRead)
        close(errRead)

        let status = ProcessSpawner.wait(pid)
        if status > 128 { outcome.signal = Signal.name(status - 128) } else { outcome.exitCode = status }
        if outcome.timedOut { outcome.exitCode = nil }
        outcome.stdout = stdout.bytes
        outcome.stderr = stderr.bytes
        outcome.duration = started.duration(to: .now)
        return outcome
    }

    private struct Capped {
        let limit: Int
        var bytes: [UInt8] = []
        mutating func append(_ chunk: ArraySlice<UInt8>) {
            if bytes.count < limit { bytes.append(contentsOf: chunk.prefix(limit - bytes.count)) }
        }
    }
}
