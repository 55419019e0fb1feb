import SQLKit
import TriageDomain

/// One step of the schema. Steps are numbered, applied in order, each in its own
/// transaction, and never edited once released: a change is a new step.
struct Migration: Sendable {
    let version: Int
    let name: String
    let apply: @Sendable (any SQLDatabase) async throws -> Void
}

enum Migrations {
    static let all: [Migration] = [
        Migration(version: 1, name: "inventory, tickets, events, visits, tokens, idempotency", apply: initialSchema),
        Migration(version: 2, name: "diagnostics attached to tickets", apply: diagnostics),
        Migration(version: 3, name: "SLA warning times on tickets", apply: warningTimes),
        Migration(version: 4, name: "assignment workloads, SLA bookkeeping, notifications, leases", apply: MigrationAssignment.apply),
        Migration(version: 5, name: "health reports, check states, vendors that diagnoses suggest", apply: health),
        Migration(version: 6, name: "board sessions", apply: webSessions),
        Migration(version: 7, name: "who posted each report, diagnoses waiting to be applied, server secrets", apply: provenance),
        Migration(
            version: 8, name: "people's accounts: users, their sessions, failed sign-ins, one-time codes", apply: MigrationAccounts.apply),
        Migration(version: 9, name: "the workspace: customers' contacts, what each person has read", apply: MigrationWorkspace.apply),
        Migration(version: 10, name: "diagnosis jobs, collectors' scopes, hosts reported by their own agent", apply: MigrationJobs.apply),
        Migration(version: 11, name: "ids are never reused", apply: MigrationIds.apply),
        Migration(version: 12, name: "customers found by their own phone number", apply: MigrationCustomerPhone.apply),
        Migration(version: 13, name: "the conversation: requesters and CCs, mail received, files, the outbox", apply: MigrationMail.apply),
        Migration(version: 14, name: "the search index: tickets, messages, customers, contacts, hosts", apply: MigrationSearch.apply),
        Migration(version: 15, name: "saved views of the queues, time spent on tickets", apply: MigrationDesk.apply),
        Migration(
            version: 16, name: "people's notifications and their choices; mail that belongs to no ticket",
            apply: MigrationNotifications.apply),
        Migration(version: 17, name: "webhooks: endpoints, deliveries, attempts", apply: MigrationWebhooks.apply),
        Migration(
            version: 18, name: "Alertmanager's alerts: hosts by label, unknown hosts, states by fingerprint", apply: MigrationAlerts.apply),
    ]

    @Sendable static func provenance(_ db: any SQLDatabase) async throws {
        // Who posted a health report (`role:name`); rows from before are unknown (NULL).
        try await db.alter(table: "health_reports").column("posted_by", type: .text).run()
        // A diagnosis posted by someone who may not change the ticket acts only once applied.
        try await db.alter(table: "diagnostics").column("applied_at", type: .bigint).run()
        try await db.alter(table: "diagnostics").column("applied_by", type: .text).run()
        // Keys every instance shares (the login form's CSRF signature), made once on first use.
        try await db.create(table: "server_secrets")
            .column("name", type: .text, .primaryKey(autoIncrement: false))
            .column("value", type: .text, .notNull)
            .run()
    }

