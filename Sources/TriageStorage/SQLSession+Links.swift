import Foundation
import SQLKit
import TriageDomain

/// `ticket_links` holds one row per pair: `related` either way, or `parent` (ticket_id is the
/// parent of other_id).
extension SQLSession {
    func moveEvents(fromTicket from: Int, toTicket into: Int) async throws -> Int {
        let count =
            try await db.select().column(SQLFunction("count", args: SQLLiteral.all), as: "n").from("ticket_events")
            .where("ticket_id", .equal, from).first(decodingColumn: "n", as: Int.self) ?? 0
        try await db.update("ticket_events").set("ticket_id", to: into).where("ticket_id", .equal, from).run()
        try await db.update("search_docs").set("ticket_id", to: into).where("kind", .equal, SearchKind.message.rawValue)
            .where("ticket_id", .equal, from).run()
        return count
    }

    func moveTimeEntries(fromTicket from: Int, toTicket into: Int) async throws {
        try await db.update("time_entries").set("ticket_id", to: into).where("ticket_id", .equal, from).run()
    }

    func links(ofTicket ticketId: Int) async throws -> [(ticketId: Int, relation: TicketRelation)] {
        let rows = try await db.select().columns("ticket_id", "other_id", "kind").from("ticket_links")
            .where { $0.where("ticket_id", .equal, ticketId).orWhere("other_id", .equal, ticketId) }.orderBy("created_at").all()
        return try rows.map { row in
            let (a, b) = (try row.decode(column: "ticket_id", as: Int.self), try row.decode(column: "other_id", as: Int.self))
            let kind = try row.decode(column: "kind", as: String.self)
            let other = a == ticketId ? b : a
            if kind == "parent" { return (other, a == ticketId ? .child : .parent) }
            return (other, .related)
        }
    }

    func link(_ ticketId: Int, _ other: Int, as relation: TicketRelation, at: Date) async throws {
        _ = try await unlink(ticketId, other)
        let (a, b, kind) =
            switch relation {
            case .related: (min(ticketId, other), max(ticketId, other), "related")
            case .parent: (other, ticketId, "parent")
            case .child: (ticketId, other, "parent")
            }
        try await db.insert(into: "ticket_links").columns("ticket_id", "other_id", "kind", "created_at")
            .values(SQLBind(a), SQLBind(b), SQLBind(kind), SQLBind(at.storedMilliseconds)).run()
    }

    func unlink(_ ticketId: Int, _ other: Int) async throws -> Bool {
        var existed = false
        for (a, b) in [(ticketId, other), (other, ticketId)] {
            let row = db.select().column("kind").from("ticket_links").where("ticket_id", .equal, a).where("other_id", .equal, b)
            if try await row.first() != nil {
                existed = true
                try await db.delete(from: "ticket_links").where("ticket_id", .equal, a).where("other_id", .equal, b).run()
            }
        }
        return existed
    }
}
