import TriageModel

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Output of a Monitoring Plugins (Nagios) plugin: the exit code is the status (anything but
/// 0–3 is UNKNOWN), the first line is `TEXT | PERFDATA`, further lines are long output, and
/// after a `|` on a later line everything that follows is more perfdata.
public enum NagiosOutputParser {
    public static func parse(plugin: String, item: String, exitCode: Int32, output: String) -> CheckResult {
        let lines = output.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        var first = lines.first ?? ""
        var perfdata: [String] = []
        if let bar = first.firstIndex(of: "|") {
            perfdata.append(String(first[first.index(after: bar)...]))
            first = String(first[..<bar])
        }
        var long: [String] = []
        var inPerfdata = false
        for line in lines.dropFirst() {
            if inPerfdata {
                perfdata.append(line)
            } else if let bar = line.firstIndex(of: "|") {
                long.append(String(line[..<bar]))
                perfdata.append(String(line[line.index(after: bar)...]))
                inPerfdata = true
            } else {
                long.append(line)
            }
        }
        while long.last?.trimmingBlanks.isEmpty == true { long.removeLast() }

        let parsed = Perfdata.parse(perfdata.joined(separator: " "))
        if !parsed.rejected.isEmpty { long.append("unparsed perfdata: " + parsed.rejected.joined(separator: " ")) }
        var summary = first.trimmingBlanks
        var status = CheckStatus(exitCode: exitCode)
        if !(0...3).contains(exitCode) { summary = "exit code \(exitCode): " + summary }
        if summary.isEmpty && long.isEmpty {
            summary = "the plugin printed nothing (exit code \(exitCode))"
            status = max(status, .unknown)
        }
        let longOutput = long.isEmpty ? nil : String(long.joined(separator: "\n").prefix(LocalCheckParser.rawLimit))
        return CheckResult(plugin: plugin, item: item, status: status, summary: summary, longOutput: longOutput, metrics: parsed.metrics)
    }
}