    @Sendable static func webSessions(_ db: any SQLDatabase) async throws {
        // A browser's login: the SHA-256 of the cookie's secret, the token it logged in with, and
        // when it ends. In the store, so a session works on every coordinator instance.
        try await db.create(table: "web_sessions")
            .column("secret_hash", type: .text, .primaryKey(autoIncrement: false))
            .column("token_id", type: .bigint, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .column("expires_at", type: .bigint, .notNull)
            .run()
        try await db.create(index: "web_sessions_expires_at").on("web_sessions").column("expires_at").run()
    }

    @Sendable static func health(_ db: any SQLDatabase) async throws {
        try await db.raw("ALTER TABLE tickets ADD COLUMN vendor_suggestions TEXT NOT NULL DEFAULT '[]'").run()
        // Every push report once, by its id (the agent's idempotency key).
        try await db.create(table: "health_reports")
            .column("report_id", type: .text, .primaryKey(autoIncrement: false))
            .column("host_id", type: .bigint, .notNull)
            .column("received_at", type: .bigint, .notNull)
            .column("report", type: .text, .notNull)
            .run()
        try await db.create(index: "health_reports_host_id").on("health_reports").column("host_id").column("received_at").run()
        // One row per (host, plugin, item): the hysteresis and flapping state and its ticket.
        try await db.create(table: "check_states")
            .column("host_id", type: .bigint, .notNull)
            .column("plugin", type: .text, .notNull)
            .column("item", type: .text, .notNull)
            .column("ticket_id", type: .bigint)
            .column("state", type: .text, .notNull)
            .primaryKey("host_id", "plugin", "item")
            .run()
        try await db.create(index: "check_states_ticket_id").on("check_states").column("ticket_id").run()
        // When each pushing host last reported, how often it promised to, and its silence ticket.
        try await db.create(table: "host_health")
            .column("host_id", type: .bigint, .primaryKey(autoIncrement: false))
            .column("last_report_at", type: .bigint, .notNull)
            .column("interval_seconds", type: .bigint, .notNull)
            .column("silent_ticket_id", type: .bigint)
            .run()
    }

    @Sendable static func warningTimes(_ db: any SQLDatabase) async throws {
        // One column per statement: SQLite alters one at a time.
        try await db.alter(table: "tickets").column("response_warn_at", type: .bigint).run()
        try await db.alter(table: "tickets").column("resolve_warn_at", type: .bigint).run()
        try await db.create(index: "tickets_resolve_warn_at").on("tickets").column("resolve_warn_at").run()
    }

    @Sendable static func diagnostics(_ db: any SQLDatabase) async throws {
        try await db.create(table: "diagnostics")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("report_id", type: .text, .notNull, .unique)
            .column("ticket_id", type: .bigint, .notNull)
            .column("posted_by", type: .text, .notNull)
            .column("received_at", type: .bigint, .notNull)
            .column("report", type: .text, .notNull)
            .run()
        try await db.create(index: "diagnostics_ticket_id").on("diagnostics").column("ticket_id").run()
    }

    static let table = "schema_migrations"

    static func createLedger(_ db: any SQLDatabase) async throws {
        try await db.create(table: table).ifNotExists()
            .column("version", type: .bigint, .primaryKey(autoIncrement: false))
            .column("name", type: .text, .notNull)
            .column("applied_at", type: .bigint, .notNull)
            .run()
    }

    @Sendable static func initialSchema(_ db: any SQLDatabase) async throws {
        func table(_ name: String, _ build: (SQLCreateTableBuilder) -> SQLCreateTableBuilder) async throws {
            let builder = db.create(table: name).column("id", type: .bigint, .primaryKey(autoIncrement: true))
            try await build(builder)
                .column("created_at", type: .bigint, .notNull)
                .column("updated_at", type: .bigint, .notNull)
                .run()
        }
        try await table("customers") {
            $0.column("name", type: .text, .notNull)
                .column("contact_email", type: .text)
                .column("contact_phone", type: .text)
                .column("notes", type: .text)
        }
        try await table("sites") {
            $0.column("customer_id", type: .bigint, .notNull)
                .column("name", type: .text, .notNull)
                .column("address", type: .text)
                .column("region", type: .text)
                .column("latitude", type: Migrations.double(db))
                .column("longitude", type: Migrations.double(db))
                .column("time_zone", type: .text, .notNull)
                .column("opening_hours", type: .text, .notNull)
        }
        try await table("hosts") {
            $0.column("site_id", type: .bigint, .notNull)
                .column("name", type: .text, .notNull)
                .column("address", type: .text)
                .column("tags", type: .text, .notNull)
                .column("criticality", type: .text, .notNull)
                .column("vendor_services", type: .text, .notNull)
                .column("plugin_params", type: .text, .notNull)
        }
        try await table("technicians") {
            $0.column("name", type: .text, .notNull)
                .column("email", type: .text)
                .column("tier", type: .bigint, .notNull)
                .column("skills", type: .text, .notNull)
                .column("region", type: .text)
                .column("time_zone", type: .text, .notNull)
                .column("shifts", type: .text, .notNull)
                .column("absences", type: .text, .notNull)
                .column("max_load", type: .bigint, .notNull)
                .column("active", type: .custom(SQLRaw("BOOLEAN")), .notNull)
        }
        try await table("tickets") {
            $0.column("title", type: .text, .notNull)
                .column("description", type: .text, .notNull)
                .column("customer_id", type: .bigint)
                .column("host_id", type: .bigint)
                .column("severity", type: .bigint, .notNull)
                .column("tier", type: .bigint, .notNull)
                .column("status", type: .text, .notNull)
                .column("channel", type: .text, .notNull)
                .column("assignee_id", type: .bigint)
                .column("tags", type: .text, .notNull)
                .column("required_skills", type: .text, .notNull)
                .column("response_due_at", type: .bigint, .notNull)
                .column("resolve_due_at", type: .bigint, .notNull)
                .column("first_response_at", type: .bigint)
                .column("resolved_at", type: .bigint)
                .column("closed_at", type: .bigint)
                .column("onsite", type: .custom(SQLRaw("BOOLEAN")), .notNull)
                .column("onsite_reasons", type: .text, .notNull)
                .column("vendor_case", type: .text)
                .column("dedupe_key", type: .text)
                .column("created_by", type: .text, .notNull)
        }
        try await db.create(table: "ticket_events")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("ticket_id", type: .bigint, .notNull)
            .column("type", type: .text, .notNull)
            .column("actor", type: .text, .notNull)
            .column("at", type: .bigint, .notNull)
            .column("data", type: .text, .notNull)
            .run()
        try await table("visits") {
            $0.column("ticket_id", type: .bigint, .notNull)
                .column("technician_id", type: .bigint, .notNull)
                .column("site_id", type: .bigint)
                .column("starts_at", type: .bigint, .notNull)
                .column("ends_at", type: .bigint, .notNull)
                .column("status", type: .text, .notNull)
                .column("notes", type: .text)
        }
        try await db.create(table: "tokens")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("name", type: .text, .notNull)
            .column("role", type: .text, .notNull)
            .column("host_id", type: .bigint)
            .column("technician_id", type: .bigint)
            .column("hash", type: .text, .notNull, .unique)
            .column("created_at", type: .bigint, .notNull)
            .column("revoked_at", type: .bigint)
            .run()
        try await db.create(table: "idempotency_keys")
            .column("token_id", type: .bigint, .notNull)
            .column("key", type: .text, .notNull)
            .column("request_hash", type: .text, .notNull)
            .column("status", type: .bigint, .notNull)
            .column("body", type: .text, .notNull)
            .column("location", type: .text)
            .column("created_at", type: .bigint, .notNull)
            .primaryKey("token_id", "key")
            .run()
        let indexes: [(String, [String])] = [
            ("sites", ["customer_id"]), ("hosts", ["site_id"]),
            ("tickets", ["status"]), ("tickets", ["assignee_id"]), ("tickets", ["customer_id"]),
            ("tickets", ["host_id"]), ("tickets", ["dedupe_key"]),
            ("ticket_events", ["ticket_id", "id"]), ("visits", ["technician_id", "starts_at"]),
            ("visits", ["ticket_id"]),
        ]
        for (table, columns) in indexes {
            var index = db.create(index: "\(table)_\(columns.joined(separator: "_"))").on(table)
            for column in columns { index = index.column(column) }
            try await index.run()
        }
    }
}
