import Foundation
import SQLKit
import TriageDomain
import TriageModel

extension SQLSession {
    func insertHealthReport(_ report: DiagnosticReport, hostId: Int, postedBy: Actor, at: Date) async throws -> Bool {
        let text = String(decoding: try DiagnosticReport.encoder.encode(report), as: UTF8.self)
        let row = try await db.insert(into: "health_reports").columns("report_id", "host_id", "received_at", "report", "posted_by")
            .values(
                SQLBind(report.id.uuidString), SQLBind(hostId), SQLBind(at.storedMilliseconds), SQLBind(text), SQLBind(postedBy.description)
            )
            .ignoringConflicts(with: ["report_id"])
            .returning("report_id").first()
        return row != nil
    }

    /// Newest first, after `before` (the last one of the previous page): up to `limit`, and no
    /// more than `maxBytes` of reports (always at least one). Sizes are read first, so a page of
    /// large reports is never loaded whole to be cut afterwards.
    func healthReports(hostId: Int, before: (time: Date, reportId: String)?, limit: Int, maxBytes: Int) async throws
        -> (reports: [ReceivedReport], more: Bool)
    {
        var query = db.select().column("received_at").column("report_id").column(
            SQLFunction("length", args: SQLColumn("report")), as: "size"
        )
        .from("health_reports").where("host_id", .equal, hostId)
        if let before {
            let at = before.time.storedMilliseconds
            query = query.where { group in
                group.where("received_at", .lessThan, at)
                    .orWhere { $0.where("received_at", .equal, at).where("report_id", .lessThan, before.reportId) }
            }
        }
        let rows = try await query.orderBy("received_at", .descending).orderBy("report_id", .descending).limit(limit + 1).all()
        var chosen: [String] = []
        var bytes = 0
        for row in rows.prefix(limit) {
            let r = SQLStoredRow(row: row)
            let size = try r.int("size") ?? 0
            if !chosen.isEmpty && bytes + size > maxBytes { break }
            bytes += size
            chosen.append(try r.required(r.text("report_id"), "report_id"))
        }
        guard !chosen.isEmpty else { return ([], false) }
        let reports = try await db.select().columns("report_id", "received_at", "report", "posted_by").from("health_reports")
            .where("report_id", .in, chosen).all().map { row -> (String, ReceivedReport) in
                let r = SQLStoredRow(row: row)
                let text = try r.required(r.text("report"), "report")
                return (
                    try r.required(r.text("report_id"), "report_id"),
                    ReceivedReport(
                        receivedAt: try r.required(r.time("received_at"), "received_at"),
                        postedBy: try r.text("posted_by") == nil ? nil : r.actor("posted_by"),
                        report: try DiagnosticReport.decoder.decode(DiagnosticReport.self, from: Data(text.utf8)))
                )
            }
        let byId = Dictionary(uniqueKeysWithValues: reports)
        return (chosen.compactMap { byId[$0] }, rows.count > chosen.count)
    }

    func checkStates(hostId: Int) async throws -> [CheckState] {
        try await states(db.select().column("state").from("check_states").where("host_id", .equal, hostId))
    }

    func checkStates(ticketIds: [Int]) async throws -> [CheckState] {
        guard !ticketIds.isEmpty else { return [] }
        return try await states(db.select().column("state").from("check_states").where("ticket_id", .in, ticketIds))
    }

    private func states(_ query: SQLSelectBuilder) async throws -> [CheckState] {
        try await query.orderBy("plugin").orderBy("item").all().map { row in
            try SQLStoredRow(row: row).json("state", as: CheckState.self)
        }
    }

    /// Upserts a report's item states in one statement (SQLite's 999-variable limit: 5 per row, so
    /// in chunks of 150 rows): per-statement cost, not row count, bounds report ingest.
    func saveCheckStates(_ states: [CheckState]) async throws {
        for chunk in states.chunked(by: 150) {
            var insert = db.insert(into: "check_states").columns("host_id", "plugin", "item", "ticket_id", "state")
            for state in chunk {
                let json = String(decoding: try StoredJSON.encoder.encode(state), as: UTF8.self)
                insert = insert.values(
                    SQLBind(state.hostId), SQLBind(state.plugin), SQLBind(state.item),
                    state.ticketId.map { SQLBind($0) } ?? SQLLiteral.null, SQLBind(json))
            }
            try await insert
                .onConflict(with: ["host_id", "plugin", "item"]) { $0.set(excludedValueOf: "ticket_id").set(excludedValueOf: "state") }
                .run()
        }
    }

    func hostHealth(_ hostId: Int) async throws -> HostHealth? {
        try await db.select().column("*").from("host_health").where("host_id", .equal, hostId).first().map(Self.hostHealth)
    }

    func saveHostHealth(_ health: HostHealth) async throws {
        try await db.insert(into: "host_health")
            .columns("host_id", "last_report_at", "interval_seconds", "silent_ticket_id", "by_agent")
            .values(
                SQLBind(health.hostId), SQLBind(health.lastReportAt.storedMilliseconds), SQLBind(health.intervalSeconds),
                health.silentTicketId.map { SQLBind($0) } ?? SQLLiteral.null, SQLBind(health.byAgent ? 1 : 0)
            )
            .onConflict(with: ["host_id"]) {
                $0.set(excludedValueOf: "last_report_at").set(excludedValueOf: "interval_seconds")
                    .set(excludedValueOf: "silent_ticket_id").set(excludedValueOf: "by_agent")
            }
            .run()
    }

    /// Hosts without a silence ticket whose last report is older than `intervals` of their interval.
    func silentHosts(at now: Date, intervals: Int) async throws -> [HostHealth] {
        try await db.select().column("*").from("host_health")
            .where("silent_ticket_id", .is, SQLLiteral.null)
            .where(SQLRaw("last_report_at + interval_seconds * \(1000 * intervals)"), .lessThan, SQLBind(now.storedMilliseconds))
            .orderBy("host_id").all().map(Self.hostHealth)
    }

    private static func hostHealth(_ row: any SQLRow) throws -> HostHealth {
        let r = SQLStoredRow(row: row)
        return HostHealth(
            hostId: try r.required(r.int("host_id"), "host_id"),
            lastReportAt: try r.required(r.time("last_report_at"), "last_report_at"),
            intervalSeconds: try r.required(r.int("interval_seconds"), "interval_seconds"),
            silentTicketId: try r.int("silent_ticket_id"), byAgent: try r.int("by_agent") != 0)
    }
}
