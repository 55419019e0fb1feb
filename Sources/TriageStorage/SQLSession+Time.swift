import Foundation
import SQLKit
import TriageDomain

extension SQLSession {
    private static func timeEntry(_ row: any SQLRow) throws -> TimeEntry {
        let r = SQLStoredRow(row: row)
        return TimeEntry(
            id: try r.required(r.int("id"), "id"), ticketId: try r.required(r.int("ticket_id"), "ticket_id"),
            technicianId: try r.int("technician_id"), author: try r.actor("author"), minutes: try r.required(r.int("minutes"), "minutes"),
            note: try r.text("note") ?? "", billable: try r.bool("billable"),
            workedOn: try r.required(r.time("worked_on"), "worked_on"), createdAt: try r.required(r.time("created_at"), "created_at"))
    }

    func insertTimeEntry(_ entry: TimeEntry) async throws -> TimeEntry {
        let id = try await db.insert(into: "time_entries")
            .columns("ticket_id", "technician_id", "author", "minutes", "note", "billable", "worked_on", "created_at")
            .values(
                SQLBind(entry.ticketId), StoredValue.int(entry.technicianId).sql, SQLBind(entry.author.description), SQLBind(entry.minutes),
                SQLBind(entry.note), SQLBind(entry.billable), SQLBind(entry.workedOn.storedMilliseconds),
                SQLBind(entry.createdAt.storedMilliseconds)
            )
            .returning("id").first(decodingColumn: "id", as: Int.self)
        guard let id else { throw CoordinatorError(.storage, "insert into time_entries returned no id") }
        var stored = entry
        stored.id = id
        return stored
    }

    func timeEntries(ticketId: Int) async throws -> [TimeEntry] {
        try await db.select().column("*").from("time_entries").where("ticket_id", .equal, ticketId).orderBy("id").all().map(Self.timeEntry)
    }

    func timeEntries(from: Date, to: Date, customerId: Int?) async throws -> [TimeEntry] {
        let query = db.select().column(SQLColumn(SQLLiteral.all, table: SQLIdentifier("time_entries"))).from("time_entries")
            .where(SQLColumn("worked_on", table: "time_entries"), .greaterThanOrEqual, SQLBind(from.storedMilliseconds))
            .where(SQLColumn("worked_on", table: "time_entries"), .lessThan, SQLBind(to.storedMilliseconds))
        if let customerId {
            query.join("tickets", on: SQLColumn("ticket_id", table: "time_entries"), .equal, SQLColumn("id", table: "tickets"))
                .where(SQLColumn("customer_id", table: "tickets"), .equal, SQLBind(customerId))
        }
        return try await query.orderBy(SQLColumn("worked_on", table: "time_entries")).orderBy(SQLColumn("id", table: "time_entries")).all()
            .map(Self.timeEntry)
    }
}
