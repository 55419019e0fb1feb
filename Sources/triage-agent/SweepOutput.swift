import Foundation
import TriageAgent
import TriageModel

#if canImport(Glibc)
import Glibc
#endif

/// What a sweep prints as hosts finish: a line per host (or a JSON report per line) on stdout,
/// a progress bar on stderr when that is a terminal, and a summary at the end.
final class SweepOutput: @unchecked Sendable {
    private let lock = NSLock()
    private let total: Int
    private let json: Bool
    private let bar = isatty(STDERR_FILENO) != 0
    private let color = isatty(STDOUT_FILENO) != 0
    private let started = ContinuousClock.now
    private var reports: [DiagnosticReport] = []
    private var posted = 0
    private var notPosted = 0

    init(total: Int, json: Bool) {
        self.total = total
        self.json = json
    }

    func add(_ report: DiagnosticReport, posted outcome: Result<CoordinatorClient.Receipt, any Error>?) {
        lock.withLock {
            reports.append(report)
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
                let line = (try? DiagnosticReport.encoder.encode(report)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
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
        lock.withLock {
            if bar { write(STDERR_FILENO, "\r\u{1b}[K") }
            let counts = CheckStatus.allCases.compactMap { status -> String? in
                let n = reports.filter { $0.status == status }.count
                return n == 0 ? nil : "\(n) \(status.rawValue)"
            }
            let unreachable = reports.filter { $0.checks.isEmpty }.count
            var summary = "swept \(reports.count) hosts in \(seconds()) s: \(counts.joined(separator: ", "))"
            if unreachable > 0 { summary += " (\(unreachable) not reached)" }
            if posted + notPosted > 0 { summary += "; \(posted) reports posted" + (notPosted > 0 ? ", \(notPosted) not" : "") }
            printError(summary)
            return notPosted > 0 ? 3 : ReportFormatter.exitCode(reports)
        }
    }

    private func line(_ report: DiagnosticReport, _ note: String) -> String {
        let problems = report.checks.filter { $0.status != .ok }.sorted { $0.status > $1.status }
        var detail = problems.first.map { "\($0.plugin) \($0.item): \($0.summary)" } ?? report.errors.first?.message ?? ""
        if problems.count > 1 { detail += " (+\(problems.count - 1) more)" }
        if !note.isEmpty { detail += detail.isEmpty ? note : "; " + note }
        var status = report.status.rawValue.uppercased().padding(toLength: 8, withPad: " ", startingAt: 0)
        if color { status = ReportFormatter.paint(report.status, status) }
        let host = report.host.padding(toLength: max(16, report.host.count), withPad: " ", startingAt: 0)
        let size = "\(report.checks.count) items".padding(toLength: 10, withPad: " ", startingAt: 0)
        return "\(host) \(status) \(size) \(String(format: "%6d", report.durationMs)) ms  \(detail)"
            .trimmingCharacters(in: .whitespaces)
    }

    private func progress() -> String {
        let done = reports.count
        let width = 30
        let filled = total == 0 ? width : done * width / total
        let failed = reports.filter { $0.checks.isEmpty }.count
        return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] "
            + "\(done)/\(total) hosts, \(failed) not reached, \(seconds()) s"
    }

    private func seconds() -> String {
        let elapsed = started.duration(to: .now)
        return String(format: "%.1f", Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    private func write(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 { return }
            offset += n
        }
    }
}
