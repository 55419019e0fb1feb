import Foundation

/// Alertmanager's alerts (docs/alertmanager.md): which label value is which host, the values no
/// host answers to, and each alert's last state by fingerprint.
public protocol AlertRecords: Sendable {
    /// The host an admin mapped `value` to.
    func alertHostMapping(_ value: String) async throws -> Int?
    /// The one host whose name or address is `value`, any case; nil for none or several.
    func hostId(nameOrAddress value: String) async throws -> Int?
    func saveAlertHostMapping(_ value: String, hostId: Int, at: Date) async throws
    func noteUnmappedAlertHost(_ value: String, alertname: String, at: Date) async throws
    func unmappedAlertHosts() async throws -> [UnmappedAlertHost]
    func deleteUnmappedAlertHost(_ value: String) async throws
    /// What the alert of this fingerprint last was (`firing <startsAt>` or `resolved <startsAt>`).
    func alertState(fingerprint: String) async throws -> String?
    func saveAlertState(fingerprint: String, state: String, hostId: Int, at: Date) async throws
}

/// A label value no host answers to, for an admin to map.
public struct UnmappedAlertHost: Codable, Sendable, Equatable {
    public var value: String
    /// The last alert that named it.
    public var alertname: String
    public var firstSeen: Date
    public var lastSeen: Date
    public var count: Int

    package init(value: String, alertname: String, firstSeen: Date, lastSeen: Date, count: Int) {
        self.value = value
        self.alertname = alertname
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.count = count
    }
}
