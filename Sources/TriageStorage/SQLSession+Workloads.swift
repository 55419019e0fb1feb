import Foundation
import SQLKit
import TriageDomain

/// What one ticket adds to its assignee's workload.
struct WorkloadShare {
    var technicianId: Int?
    var open: Bool
    var severity: Int
    var assignedAt: Date?

    init(technicianId: Int?, open: Bool, severity: Int, assignedAt: Date?) {
        self.technicianId = technicianId
        self.open = open
        self.severity = severity
        self.assignedAt = assignedAt
    }

    init(_ ticket: Ticket) {
        self.init(
            technicianId: ticket.assigneeId, open: ticket.status.isOpen, severity: ticket.severity,
            assignedAt: ticket.assignedAt)
    }

    /// The (technician, severity) counter this ticket counts in, if any.
    var counted: (technician: Int, severity: Int)? {
        guard open, let technicianId, (1...4).contains(severity) else { return nil }
        return (technicianId, severity)
    }
}

/// The workloads table follows every ticket write here, in the same transaction, so assignment
/// reads one row per technician instead of counting open tickets.
extension SQLSession {
    func updateWorkload(from before: WorkloadShare?, to ticket: Ticket) async throws {
        let after = WorkloadShare(ticket)
        let old = before?.counted
        let new = after.counted
        if old?.technician != new?.technician || old?.severity != new?.severity {
            if let old { try await adjust(old.technician, severity: old.severity, by: -1, assignedAt: nil) }
            if let new { try await adjust(new.technician, severity: new.severity, by: 1, assignedAt: nil) }
        }
        if let technician = after.technicianId, let at = after.assignedAt, at != before?.assignedAt {
            try await adjust(technician, severity: nil, by: 0, assignedAt: at)
        }
    }

    private func adjust(_ technician: Int, severity: Int?, by delta: Int, assignedAt: Date?) async throws {
        var columns = ["technician_id"]
        var values: [any SQLExpression] = [SQLBind(technician)]
        if let severity {
            columns.append("open_s\(severity)")
            values.append(SQLBind(max(delta, 0)))
        }
        if let assignedAt {
            columns.append("last_assigned_at")
            values.append(SQLBind(assignedAt.storedMilliseconds))
        }
        try await db.insert(into: "workloads").columns(columns).values(values)
            .onConflict(with: ["technician_id"]) { update in
                var update = update
                if let severity {
                    let column = SQLColumn("open_s\(severity)", table: "workloads")
                    update = update.set(SQLIdentifier("open_s\(severity)"), to: SQLBinaryExpression(column, .add, SQLBind(delta)))
                }
                if assignedAt != nil { update = update.set(excludedValueOf: "last_assigned_at") }
                return update
            }
            .run()
    }

    func workloads() async throws -> [Int: Workload] {
        var result: [Int: Workload] = [:]
        for row in try await db.select().column("*").from("workloads").all() {
            let r = SQLStoredRow(row: row)
            let id = try r.required(r.int("technician_id"), "technician_id")
            result[id] = Workload(
                openBySeverity: [
                    1: try r.int("open_s1") ?? 0, 2: try r.int("open_s2") ?? 0,
                    3: try r.int("open_s3") ?? 0, 4: try r.int("open_s4") ?? 0,
                ],
                lastAssignedAt: try r.time("last_assigned_at"))
        }
        return result
    }

    func techniciansWhoWorked(customerId: Int?, hostId: Int?, since: Date) async throws -> Set<Int> {
        guard customerId != nil || hostId != nil else { return [] }
        let rows = try await db.select().distinct().column("assignee_id").from("tickets")
            .where("assignee_id", .isNot, SQLLiteral.null)
            .where { place in
                if let customerId { place.orWhere("customer_id", .equal, customerId) }
                if let hostId { place.orWhere("host_id", .equal, hostId) }
                return place
            }
            .where { recent in
                recent.where("assigned_at", .greaterThanOrEqual, since.storedMilliseconds)
                    .orWhere("resolved_at", .greaterThanOrEqual, since.storedMilliseconds)
                    .orWhere("status", .in, TicketStatus.allCases.filter(\.isOpen).map(\.rawValue))
            }
            .all()
        return Set(try rows.map { try $0.decode(column: "assignee_id", as: Int.self) })
    }

    func activeTechnicians() async throws -> [Technician] {
        try await db.select().column("*").from("technicians").where("active", .equal, true).orderBy("id").all()
            .map(Self.record)
    }

    func techniciansVersion() async throws -> String {
        let token = try await db.select().column("token").from("versions").where("name", .equal, "technicians")
            .first(decodingColumn: "token", as: String.self)
        guard let token else { throw CoordinatorError(.storage, "the technicians version is missing (migration 4)") }
        return token
    }

    /// Replaces the version token of technicians after a write to them.
    func changed(_ kind: RecordKind) async throws {
        guard kind == .technician else { return }
        try await db.update("versions").set("token", to: UUID().uuidString).where("name", .equal, "technicians").run()
    }
}
