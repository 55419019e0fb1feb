import TriageModel

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The Checkmk local-check line format, one item per line:
/// `[cached(AGE,INTERVAL) ]STATUS ITEM METRICS TEXT`, with STATUS `0`–`3` or `P` (derive it from
/// the metrics' levels), ITEM a word or a "double-quoted string", METRICS `-` or
/// `name=value;warn;crit;min;max` joined by `|`, and a literal `\n` in TEXT starting long output.
/// A Checkmk user's local checks run unchanged.
public enum LocalCheckParser {
    /// Raw text kept from unparseable output, per plugin.
    public static let rawLimit = 64 << 10

    /// Every line becomes an item; lines that do not parse become one UNKNOWN item that keeps
    /// them (up to `rawLimit`), so garbage is never silently dropped and never reads as OK.
    public static func parse(plugin: String, output: String) -> [CheckResult] {
        var results: [CheckResult] = []
        var rejected: [String] = []
        for line in output.split(whereSeparator: \.isNewline) {
            let text = line.trimmingBlanks
            if text.isEmpty { continue }
            if let result = parseLine(text, plugin: plugin) { results.append(result) } else { rejected.append(String(line)) }
        }
        if !rejected.isEmpty {
            results.append(
                CheckResult(
                    plugin: plugin, item: "output", status: .unknown,
                    summary: "\(rejected.count) line(s) of output are not local-check lines: \(rejected[0].prefix(120))",
                    longOutput: String(decoding: rejected.joined(separator: "\n").utf8.prefix(rawLimit), as: UTF8.self)))
        }
        if results.isEmpty {
            results.append(CheckResult(plugin: plugin, item: "output", status: .unknown, summary: "the plugin printed nothing"))
        }
        return results
    }

    static func parseLine(_ line: String, plugin: String) -> CheckResult? {
        var rest = Substring(line)
        if rest.hasPrefix("cached(") {
            guard let close = rest.firstIndex(of: ")") else { return nil }
            let inner = rest[rest.index(rest.startIndex, offsetBy: 7)..<close].split(separator: ",")
            guard inner.count == 2, inner.allSatisfy({ Int($0) != nil }) else { return nil }
            rest = rest[rest.index(after: close)...].drop(while: { $0 == " " })
        }
        guard let statusToken = word(&rest), let item = itemToken(&rest), let metricsToken = word(&rest) else { return nil }
        var text = String(rest.drop(while: { $0 == " " || $0 == "\t" }))

        var metrics: [LocalMetric] = []
        if metricsToken != "-" {
            for part in metricsToken.split(separator: "|") {
                guard let metric = LocalMetric(String(part)) else { return nil }
                metrics.append(metric)
            }
        }

        let status: CheckStatus
        switch statusToken {
        case "0", "1", "2", "3": status = CheckStatus(exitCode: Int32(statusToken)!)
        case "P":
            let evaluated = metrics.map { ($0, $0.status) }
            status = evaluated.map(\.1).max() ?? .ok
            let notes = evaluated.filter { $0.1 != .ok }.map { "\($0.0.name) \($0.0.valueText) (\($0.1.rawValue))" }
            if !notes.isEmpty { text += (text.isEmpty ? "" : "; ") + notes.joined(separator: ", ") }
        default: return nil
        }

        let pieces = text.components(separatedBy: "\\n")
        let longOutput = pieces.count > 1 ? pieces.dropFirst().joined(separator: "\n") : nil
        return CheckResult(
            plugin: plugin, item: item, status: status, summary: pieces[0], longOutput: longOutput,
            metrics: metrics.map(\.metric))
    }

    private static func word(_ rest: inout Substring) -> String? {
        rest = rest.drop(while: { $0 == " " || $0 == "\t" })
        guard !rest.isEmpty else { return nil }
        let end = rest.firstIndex(where: { $0 == " " || $0 == "\t" }) ?? rest.endIndex
        defer { rest = rest[end...] }
        return String(rest[..<end])
    }

    private static func itemToken(_ rest: inout Substring) -> String? {
        rest = rest.drop(while: { $0 == " " || $0 == "\t" })
        guard rest.first == "\"" else { return word(&rest) }
        let body = rest.dropFirst()
        guard let close = body.firstIndex(of: "\""), close != body.startIndex else { return nil }
        defer { rest = body[body.index(after: close)...] }
        return String(body[..<close])
    }
}

/// One local-check metric, with the levels `P` evaluates: each of warn and crit is an upper
/// level `hi`, or `lo:hi` with a lower level too (Checkmk: upper levels trigger at value ≥ level,
/// lower ones below it; only crit given means warn = crit).
struct LocalMetric {
    struct Levels {
        var lower: Double?
        var upper: Double?

        /// `hi`, or `lo:hi` with either side empty; nil when a side is not a number.
        init?(_ text: String) {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2, let last = parts.last else { return nil }
            guard let upper = LocalMetric.optionalNumber(last) else { return nil }
            self.upper = upper
            if parts.count == 2 {
                guard let lower = LocalMetric.optionalNumber(parts[0]) else { return nil }
                self.lower = lower
            } else if upper == nil {
                return nil
            }
        }

        func breached(by value: Double) -> Bool {
            if let upper, value >= upper { return true }
            if let lower, value < lower { return true }
            return false
        }
    }

    let name: String
    let value: Double
    let unit: String?
    let warn: Levels?
    let crit: Levels?
    let metric: Metric

    init?(_ text: String) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else { return nil }
        name = String(text[..<equals])
        let fields = text[text.index(after: equals)...].split(separator: ";", omittingEmptySubsequences: false)
        let split = Perfdata.splitNumber(String(fields[0]))
        guard let number = split.number, fields.count <= 5 else { return nil }
        value = number
        unit = split.unit.isEmpty ? nil : split.unit
        func field(_ index: Int) -> String? { index < fields.count && !fields[index].isEmpty ? String(fields[index]) : nil }

        let warnText = field(1)
        let critText = field(2)
        if let critText {
            guard let levels = Levels(critText) else { return nil }
            crit = levels
        } else {
            crit = nil
        }
        if let warnText {
            guard let levels = Levels(warnText) else { return nil }
            warn = levels
        } else {
            warn = crit
        }
        guard let min = Self.optionalNumber(Substring(field(3) ?? "")), let max = Self.optionalNumber(Substring(field(4) ?? "")) else {
            return nil
        }
        metric = Metric(name: name, value: value, unit: unit, warn: warnText ?? critText, crit: critText, min: min, max: max)
    }

    /// .some(nil) for an empty field, nil for one that is not a number.
    static func optionalNumber(_ text: Substring) -> Double?? {
        if text.isEmpty { return .some(nil) }
        return Perfdata.splitNumber(String(text)).number.map { .some($0) }
    }

    var status: CheckStatus {
        if crit?.breached(by: value) == true { return .critical }
        if warn?.breached(by: value) == true { return .warning }
        return .ok
    }

    var valueText: String { NagiosRange.format(value) + (unit ?? "") }
}
