import TriageModel
import TriageYAML

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Reads `plugin.yaml`: every schema problem is reported with its file and line, all at once,
/// so that `plugins lint` can list them and a broken plugin can be skipped with a reason.
public enum ManifestLoader {
    public static let fileName = "plugin.yaml"
    static let defaultTimeout: Duration = .seconds(30)

    public static func load(folder: String) -> Result<PluginManifest, ManifestFailure> {
        let file = folder + "/" + fileName
        var problems = Problems(file: file)
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            return .failure(ManifestFailure(folder: folder, problems: [ManifestProblem(file: file, line: nil, "cannot read \(fileName)")]))
        }
        let root: YAMLNode?
        do { root = try YAMLParser.compose(text) } catch {
            return .failure(
                ManifestFailure(
                    folder: folder, problems: [ManifestProblem(file: file, line: error.mark?.line, "not valid YAML: \(error.message)")]))
        }
        guard let root, let mapping = root.mapping else {
            problems.add(root, "plugin.yaml must be a mapping of name, summary, script, …")
            return .failure(ManifestFailure(folder: folder, problems: problems.list))
        }
        problems.rejectUnknownKeys(
            mapping, allowed: ["name", "summary", "protocol", "script", "item", "timeout", "params", "triage", "skills"])

        let name = problems.requiredString(mapping, "name") ?? ""
        if !name.isEmpty && !isName(name, others: "_-", longest: .max) {
            problems.add(mapping["name"], "name '\(name)' must be lower-case letters, digits, - and _")
        }
        let summary = problems.requiredString(mapping, "summary") ?? ""
        var outputProtocol = PluginManifest.OutputProtocol.local
        if let text = problems.optionalString(mapping, "protocol") {
            if let value = PluginManifest.OutputProtocol(rawValue: text) {
                outputProtocol = value
            } else {
                problems.add(mapping["protocol"], "protocol '\(text)' must be local or nagios")
            }
        }
        let script = problems.requiredString(mapping, "script") ?? ""
        var scriptText = ""
        if !script.isEmpty {
            if script.contains("/") {
                problems.add(mapping["script"], "script must be a file in the plugin folder, not a path")
            } else if let contents = try? String(contentsOfFile: folder + "/" + script, encoding: .utf8) {
                scriptText = contents
            } else {
                problems.add(mapping["script"], "script \(script) is missing or unreadable")
            }
        }
        let item = problems.optionalString(mapping, "item") ?? name
        var timeout = defaultTimeout
        if let text = problems.optionalString(mapping, "timeout") {
            if let value = parseDuration(text) {
                timeout = value
            } else {
                problems.add(mapping["timeout"], "timeout '\(text)' must be like 15s, 2m or 500ms")
            }
        }
        let params = parseParams(mapping["params"], &problems)
        let rules = parseRules(mapping["triage"], &problems)
        let skills = parseSkills(mapping["skills"], &problems)

