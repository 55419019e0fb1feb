import TriageChecks
import TriageModel

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// How a report is printed: a table for people, JSON for programs, Nagios for schedulers.
public enum ReportFormat: String, Sendable, CaseIterable {
    case table
    case json
    case nagios
}

public enum ReportFormatter {
    public static func render(_ reports: [DiagnosticReport], as format: ReportFormat, color: Bool = false) -> String {
        switch format {
        case .json:
            let encoder = DiagnosticReport.encoder
            encoder.outputFormatting.insert(.prettyPrinted)
            let data = reports.count == 1 ? try? encoder.encode(reports[0]) : try? encoder.encode(reports)
            return String(decoding: data ?? Data(), as: UTF8.self) + "\n"
        case .table:
            return reports.map { table($0, color: color) }.joined(separator: "\n")
        case .nagios:
            return reports.map(nagios).joined()
        }
    }

    /// The worst status of all reports as a Nagios exit code.
    public static func exitCode(_ reports: [DiagnosticReport]) -> Int32 {
        (reports.map(\.status).max() ?? .unknown).exitCode
    }

    // MARK: - Table

    /// `text` in the status's terminal colour.
    public static func paint(_ status: CheckStatus, _ text: String) -> String {
        let code =
            switch status {
            case .ok: "32"
            case .warning: "33"
            case .critical: "31"
            case .unknown: "35"
            }
        return "\u{1b}[\(code)m\(text)\u{1b}[0m"
    }

    static func table(_ report: DiagnosticReport, color: Bool) -> String {
        let paint = { (status: CheckStatus, text: String) in color ? Self.paint(status, text) : text }
        let label: (CheckStatus) -> String = { $0.rawValue.uppercased() }
        var lines = [
            "\(report.host): \(paint(report.status, label(report.status))) (\(report.checks.count) items in \(report.durationMs) ms)"
        ]
        let pluginWidth = max(6, report.checks.map(\.plugin.count).max() ?? 0)
        let itemWidth = min(40, max(4, report.checks.map(\.item.count).max() ?? 0))
        for check in report.checks {
            let status = label(check.status).padded(to: 8)
            lines.append(
                "  \(paint(check.status, status)) \(check.plugin.padded(to: pluginWidth))  "
                    + "\(check.item.padded(to: itemWidth))  \(check.summary)")
        }
        let r = report.recommendation
        var actions: [String] = []
        if r.onsite { actions.append("send a technician on site") }
        if !r.vendors.isEmpty { actions.append("escalate to \(r.vendors.joined(separator: ", "))") }
        if let tier = r.tier { actions.append("fix remotely at tier \(tier)") }
        lines.append("Recommendation: " + (actions.isEmpty ? "nothing to do" : actions.joined(separator: "; ")))
        for reason in r.reasons { lines.append("  - \(reason.flag.rawValue): \(reason.reason)") }
        if !report.errors.isEmpty {
            lines.append("Errors:")
            for error in report.errors { lines.append("  - " + (error.plugin.map { "\($0): " } ?? "") + error.message) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - Nagios

    static func nagios(_ report: DiagnosticReport) -> String {
        let problems = report.checks.filter { $0.status != .ok }.sorted { $0.status > $1.status }
        var counts: [String] = []
        for status in [CheckStatus.critical, .unknown, .warning] {
            let count = problems.filter { $0.status == status }.count
            if count > 0 { counts.append("\(count) \(status.rawValue)") }
        }
        var first = "TRIAGE \(report.status.rawValue.uppercased()) - \(report.host): "
        first += counts.isEmpty ? "\(report.checks.count) items ok" : counts.joined(separator: ", ")
        if let worst = problems.first { first += " (\(worst.plugin) \(worst.item): \(worst.summary))" }
        if let error = report.errors.first, problems.isEmpty { first += " (\(error.message))" }
        let perfdata = report.checks.flatMap { check in
            check.metrics.compactMap { metric -> String? in
                guard let value = metric.value else { return nil }
                let label = "\(check.plugin) \(check.item) \(metric.name)".replacingLiteral("'", with: "''")
                let fields = [
                    metric.warn ?? "", metric.crit ?? "", metric.min.map(NagiosRange.format) ?? "",
                    metric.max.map(NagiosRange.format) ?? "",
                ]
                return "'\(label)'=\(NagiosRange.format(value))\(metric.unit ?? "");" + fields.joined(separator: ";")
            }
        }
        // A `|` in text would start perfdata for a Nagios parser: it becomes `/`.
        let clean = { (text: String) in text.replacingLiteral("|", with: "/") }
        var lines = [clean(first) + (perfdata.isEmpty ? "" : " | " + perfdata.joined(separator: " "))]
        for check in problems {
            lines.append(clean("\(check.status.rawValue.uppercased()): \(check.plugin) \(check.item): \(check.summary)"))
        }
        for reason in report.recommendation.reasons { lines.append(clean("\(reason.flag.rawValue): \(reason.reason)")) }
        for error in report.errors { lines.append(clean("error: " + (error.plugin.map { "\($0): " } ?? "") + error.message)) }
        return lines.joined(separator: "\n") + "\n"
    }
}
