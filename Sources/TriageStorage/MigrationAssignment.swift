import Foundation
import SQLKit
import TriageDomain

/// Migration 4: what assignment and the SLA scheduler read on every decision, kept so that
/// neither has to scan all tickets or their histories — and filled from the existing data.
enum MigrationAssignment {
    static let openStatuses = "('new', 'assigned', 'in_progress', 'waiting_customer', 'waiting_vendor')"

    @Sendable static func apply(_ db: any SQLDatabase) async throws {
        // When the current assignee got the ticket; continuity and "least recently assigned" read it.
        try await db.alter(table: "tickets").column("assigned_at", type: .bigint).run()
        // Bits of the SLA warnings and breaches sent (SLASent), and the next one due.
        try await db.alter(table: "tickets").column("sla_sent", type: .bigint, .notNull, .default(0)).run()
        try await db.alter(table: "tickets").column("sla_next_at", type: .bigint).run()
        try await db.create(index: "tickets_sla_next_at").on("tickets").column("sla_next_at").run()
        try await db.create(index: "tickets_assigned_at").on("tickets").column("assigned_at").run()

        // Open tickets per technician and severity, and when each was last given one.
        try await db.create(table: "workloads")
            .column("technician_id", type: .bigint, .primaryKey(autoIncrement: false))
            .column("open_s1", type: .bigint, .notNull, .default(0))
            .column("open_s2", type: .bigint, .notNull, .default(0))
            .column("open_s3", type: .bigint, .notNull, .default(0))
            .column("open_s4", type: .bigint, .notNull, .default(0))
            .column("last_assigned_at", type: .bigint)
            .run()
        // The outbox of the notification hook: escalations to the lead, tickets nobody can take.
        try await db.create(table: "notifications")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("type", type: .text, .notNull)
            .column("ticket_id", type: .bigint)
            .column("at", type: .bigint, .notNull)
            .column("data", type: .text, .notNull)
            .run()
        // Jobs that one coordinator instance runs at a time (the SLA scheduler).
        try await db.create(table: "leases")
            .column("name", type: .text, .primaryKey(autoIncrement: false))
            .column("holder", type: .text, .notNull)
            .column("expires_at", type: .bigint, .notNull)
            .run()
        // A token that every technician write replaces, so assignment decodes the roster only
        // after it changed (RosterCache); random, so a rolled-back write cannot reuse it.
        try await db.create(table: "versions")
            .column("name", type: .text, .primaryKey(autoIncrement: false))
            .column("token", type: .text, .notNull)
            .run()
        try await db.insert(into: "versions").columns("name", "token")
            .values(SQLBind("technicians"), SQLBind(UUID().uuidString)).run()

        try await db.raw(
            """
            UPDATE tickets SET assigned_at = (SELECT max(e.at) FROM ticket_events e
                WHERE e.ticket_id = tickets.id AND e.type = 'assigned')
            WHERE assignee_id IS NOT NULL
            """
        ).run()
        try await db.raw(
            """
            UPDATE tickets SET assigned_at = updated_at WHERE assignee_id IS NOT NULL AND assigned_at IS NULL
            """
        ).run()
        func sent(_ type: String, _ target: String, _ bit: Int) -> String {
            """
            (CASE WHEN EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_id = tickets.id AND e.type = '\(type)'
                AND e.data LIKE '%"target":"\(target)"%') THEN \(bit) ELSE 0 END)
            """
        }
        let bits = [
            sent("sla_warning", "respond", 1), sent("sla_breach", "respond", 2),
            sent("sla_warning", "resolve", 4), sent("sla_breach", "resolve", 8),
        ].joined(separator: " + ")
        try await db.raw(SQLQueryString("UPDATE tickets SET sla_sent = \(unsafeRaw: bits)")).run()
        // The earliest warning time; a scheduler pass moves it on from there.
        try await db.raw(
            """
            UPDATE tickets SET sla_next_at = CASE
                WHEN first_response_at IS NULL AND COALESCE(response_warn_at, response_due_at) < COALESCE(resolve_warn_at, resolve_due_at)
                THEN COALESCE(response_warn_at, response_due_at) ELSE COALESCE(resolve_warn_at, resolve_due_at) END
            """
        ).run()
        func open(_ severity: Int) -> String {
            "sum(CASE WHEN severity = \(severity) AND status IN \(openStatuses) THEN 1 ELSE 0 END)"
        }
        try await db.raw(
            SQLQueryString(
                """
                INSERT INTO workloads (technician_id, open_s1, open_s2, open_s3, open_s4, last_assigned_at)
                SELECT assignee_id, \(unsafeRaw: open(1)), \(unsafeRaw: open(2)), \(unsafeRaw: open(3)), \(unsafeRaw: open(4)), max(assigned_at)
                FROM tickets WHERE assignee_id IS NOT NULL GROUP BY assignee_id
                """)
        ).run()
    }
}
