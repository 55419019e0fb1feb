import Foundation
import SQLKit
import TriageDomain
import TriageModel

extension SQLSession {
    func insertDiagnostic(_ diagnostic: Diagnostic) async throws -> Int {
        let report = String(decoding: try DiagnosticReport.encoder.encode(diagnostic.report), as: UTF8.self)
        let id = try await db.insert(into: "diagnostics")
            .columns("report_id", "ticket_id", "posted_by", "received_at", "report", "applied_at", "applied_by")
            .values(
                SQLBind(diagnostic.report.id.uuidString), SQLBind(diagnostic.ticketId), SQLBind(diagnostic.postedBy.description),
                SQLBind(diagnostic.receivedAt.storedMilliseconds), SQLBind(report),
                diagnostic.appliedAt.map { SQLBind($0.storedMilliseconds) } ?? SQLLiteral.null,
                diagnostic.appliedBy.map { SQLBind($0.description) } ?? SQLLiteral.null
            )
            .returning("id").first(decodingColumn: "id", as: Int.self)
        guard let id else { throw CoordinatorError(.storage, "insert into diagnostics returned no id") }
        return id
    }

    func diagnostic(reportId: UUID) async throws -> Diagnostic? {
        try await db.select().column("*").from("diagnostics").where("report_id", .equal, reportId.uuidString).first()
            .map(Self.diagnostic)
    }

    func markDiagnosticApplied(reportId: UUID, by actor: Actor, at: Date) async throws {
        try await db.update("diagnostics").set("applied_at", to: SQLBind(at.storedMilliseconds)).set(
            "applied_by", to: SQLBind(actor.description)
        )
        .where("report_id", .equal, reportId.uuidString).run()
    }

    /// In the order received after `after`, or newest first before `before`.
    func diagnostics(ticketId: Int, after: Int?, before: Int?, limit: Int) async throws -> [Diagnostic] {
        var query = db.select().column("*").from("diagnostics").where("ticket_id", .equal, ticketId)
        if let after { query = query.where("id", .greaterThan, after) }
        if let before { query = query.where("id", .lessThan, before) }
        return try await query.orderBy("id", before == nil ? .ascending : .descending).limit(limit).all().map(Self.diagnostic)
    }

    func diagnosticCount(ticketId: Int) async throws -> Int {
        try await db.select().column(SQLFunction("count", args: SQLLiteral.all), as: "n").from("diagnostics")
            .where("ticket_id", .equal, ticketId).first(decodingColumn: "n", as: Int.self) ?? 0
    }

    private static func diagnostic(_ row: any SQLRow) throws -> Diagnostic {
        let r = SQLStoredRow(row: row)
        let text = try r.required(r.text("report"), "report")
        let report: DiagnosticReport
        do {
            report = try DiagnosticReport.decoder.decode(DiagnosticReport.self, from: Data(text.utf8))
        } catch {
            throw CoordinatorError(.storage, "stored report is unreadable: \(error)")
        }
        return Diagnostic(
            id: try r.required(r.int("id"), "id"), ticketId: try r.required(r.int("ticket_id"), "ticket_id"),
            postedBy: try r.actor("posted_by"),
            receivedAt: try r.required(r.time("received_at"), "received_at"), report: report,
            appliedAt: try r.time("applied_at"), appliedBy: try r.text("applied_by") == nil ? nil : r.actor("applied_by"))
    }
}
