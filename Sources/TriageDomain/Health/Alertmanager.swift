import Foundation
import TriageModel

/// What Prometheus Alertmanager posts to a webhook receiver (version 4; docs/alertmanager.md).
/// Read leniently: Alertmanager adds fields over time, and what Triage does not use is ignored.
public struct AlertmanagerNotification: Decodable, Sendable {
    public var version: String
    public var status: String?
    public var alerts: [Alert]

    public struct Alert: Decodable, Sendable {
        /// `firing` or `resolved`.
        public var status: String
        public var labels: [String: String]
        public var annotations: [String: String]?
        public var startsAt: String?
        public var endsAt: String?
        public var fingerprint: String?
    }
}

/// How alerts find their hosts (`alertmanager:` in the configuration file).
///
/// ```yaml
/// alertmanager:
///   hostLabel: instance    # the label naming the host; a port after the name is dropped
/// ```
public struct AlertmanagerPolicy: Decodable, Sendable, Equatable {
    public var hostLabel = "instance"

    public init() {}

    private enum CodingKeys: String, CodingKey, CaseIterable { case hostLabel }

    public init(from decoder: any Decoder) throws {
        try ConfigSection.refuseUnknownKeys(in: decoder, section: "alertmanager", known: CodingKeys.allCases.map(\.stringValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        hostLabel = try c.decodeIfPresent(String.self, forKey: .hostLabel) ?? hostLabel
    }

    public func validate() throws {
        if hostLabel.isEmpty { throw CoordinatorError(.configuration, "alertmanager.hostLabel must name a label") }
    }

    /// The host part of a label's value: `db7:9100` → `db7`, `[2001:db8::7]:9100` → `2001:db8::7`,
    /// `http://db7:8080/metrics` → `db7`.
    package static func hostName(_ value: String) -> String {
        var text = value.trimmingCharacters(in: .whitespaces)
        if let scheme = text.range(of: "://") { text = String(text[scheme.upperBound...]) }
        if let slash = text.firstIndex(of: "/") { text = String(text[..<slash]) }
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") { return String(text[text.index(after: text.startIndex)..<close]) }
        if text.filter({ $0 == ":" }).count == 1, let colon = text.lastIndex(of: ":"), Int(text[text.index(after: colon)...]) != nil {
            return String(text[..<colon])
        }
        return text
    }

    /// An alert's item: its name, and the labels that tell apart alerts of one name about one host
    /// (`DiskFull{mountpoint=/var}`) — all but the name, the host's label, `instance`, `job` and `severity`.
    package func item(_ alert: AlertmanagerNotification.Alert, alertname: String) -> String {
        let common: Set<String> = ["alertname", hostLabel, "instance", "job", "severity"]
        let distinct = alert.labels.filter { !common.contains($0.key) }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return distinct.isEmpty ? alertname : alertname + "{" + distinct.joined(separator: ", ") + "}"
    }

    /// An alert as a health item: `alertmanager/<item>`, critical unless its `severity` label
    /// says warning or info; resolved is OK.
    package static func check(_ alert: AlertmanagerNotification.Alert, item: String, alertname: String) -> CheckResult {
        let status: CheckStatus
        if alert.status == "resolved" {
            status = .ok
        } else {
            switch alert.labels["severity"]?.lowercased() {
            case "warning", "warn", "info", "minor": status = .warning
            default: status = .critical
            }
        }
        let words = alert.annotations?["summary"] ?? alert.annotations?["description"] ?? alertname
        let summary = (alert.status == "resolved" ? "resolved: " : "") + words
        return CheckResult(plugin: "alertmanager", item: String(item.prefix(200)), status: status, summary: String(summary.prefix(500)))
    }
}
