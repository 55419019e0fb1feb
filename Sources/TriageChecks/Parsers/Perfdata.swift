import TriageModel

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Monitoring Plugins performance data: `'label'=value[UOM];[warn];[crit];[min];[max]`,
/// separated by spaces. Labels may be single-quoted (with `''` for a quote inside); `U` means
/// the value could not be determined; trailing fields may be empty or missing.
public enum Perfdata {
    public static let units: Set<String> = ["s", "ms", "us", "%", "B", "KB", "MB", "GB", "TB", "c"]

    /// The metrics that parse, and the pieces that did not (kept for the report).
    public static func parse(_ text: String) -> (metrics: [Metric], rejected: [String]) {
        var metrics: [Metric] = []
        var rejected: [String] = []
        for token in tokens(text) {
            if let metric = metric(token) { metrics.append(metric) } else { rejected.append(token) }
        }
        return (metrics, rejected)
    }

    /// Splits on spaces outside single quotes.
    static func tokens(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        var quoted = false
        for character in text {
            if character == "'" { quoted.toggle() }
            if !quoted && (character == " " || character == "\t") {
                if !current.isEmpty {
                    result.append(current)
                    current = ""
                }
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    static func metric(_ token: String) -> Metric? {
        guard let equals = labelEnd(token) else { return nil }
        var label = String(token[..<equals])
        if label.hasPrefix("'") && label.hasSuffix("'") && label.count >= 2 {
            label = String(label.dropFirst().dropLast()).replacingLiteral("''", with: "'")
        }
        guard !label.isEmpty else { return nil }
        let fields = token[token.index(after: equals)...].split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        guard let first = fields.first, !first.isEmpty else { return nil }
        var value: Double?
        var unit: String?
        if first != "U" {
            let split = splitNumber(first)
            guard let number = split.number, split.unit.isEmpty || units.contains(split.unit) else { return nil }
            value = number
            unit = split.unit.isEmpty ? nil : split.unit
        }
        func field(_ index: Int) -> String? { index < fields.count && !fields[index].isEmpty ? fields[index] : nil }
        for index in [1, 2] {
            if let range = field(index), (try? NagiosRange(parsing: range)) == nil { return nil }
        }
        // .some(nil): the field is empty (allowed); nil: it is not a number (the metric is rejected).
        func number(_ index: Int) -> Double?? {
            guard let text = field(index) else { return .some(nil) }
            return splitNumber(text).number.map { .some($0) } ?? nil
        }
        guard let min = number(3), let max = number(4) else { return nil }
        return Metric(name: label, value: value, unit: unit, warn: field(1), crit: field(2), min: min, max: max)
    }

    /// The `=` that ends the label (not one inside a quoted label).
    private static func labelEnd(_ token: String) -> String.Index? {
        var quoted = false
        for index in token.indices {
            if token[index] == "'" { quoted.toggle() }
            if token[index] == "=" && !quoted { return index }
        }
        return nil
    }

    /// "12.5MB" → (12.5, "MB"); "1e3" → (1000, ""); "abc" → (nil, …).
    static func splitNumber(_ text: String) -> (number: Double?, unit: String) {
        var end = text.startIndex
        for index in text.indices {
            let character = text[index]
            if character.isNumber || character == "." || character == "-" || character == "+" {
                end = text.index(after: index)
            } else if character == "e" || character == "E", index != text.startIndex,
                let next = text.index(index, offsetBy: 1, limitedBy: text.endIndex), next < text.endIndex,
                text[next].isNumber || text[next] == "-" || text[next] == "+"
            {
                end = text.index(after: index)
            } else {
                break
            }
        }
        let number = Double(text[..<end]).flatMap { $0.isFinite ? $0 : nil }
        return (number, String(text[end...]))
    }
}
