import Foundation
import SQLKit
import TriageDomain

extension SQLSession {
    private static func values(of visit: Visit) -> [(String, any SQLExpression)] {
        [
            ("ticket_id", SQLBind(visit.ticketId)), ("technician_id", SQLBind(visit.technicianId)), ("site_id", SQLBind(visit.siteId)),
            ("starts_at", SQLBind(visit.start.storedMilliseconds)), ("ends_at", SQLBind(visit.end.storedMilliseconds)),
            ("status", SQLBind(visit.status.rawValue)), ("notes", visit.notes.map { SQLBind($0) } ?? SQLLiteral.null),
            ("created_at", SQLBind(visit.createdAt.storedMilliseconds)), ("updated_at", SQLBind(visit.updatedAt.storedMilliseconds)),
        ]
    }

    func insertVisit(_ visit: Visit) async throws -> Visit {
        let values = Self.values(of: visit)
        let id = try await db.insert(into: "visits").columns(values.map(\.0)).values(values.map(\.1))
            .returning("id").first(decodingColumn: "id", as: Int.self)
        guard let id else { throw CoordinatorError(.storage, "insert into visits returned no id") }
        var stored = visit
        stored.id = id
        return stored
    }

    func updateVisit(_ visit: Visit) async throws {
        var update = db.update("visits")
        for (column, value) in Self.values(of: visit) { update = update.set(SQLIdentifier(column), to: value) }
        try await update.where("id", .equal, visit.id).run()
    }

    func visit(_ id: Int) async throws -> Visit? {
        try await db.select().column("*").from("visits").where("id", .equal, id).first().map(Self.visit)
    }

    func visits(_ filter: VisitFilter, limit: Int) async throws -> [Visit] {
        func column(_ name: String) -> SQLColumn { SQLColumn(name, table: "visits") }
        var query = db.select().column(SQLColumn(SQLLiteral.all, table: SQLIdentifier("visits"))).from("visits")
        if let ids = filter.technicianIds {
            guard !ids.isEmpty else { return [] }
            query = query.where(column("technician_id"), .in, SQLBind.group(ids))
        }
        if let ids = filter.ticketIds {
            guard !ids.isEmpty else { return [] }
            query = query.where(column("ticket_id"), .in, SQLBind.group(ids))
        }
        if filter.activeOnly {
            query = query.where(column("status"), .in, SQLBind.group(VisitStatus.allCases.filter(\.isActive).map(\.rawValue)))
        }
        if let host = filter.onSiteAtHost {
            query = query.join("tickets", on: column("ticket_id"), .equal, SQLColumn("id", table: "tickets"))
                .where(SQLColumn("host_id", table: "tickets"), .equal, SQLBind(host))
                .where(column("status"), .equal, SQLBind(VisitStatus.onSite.rawValue))
        }
        if let window = filter.overlapping {
            query = query.where(column("starts_at"), .lessThan, SQLBind(window.end.storedMilliseconds))
                .where(column("ends_at"), .greaterThan, SQLBind(window.start.storedMilliseconds))
        }
        return try await query.orderBy(column("starts_at")).orderBy(column("id")).limit(limit).all().map(Self.visit)
    }

    private static func visit(_ row: any SQLRow) throws -> Visit {
        let r = SQLStoredRow(row: row)
        return Visit(
            id: try r.required(r.int("id"), "id"), ticketId: try r.required(r.int("ticket_id"), "ticket_id"),
            technicianId: try r.required(r.int("technician_id"), "technician_id"), siteId: try r.int("site_id") ?? 0,
            start: try r.required(r.time("starts_at"), "starts_at"), end: try r.required(r.time("ends_at"), "ends_at"),
            status: VisitStatus(rawValue: try r.required(r.text("status"), "status")) ?? .cancelled, notes: try r.text("notes"),
            createdAt: try r.required(r.time("created_at"), "created_at"), updatedAt: try r.required(r.time("updated_at"), "updated_at"))
    }
}
