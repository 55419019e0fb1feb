import Foundation
import SQLKit
import TriageDomain

/// Named leases: what one instance of several does at a time (the SLA scheduler, the silence watch).
extension SQLSession {
    /// One conditional upsert, so two instances racing for it on PostgreSQL cannot both win.
    func acquireLease(_ name: String, holder: String, now: Date, until: Date) async throws -> Bool {
        let row = try await db.insert(into: "leases").columns("name", "holder", "expires_at")
            .values(SQLBind(name), SQLBind(holder), SQLBind(until.storedMilliseconds))
            .onConflict(with: ["name"]) { update in
                update.set(excludedValueOf: "holder").set(excludedValueOf: "expires_at")
                    .where(SQLColumn("holder", table: "leases"), .equal, SQLBind(holder))
                    .orWhere(SQLColumn("expires_at", table: "leases"), .lessThanOrEqual, SQLBind(now.storedMilliseconds))
            }
            .returning("holder").first()
        return row != nil
    }
}
