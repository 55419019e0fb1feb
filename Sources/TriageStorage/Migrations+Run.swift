import Foundation
import SQLKit
import TriageDomain

extension Migrations {
    /// Applies the steps `db` lacks, each through `transaction`, and returns their versions. The
    /// caller makes sure no other process migrates the same database at the same time.
    static func run(
        on db: any SQLDatabase, database: String,
        transaction: (@Sendable (any SQLDatabase) async throws -> Void) async throws -> Void
    ) async throws -> [Int] {
        try await createLedger(db)
        let applied = try await db.select().column("version").from(table).all()
            .map { try $0.decode(column: "version", as: Int.self) }
        let known = all.map(\.version).max() ?? 0
        if let newest = applied.max(), newest > known {
            throw CoordinatorError(
                .storage,
                "the database \(database) is at schema version \(newest) but this triage knows only up to "
                    + "\(known): run a newer triage (migrations only go forward)")
        }
        var done: [Int] = []
        for migration in all where !applied.contains(migration.version) {
            try await transaction { db in
                try await migration.apply(db)
                try await db.insert(into: table)
                    .columns("version", "name", "applied_at")
                    .values(SQLBind(migration.version), SQLBind(migration.name), SQLBind(Date().storedMilliseconds))
                    .run()
            }
            done.append(migration.version)
        }
        return done
    }

    /// A column of 64-bit floating point numbers: REAL is that in SQLite but 32 bits in PostgreSQL.
    static func double(_ db: any SQLDatabase) -> SQLDataType {
        db.dialect.name == "postgresql" ? .custom(SQLRaw("DOUBLE PRECISION")) : .real
    }
}
