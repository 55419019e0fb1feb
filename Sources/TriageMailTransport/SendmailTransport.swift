import Foundation
import Synchronization
import TriageDomain

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Hands mail to the local MTA: `PATH -i -f FROM -- RECIPIENT...` with the message on stdin,
/// its line ends made the local LF (sendmail reads a text file, not SMTP's CRLF).
///
/// Exit 0 is delivered (queued), 75 (EX_TEMPFAIL) is `.transient`, any other exit is
/// `.permanent` with what sendmail wrote to stderr. No binary at `path`, a signal, and a
/// sendmail still running after `timeout` (killed) are `.transient`.
///
/// The message and stderr go through files in a private temporary folder, not pipes: no
/// blocking write to a child that stopped reading, no SIGPIPE, no full pipe to drain. The wait
/// is Process's termination handler, so no thread blocks on it.
public struct SendmailTransport: MailTransport {
    public let path: String
    public let timeout: Duration

    public init(path: String = "/usr/sbin/sendmail", timeout: Duration = .seconds(120)) {
        self.path = path
        self.timeout = timeout
    }

    /// The local MTA takes the message for every recipient or none: nothing is refused one by one here.
    @discardableResult
    public func send(_ message: [UInt8], from envelopeFrom: String, to recipients: [String]) async throws(MailDeliveryError) -> [String] {
        try MailEnvelope.check(from: envelopeFrom, to: recipients)
        guard FileManager.default.isExecutableFile(atPath: path) else { throw .transient("no sendmail at \(path)") }

        let files = FileManager.default
        let temporary = NSTemporaryDirectory()
        let folder = (temporary.hasSuffix("/") ? temporary : temporary + "/") + "triage-sendmail-" + UUID().uuidString
        let (input, errors) = (folder + "/message", folder + "/stderr")
        defer { try? files.removeItem(atPath: folder) }
        let process = Process()
        do {
            try files.createDirectory(atPath: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            guard files.createFile(atPath: input, contents: Data(Self.localLineEnds(message)), attributes: [.posixPermissions: 0o600]),
                files.createFile(atPath: errors, contents: nil, attributes: [.posixPermissions: 0o600])
            else { throw CocoaError(.fileWriteUnknown) }
            process.executableURL = URL(fileURLWithPath: path)
            // "<>": the null sender, which "-f ''" would not say to every sendmail.
            process.arguments = ["-i", "-f", envelopeFrom.isEmpty ? "<>" : envelopeFrom, "--"] + recipients
            process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: input))
            process.standardOutput = FileHandle.nullDevice
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errors))
        } catch {
            throw .transient("cannot hand the message to \(path): no temporary file for it (\(error))")
        }

        let outcome = await run(process)
        try? (process.standardInput as? FileHandle)?.close()
        try? (process.standardError as? FileHandle)?.close()
        let said = Self.text(files.contents(atPath: errors))
        let because = said.isEmpty ? "" : ": " + said

        switch outcome {
        case .exited(0):
            return []
        case .exited(75):
            throw .transient("\(path) cannot take the message now (exit 75, EX_TEMPFAIL)\(because)")
        case .exited(let status):
            throw .permanent("\(path) refused the message (exit \(status))\(because)")
        case .signalled(let signal):
            throw .transient("\(path) was ended by signal \(signal)\(because)")
        case .timedOut:
            throw .transient("\(path) did not finish within \(timeout.inWords) and was killed\(because)")
        case .cancelled:
            throw .transient("the delivery through \(path) was cancelled")
        case .failedToStart(let error):
            throw .transient("cannot start \(path): \(error)")
        }
    }

    enum Outcome: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)
        case timedOut, cancelled
        case failedToStart(String)
    }

    /// Starts `process` and waits for its end, the timeout, or the task's cancellation,
    /// whichever comes first.
    private func run(_ process: Process) async -> Outcome {
        let watch = Watch()
        let timeout = self.timeout
        let timer = Task {
            try? await Task.sleep(for: timeout)
            if !Task.isCancelled { watch.stop(.timedOut, signal: SIGKILL) }
        }
        defer { timer.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
                guard watch.begin(continuation) else { return }
                process.terminationHandler = { ended in
                    let status = ended.terminationStatus
                    watch.finish(ended.terminationReason == .exit ? .exited(status) : .signalled(status))
                }
                do {
                    try process.run()
                    watch.started(pid: process.processIdentifier)
                } catch {
                    watch.finish(.failedToStart("\(error)"))
                }
            }
        } onCancel: {
            watch.stop(.cancelled, signal: SIGTERM)
        }
    }

    /// The one place the wait ends: the exit, or a stop (timeout, cancellation) that signals
    /// the child while it has not been seen to exit, and answers without waiting for it.
    private final class Watch: Sendable {
        private struct State {
            var continuation: CheckedContinuation<Outcome, Never>?
            var pid: pid_t = 0
            var ended = false
            var stop: (outcome: Outcome, signal: Int32)?
        }
        private let state = Mutex(State())

        /// False when a stop came first: it has answered, and nothing is to be started.
        func begin(_ continuation: CheckedContinuation<Outcome, Never>) -> Bool {
            let stop = state.withLock { state -> Outcome? in
                if let stop = state.stop { return stop.outcome }
                state.continuation = continuation
                return nil
            }
            guard let stop else { return true }
            continuation.resume(returning: stop)
            return false
        }

        func started(pid: pid_t) {
            state.withLock { state in
                state.pid = pid
                if let stop = state.stop, !state.ended { kill(pid, stop.signal) }
            }
        }

        func finish(_ outcome: Outcome) {
            let continuation = state.withLock { state in
                state.ended = true
                return state.continuation.take()
            }
            continuation?.resume(returning: outcome)
        }

        func stop(_ outcome: Outcome, signal: Int32) {
            let continuation = state.withLock { state -> CheckedContinuation<Outcome, Never>? in
                guard !state.ended, state.stop == nil else { return nil }
                state.stop = (outcome, signal)
                // The PID is only signalled before the handler has seen the exit (the child may
                // be reaped just before; its PID is not reused that fast).
                if state.pid > 0 { kill(state.pid, signal) }
                return state.continuation.take()
            }
            continuation?.resume(returning: outcome)
        }
    }

    /// CRLF and a bare CR made LF.
    static func localLineEnds(_ message: [UInt8]) -> [UInt8] {
        let (cr, lf) = (UInt8(ascii: "\r"), UInt8(ascii: "\n"))
        var out: [UInt8] = []
        out.reserveCapacity(message.count)
        var afterCR = false
        for byte in message {
            if byte == lf && afterCR {
                afterCR = false
                continue
            }
            afterCR = byte == cr
            out.append(afterCR ? lf : byte)
        }
        return out
    }

    /// Stderr for an error message: trimmed, one line, at most 1000 characters.
    private static func text(_ data: Data?) -> String {
        guard let data, !data.isEmpty else { return "" }
        let text = String(decoding: data.prefix(4000), as: UTF8.self)
            .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            .joined(separator: " / ")
        return text.count > 1000 ? String(text.prefix(1000)) + "…" : text
    }
}