        guard problems.list.isEmpty else { return .failure(ManifestFailure(folder: folder, problems: problems.list)) }
        return .success(
            PluginManifest(
                name: name, summary: summary, outputProtocol: outputProtocol, script: script, item: item,
                timeout: timeout, params: params, rules: rules, folder: folder, scriptText: scriptText,
                skills: skills))
    }

    /// `skills: [storage, linux]`: lower-case words, as technicians' skills are written.
    /// A lower-case letter or digit, then those or `others`, at most `longest` characters in all.
    /// (Swift's Regex would do, at half a MiB of resident code in every push agent.)
    static func isName(_ text: String, others: String, longest: Int) -> Bool {
        let lowerOrDigit = { (c: Character) in c.isASCII && (c.isLowercase || c.isNumber) }
        guard let first = text.first, lowerOrDigit(first), text.count <= longest else { return false }
        return text.allSatisfy { lowerOrDigit($0) || others.contains($0) }
    }

    private static func parseSkills(_ node: YAMLNode?, _ problems: inout Problems) -> [String] {
        guard let node else { return [] }
        guard let sequence = node.sequence else {
            problems.add(node, "skills must be a list like [storage]")
            return []
        }
        var skills: [String] = []
        for entry in sequence {
            guard let skill = entry.scalar?.string, isName(skill, others: "._-", longest: 64)
            else {
                problems.add(entry, "a skill is one lower-case word of up to 64 letters, digits, '.', '_' or '-'")
                continue
            }
            if !skills.contains(skill) { skills.append(skill) }
        }
        return skills
    }

    /// "15s", "2m", "500ms", "1h" or a plain number of seconds.
    public static func parseDuration(_ text: String) -> Duration? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            guard let value = Double(text.dropLast(suffix.count)), value > 0 else { return nil }
            return .milliseconds(Int64((value * factor * 1000).rounded()))
        }
        guard let seconds = Double(text), seconds > 0 else { return nil }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    private static func parseParams(_ node: YAMLNode?, _ problems: inout Problems) -> [PluginManifest.Parameter] {
        guard let node else { return [] }
        guard let mapping = node.mapping else {
            problems.add(node, "params must be a mapping of name: value")
            return []
        }
        var params: [PluginManifest.Parameter] = []
        for (key, value) in mapping {
            guard let name = key.scalar?.string, ShellQuote.assignment(parameter: name, value: "") != nil else {
                problems.add(key, "parameter name '\(key.scalar?.string ?? "?")' must be letters, digits and _")
                continue
            }
            guard let text = value.scalar?.string else {
                problems.add(value, "parameter \(name) must have a single value (quote it)")
                continue
            }
            params.append(PluginManifest.Parameter(name: name, value: text))
        }
        return params
    }

    private static func parseRules(_ node: YAMLNode?, _ problems: inout Problems) -> [TriageRule] {
        guard let node else { return [] }
        guard let sequence = node.sequence else {
            problems.add(node, "triage must be a list of rules")
            return []
        }
        var rules: [TriageRule] = []
        for ruleNode in sequence {
            guard let rule = ruleNode.mapping else {
                problems.add(ruleNode, "a triage rule must be a mapping with when, reason and flag or tier")
                continue
            }
            problems.rejectUnknownKeys(rule, allowed: ["when", "flag", "vendor", "tier", "reason"])
            var itemPattern: String?
            var summaryPattern: String?
            var statuses = Set<CheckStatus>()
            var vendorManaged = false
            if let when = rule["when"] {
                if let condition = when.mapping {
                    problems.rejectUnknownKeys(condition, allowed: ["item", "status", "summary", "vendor_managed"])
                    itemPattern = problems.optionalString(condition, "item")
                    summaryPattern = problems.optionalString(condition, "summary")
                    if let status = condition["status"] {
                        let names = status.sequence.map { $0.map { $0.scalar?.string ?? "" } } ?? [status.scalar?.string ?? ""]
                        for name in names {
                            if let value = CheckStatus(rawValue: name) {
                                statuses.insert(value)
                            } else {
                                problems.add(status, "status '\(name)' must be ok, warning, critical or unknown")
                            }
                        }
                    }
                    if let flag = condition["vendor_managed"] {
                        if let value = flag.bool {
                            vendorManaged = value
                        } else {
                            problems.add(flag, "vendor_managed must be true or false")
                        }
                    }
                } else {
                    problems.add(when, "when must be a mapping of item, status, summary, vendor_managed")
                }
            }
            let reason = problems.requiredString(rule, "reason") ?? ""
            let flag = problems.optionalString(rule, "flag")
            let vendor = problems.optionalString(rule, "vendor")
            var action: TriageRule.Action?
            if let tierNode = rule["tier"] {
                if let tier = tierNode.int, (1...3).contains(tier) {
                    action = .tier(tier)
                } else {
                    problems.add(tierNode, "tier must be 1, 2 or 3")
                }
                if flag != nil { problems.add(tierNode, "a rule raises one thing: flag or tier, not both") }
            } else if let flag {
                switch flag {
                case "onsite": action = .onsite
                case "vendor": action = .vendor(vendor)
                default: problems.add(rule["flag"], "flag '\(flag)' must be onsite or vendor")
                }
            } else {
                problems.add(ruleNode, "a triage rule needs a flag (onsite, vendor) or a tier")
            }
            if vendor != nil && flag != "vendor" { problems.add(rule["vendor"], "vendor goes with flag: vendor") }
            if let action {
                var parsed = TriageRule(item: itemPattern, statuses: statuses, vendorManaged: vendorManaged, action: action, reason: reason)
                parsed.summary = summaryPattern
                rules.append(parsed)
            }
        }
        return rules
    }
}

/// A plugin folder that could not be loaded, with every problem found in it.
public struct ManifestFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var folder: String
    public var problems: [ManifestProblem]

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// Collects problems while walking the YAML, each with the line of the node at fault.
public struct Problems {
    let file: String
    public var list: [ManifestProblem] = []

    public init(file: String) { self.file = file }

    /// The document in `text` when it is a YAML mapping; else a problem — libyaml's, with its line,
    /// or `expected` (what the file should be) — and nil.
    public mutating func mapping(of text: String, expected: String) -> YAMLNode.Mapping? {
        let root: YAMLNode?
        do { root = try YAMLParser.compose(text) } catch {
            list.append(ManifestProblem(file: file, line: error.mark?.line, "not valid YAML: \(error.message)"))
            return nil
        }
        guard let mapping = root?.mapping else {
            add(root, expected)
            return nil
        }
        return mapping
    }

    public mutating func add(_ node: YAMLNode?, _ message: String) {
        list.append(ManifestProblem(file: file, line: node?.mark.line, message))
    }

    public mutating func rejectUnknownKeys(_ mapping: YAMLNode.Mapping, allowed: Set<String>) {
        for key in mapping.keys where !allowed.contains(key.scalar?.string ?? "") {
            add(key, "unknown key '\(key.scalar?.string ?? "?")' (expected one of: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    public mutating func optionalString(_ mapping: YAMLNode.Mapping, _ key: String) -> String? {
        guard let node = mapping[key] else { return nil }
        guard let text = node.scalar?.string, !text.isEmpty else {
            add(node, "\(key) must be a non-empty text")
            return nil
        }
        return text
    }

    /// A mapping of texts (`name: value`).
    public mutating func stringMap(_ node: YAMLNode?, _ key: String) -> [String: String] {
        guard let node else { return [:] }
        guard let mapping = node.mapping else {
            add(node, "\(key) must be a mapping")
            return [:]
        }
        var result: [String: String] = [:]
        for (name, value) in mapping {
            guard let name = name.scalar?.string, let value = value.scalar?.string else {
                add(name, "\(key) entries are name: value")
                continue
            }
            result[name] = value
        }
        return result
    }

    public mutating func requiredString(_ mapping: YAMLNode.Mapping, _ key: String) -> String? {
        guard mapping[key] != nil else {
            list.append(ManifestProblem(file: file, line: mapping.mark.line, "missing \(key)"))
            return nil
        }
        return optionalString(mapping, key)
    }
}
