import Foundation
import SQLKit
import TriageDomain

/// Alertmanager's alerts (docs/alertmanager.md).
extension SQLSession {
    func alertHostMapping(_ value: String) async throws -> Int? {
        try await db.select().column("host_id").from("alert_host_mappings").where("value", .equal, value.lowercased())
            .first(decodingColumn: "host_id", as: Int.self)
    }

    func hostId(nameOrAddress value: String) async throws -> Int? {
        let ids = try await db.select().column("id").from("hosts")
            .where(SQLFunction("lower", args: SQLIdentifier("name")), .equal, SQLBind(value.lowercased()))
            .orWhere(SQLFunction("lower", args: SQLIdentifier("address")), .equal, SQLBind(value.lowercased()))
            .limit(2).all(decodingColumn: "id", as: Int.self)
        return ids.count == 1 ? ids[0] : nil
    }

    func saveAlertHostMapping(_ value: String, hostId: Int, at: Date) async throws {
        try await db.insert(into: "alert_host_mappings").columns("value", "host_id", "created_at")
            .values(SQLBind(value.lowercased()), SQLBind(hostId), SQLBind(at.storedMilliseconds))
            .onConflict(with: ["value"]) { $0.set(excludedValueOf: "host_id") }.run()
    }

    func noteUnmappedAlertHost(_ value: String, alertname: String, at: Date) async throws {
        try await db.insert(into: "alert_unmapped_hosts").columns("value", "alertname", "first_seen", "last_seen", "count")
            .values(
                SQLBind(value.lowercased()), SQLBind(alertname), SQLBind(at.storedMilliseconds), SQLBind(at.storedMilliseconds), SQLBind(1)
            )
            .onConflict(with: ["value"]) { update in
                update.set(excludedValueOf: "alertname").set(excludedValueOf: "last_seen")
                    .set("count", to: SQLRaw("alert_unmapped_hosts.count + 1"))
            }.run()
    }

    func unmappedAlertHosts() async throws -> [UnmappedAlertHost] {
        try await db.select().column("*").from("alert_unmapped_hosts").orderBy("last_seen", .descending).limit(500).all().map { row in
            let r = SQLStoredRow(row: row)
            return UnmappedAlertHost(
                value: try r.required(r.text("value"), "value"), alertname: try r.text("alertname") ?? "",
                firstSeen: try r.required(r.time("first_seen"), "first_seen"), lastSeen: try r.required(r.time("last_seen"), "last_seen"),
                count: try r.int("count") ?? 0)
        }
    }

    func deleteUnmappedAlertHost(_ value: String) async throws {
        try await db.delete(from: "alert_unmapped_hosts").where("value", .equal, value.lowercased()).run()
    }

    func alertState(fingerprint: String) async throws -> String? {
        try await db.select().column("state").from("alert_states").where("fingerprint", .equal, fingerprint)
            .first(decodingColumn: "state", as: String.self)
    }

    func saveAlertState(fingerprint: String, state: String, hostId: Int, at: Date) async throws {
        try await db.insert(into: "alert_states").columns("fingerprint", "state", "host_id", "updated_at")
            .values(SQLBind(fingerprint), SQLBind(state), SQLBind(hostId), SQLBind(at.storedMilliseconds))
            .onConflict(with: ["fingerprint"]) {
                $0.set(excludedValueOf: "state").set(excludedValueOf: "host_id").set(excludedValueOf: "updated_at")
            }
            .run()
    }
}
