import Synchronization
import TriageAgent
import TriageChecks
import TriageModel

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// What a sweep prints as hosts finish: a line per host (or a JSON report per line) on stdout,
/// a progress bar on stderr when that is a terminal, and a summary at the end.
final class SweepOutput: @unchecked Sendable {
    private let lock = Mutex(())
    private let total: Int
    private let json: Bool
    private let bar = isatty(STDERR_FILENO) != 0
    private let color = isatty(STDOUT_FILENO) != 0
    private let started = ContinuousClock.now
    private var done = 0
    /// Reports by status, and how many never reached their host.
    private var counts: [CheckStatus: Int] = [:]
    private var unreached = 0
    private var posted = 0
    private var notPosted = 0

    init(total: Int, json: Bool) {
        self.total = total
        self.json = json
    }

    func add(_ report: DiagnosticReport, posted outcome: Result<ReportReceipt, any Error>?) {
        lock.withLock { _ in
            done += 1
            counts[report.status, default: 0] += 1
            if report.checks.isEmpty { unreached += 1 }
            var note = ""
            switch outcome {
            case .success: posted += 1
            case .failure(let error):
                notPosted += 1
                note = "not posted: \(error)"
            case nil: break
            }
            if bar { write(STDERR_FILENO, "\r\u{1b}[K") }
            if json {
                let line = String(decoding: report.json, as: UTF8.self)
                write(STDOUT_FILENO, line + "\n")
                for error in report.errors where report.checks.isEmpty { printError("triage-agent: \(report.host): \(error.message)") }
                if !note.isEmpty { printError("triage-agent: \(report.host): \(note)") }
            } else {
                write(STDOUT_FILENO, line(report, note) + "\n")
            }
            if bar { write(STDERR_FILENO, progress()) }
        }
    }

    /// Clears the bar, prints the summary on stderr, and returns the exit status.
    func finish() -> Int32 {
        lock.withLock { _ in
            if bar { write(STDERR_FILENO, "\r\u{1b}[K") }
            let tally = CheckStatus.allCases.compactMap { status in counts[status].map { "\($0) \(status.rawValue)" } }
            var summary = "swept \(done) hosts in \(seconds()) s: \(tally.joined(separator: ", "))"
            if unreached > 0 { summary += " (\(unreached) not reached)" }
            if posted + notPosted > 0 { summary += "; \(posted) reports posted" + (notPosted > 0 ? ", \(notPosted) not" : "") }
            printError(summary)
            return notPosted > 0 ? 3 : (counts.keys.max() ?? .unknown).exitCode
        }
    }

    private func line(_ report: DiagnosticReport, _ note: String) -> String {
        let problems = report.checks.filter { $0.status != .ok }.sorted { $0.status > $1.status }
        var detail = problems.first.map { "\($0.plugin) \($0.item): \($0.summary)" } ?? report.errors.first?.message ?? ""
        if problems.count > 1 { detail += " (+\(problems.count - 1) more)" }
        if !note.isEmpty { detail += detail.isEmpty ? note : "; " + note }
        var status = report.status.rawValue.uppercased().padded(to: 8)
        if color { status = ReportFormatter.paint(report.status, status) }
        let host = report.host.padded(to: max(16, report.host.count))
        let size = "\(report.checks.count) items".padded(to: 10)
        let millis = String(report.durationMs)
        let duration = String(repeating: " ", count: max(0, 6 - millis.count)) + millis
        return "\(host) \(status) \(size) \(duration) ms  \(detail)".trimmingBlanks
    }

    private func progress() -> String {
        let width = 30
        let filled = total == 0 ? width : done * width / total
        return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] "
            + "\(done)/\(total) hosts, \(unreached) not reached, \(seconds()) s"
    }

    private func seconds() -> String {
        let tenths = started.duration(to: .now) / .milliseconds(100)
        return "\(Int(tenths) / 10).\(Int(tenths) % 10)"
    }

    private func write(_ fd: Int32, _ text: String) { StandardStreams.write(fd, Array(text.utf8)) }
}
