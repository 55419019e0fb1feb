import Foundation
import SQLKit
import TriageDomain

/// Migration 8: people sign in with a login and a password. Users, their browser sessions (which
/// replace the token-based board sessions of migration 6), failed sign-ins, one-time codes (the
/// first start's setup link), and personal tokens that belong to a user.
enum MigrationAccounts {
    @Sendable static func apply(_ db: any SQLDatabase) async throws {
        try await db.create(table: "users")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("login", type: .text, .notNull, .unique)
            .column("display_name", type: .text, .notNull)
            .column("email", type: .text)
            .column("role", type: .text, .notNull)
            .column("technician_id", type: .bigint)
            .column("active", type: .custom(SQLRaw("BOOLEAN")), .notNull)
            .column("password_hash", type: .text)
            .column("password_changed_at", type: .bigint)
            // RFC 6238 secret (base32) once enrolment is confirmed; recovery codes as SHA-256 hashes (JSON).
            .column("totp_secret", type: .text)
            .column("totp_pending", type: .text)
            // The time step of the last code accepted: a code works once.
            .column("totp_last_step", type: .bigint)
            .column("recovery_codes", type: .text, .notNull, .default("[]"))
            .column("created_at", type: .bigint, .notNull)
            .column("updated_at", type: .bigint, .notNull)
            .run()
        // Board sessions signed in with a token go: a browser signs in as a person now.
        try await db.drop(table: "web_sessions").run()
        try await db.create(table: "sessions")
            .column("secret_hash", type: .text, .primaryKey(autoIncrement: false))
            .column("user_id", type: .bigint, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .column("expires_at", type: .bigint, .notNull)
            .run()
        try await db.create(index: "sessions_user_id").on("sessions").column("user_id").run()
        try await db.create(index: "sessions_expires_at").on("sessions").column("expires_at").run()
        try await db.create(table: "login_failures")
            .column("key", type: .text, .primaryKey(autoIncrement: false))
            .column("failures", type: .bigint, .notNull)
            .column("since", type: .bigint, .notNull)
            .column("locked_until", type: .bigint)
            .run()
        try await db.create(table: "one_time_codes")
            .column("hash", type: .text, .primaryKey(autoIncrement: false))
            .column("purpose", type: .text, .notNull)
            .column("expires_at", type: .bigint, .notNull)
            .run()
        try await db.alter(table: "tokens").column("user_id", type: .bigint).run()
    }
}
