import Foundation
import TriageModel

/// Prometheus Alertmanager in (docs/alertmanager.md): each alert of a webhook notification becomes
/// the health item `alertmanager/<alertname>` of the host its label names, through the same rules
/// as agents' reports — except that Alertmanager has applied its own hold times already, so one
/// firing alert is a problem and one resolved alert a recovery. A repeat of an alert's state (same
/// fingerprint, status and start) changes nothing; label values no host answers to are listed for
/// an admin to map, never dropped in silence.
public struct AlertIntake: Room {
    let core: Core
    public typealias Storage = AlertRecords & HealthIntake.Storage
    public typealias Records = any Storage
    static func narrow(_ session: any StoreSession) -> Records { session }

    /// What one notification did.
    public struct Receipt: Codable, Sendable, Equatable {
        /// One per host with new news: its tickets opened, updated, resolved.
        public var hosts: [ReportReceipt] = []
        /// Label values no host answers to (listed for the admin: GET /api/v1/alertmanager/unmapped).
        public var unknownHosts: [String] = []
        /// Alerts whose state Triage had already (Alertmanager repeats a group every repeat_interval).
        public var repeats = 0
        /// Alerts without an `alertname` or without the host label.
        public var ignored: [String] = []
    }

    /// One notification, in one transaction: every alert of it is applied, or none.
    public func receive(_ notification: AlertmanagerNotification, by principal: Principal) async throws -> Receipt {
        try Access.postAlerts(principal)
        return try await write { try await receive(notification, by: principal, in: $0) }
    }

    package func receive(_ notification: AlertmanagerNotification, by principal: Principal, in session: Records) async throws -> Receipt {
        try Access.postAlerts(principal)
        guard notification.version == "4" else {
            throw CoordinatorError.invalid("version", "Triage reads Alertmanager's webhook version 4, not \(notification.version)")
        }
        if let status = notification.status, status != "firing" && status != "resolved" {
            throw CoordinatorError.invalid("status", "is firing or resolved, not \(status)")
        }
        for (index, alert) in notification.alerts.enumerated() where alert.status != "firing" && alert.status != "resolved" {
            throw CoordinatorError.invalid("alerts[\(index)].status", "is firing or resolved, not \(alert.status)")
        }
        let at = now()
        let policy = core.alertmanager
        var receipt = Receipt()
        var byHost: [Int: (host: Record<HostFields>, checks: [String: CheckResult])] = [:]
        for alert in notification.alerts {
            guard let alertname = alert.labels["alertname"], !alertname.isEmpty else {
                receipt.ignored.append("an alert without alertname")
                continue
            }
            guard let raw = alert.labels[policy.hostLabel], !raw.isEmpty else {
                receipt.ignored.append("\(alertname): no \(policy.hostLabel) label")
                continue
            }
            let value = AlertmanagerPolicy.hostName(raw)
            var hostId = try await session.alertHostMapping(value)
            if hostId == nil { hostId = try await session.hostId(nameOrAddress: value) }
            // A host mapped once and deleted since is unknown again, not a place alerts vanish into.
            var host = hostId.flatMap { byHost[$0]?.host }
            if host == nil, let hostId { host = try await session.record(hostId, as: HostFields.self) }
            guard let hostId, let host else {
                try await session.noteUnmappedAlertHost(value, alertname: alertname, at: at)
                if !receipt.unknownHosts.contains(value) { receipt.unknownHosts.append(value) }
                continue
            }
            if let fingerprint = alert.fingerprint {
                let state = "\(alert.status) \(alert.startsAt ?? "")"
                if try await session.alertState(fingerprint: fingerprint) == state {
                    receipt.repeats += 1
                    continue
                }
                try await session.saveAlertState(fingerprint: fingerprint, state: state, hostId: hostId, at: at)
            }
            let item = policy.item(alert, alertname: alertname)
            let check = AlertmanagerPolicy.check(alert, item: item, alertname: alertname)
            // Two alerts of one item in one notification: the item is as bad as the worse.
            var checks = byHost[hostId]?.checks ?? [:]
            if let known = checks[item], known.status >= check.status { continue }
            checks[item] = check
            byHost[hostId] = (host, checks)
        }
        let intake = HealthIntake(core: core)
        for (_, found) in byHost.sorted(by: { $0.key < $1.key }) {
            let checks = found.checks.values.sorted { $0.item < $1.item }
            let report = DiagnosticReport(
                host: found.host.fields.name, startedAt: at, durationMs: 0, agentVersion: "alertmanager", checks: checks)
            receipt.hosts.append(try await intake.receiveAlerts(report, host: found.host, by: principal, in: session))
        }
        return receipt
    }

    /// The label values no host answers to, most recent first (admin).
    public func unmapped(by principal: Principal) async throws -> [UnmappedAlertHost] {
        try Access.manageInventory(principal)
        return try await read { try await $0.unmappedAlertHosts() }
    }

    /// Maps a label value to a host: its next alerts go there (admin). Returns the mapping as
    /// kept: the value without its port, in lower case.
    @discardableResult
    public func map(_ value: String, toHost hostId: Int, by principal: Principal) async throws -> AlertHostMapping {
        try Access.manageInventory(principal)
        let value = AlertmanagerPolicy.hostName(value).lowercased()
        guard !value.isEmpty, value.count <= 255 else { throw CoordinatorError.invalid("value", "1 to 255 characters") }
        let at = now()
        try await write { session in
            guard try await session.exists(.host, hostId) else { throw CoordinatorError.notFound("host", hostId) }
            try await session.saveAlertHostMapping(value, hostId: hostId, at: at)
            try await session.deleteUnmappedAlertHost(value)
        }
        return AlertHostMapping(value: value, hostId: hostId)
    }
}

extension Access {
    /// Alerts come from an Alertmanager's token (its own role) or an admin's.
    package static func postAlerts(_ principal: Principal) throws {
        if principal.role != .alertmanager && principal.role != .admin {
            throw CoordinatorError(.forbidden, "only an alertmanager token (or an admin) may post alerts")
        }
    }
}

/// Mapping a label value to a host.
public struct AlertHostMapping: Codable, Sendable {
    public var value: String
    public var hostId: Int
    public enum CodingKeys: String, CodingKey, CaseIterable { case value, hostId }
}
