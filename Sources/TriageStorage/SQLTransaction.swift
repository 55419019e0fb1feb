import SQLKit
import TriageDomain

/// Runs `body` between `begin` (BEGIN with the store's options) and COMMIT on one connection, or
/// rolls back and rethrows when anything in it fails.
func sqlTransaction<T: Sendable>(_ db: any SQLDatabase, _ begin: String, _ body: (any SQLDatabase) async throws -> T)
    async throws -> T
{
    try await db.raw(SQLQueryString(begin)).run()
    do {
        let result = try await body(db)
        try await db.raw("COMMIT").run()
        return result
    } catch {
        // On a connection that is gone there is nothing to roll back (the server does it), and a
        // query sent on it can wait forever (postgres-nio: the await is never resumed).
        if !PostgresStore.isConnectionLoss(error) { try? await db.raw("ROLLBACK").run() }
        throw error
    }
}

/// Runs `body` in a read-only transaction begun with `begin`, and ends it with ROLLBACK: a read
/// has nothing to commit, so COMMIT on the wire always means a write.
func sqlReadTransaction<T: Sendable>(_ db: any SQLDatabase, _ begin: String, _ body: (any SQLDatabase) async throws -> T)
    async throws -> T
{
    try await db.raw(SQLQueryString(begin)).run()
    let result: T
    do {
        result = try await body(db)
    } catch {
        if !PostgresStore.isConnectionLoss(error) { try? await db.raw("ROLLBACK").run() }
        throw error
    }
    try await db.raw("ROLLBACK").run()
    return result
}
