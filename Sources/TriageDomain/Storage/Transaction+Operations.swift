import Foundation
import TriageModel

// The operations the API and the board run inside a `Transaction`: each is the room's own
// operation on the transaction's session. A write the edge needs joins this list.

extension Inventory {
    public func create<F: InventoryFields>(_ fields: F, by principal: Principal, in tx: Transaction) async throws -> Record<F> {
        try await create(fields, by: principal, in: tx.session)
    }

    public func replace<F: InventoryFields>(_ id: Int, with fields: F, by principal: Principal, in tx: Transaction) async throws -> Record<
        F
    > {
        try await replace(id, with: fields, by: principal, in: tx.session)
    }

    public func delete(_ kind: RecordKind, _ id: Int, by principal: Principal, in tx: Transaction) async throws {
        try await delete(kind, id, by: principal, in: tx.session)
    }
}

extension TicketDesk {
    public func create(_ input: TicketInput, by principal: Principal, in tx: Transaction) async throws -> Ticket {
        try await create(input, by: principal, in: tx.session)
    }

    public func update(_ id: Int, _ patch: TicketPatch, by principal: Principal, in tx: Transaction) async throws -> Ticket {
        try await update(id, patch, by: principal, in: tx.session)
    }

    public func reopen(_ id: Int, _ input: ReopenInput, by principal: Principal, in tx: Transaction) async throws -> Ticket {
        try await reopen(id, input, by: principal, in: tx.session)
    }

    public func comment(onTicket id: Int, _ input: CommentInput, by principal: Principal, in tx: Transaction) async throws -> TicketEvent {
        try await comment(onTicket: id, input, by: principal, in: tx.session)
    }

    public func acknowledge(ticket id: Int, by principal: Principal, in tx: Transaction) async throws -> Ticket {
        try await acknowledge(ticket: id, by: principal, in: tx.session)
    }
}

extension Dispatch {
    public func assign(ticket id: Int, by principal: Principal, in tx: Transaction) async throws -> Ticket {
        try await assign(ticket: id, by: principal, in: tx.session)
    }

    public func escalate(ticket id: Int, _ input: EscalationInput, by principal: Principal, in tx: Transaction) async throws -> Ticket {
        try await escalate(ticket: id, input, by: principal, in: tx.session)
    }

    public func recordVendorCase(ticket id: Int, _ input: VendorCaseInput, by principal: Principal, in tx: Transaction) async throws
        -> Ticket
    {
        try await recordVendorCase(ticket: id, input, by: principal, in: tx.session)
    }
}

extension HealthIntake {
    public func receive(
        _ report: DiagnosticReport, intervalSeconds: Int, hostId named: Int? = nil, by principal: Principal,
        in tx: Transaction
    ) async throws -> ReportReceipt {
        try await receive(report, intervalSeconds: intervalSeconds, hostId: named, by: principal, in: tx.session)
    }
}

extension Diagnoses {
    public func attach(_ report: DiagnosticReport, toTicket id: Int, by principal: Principal, in tx: Transaction) async throws
        -> (diagnostic: Diagnostic, created: Bool)
    {
        try await attach(report, toTicket: id, by: principal, in: tx.session)
    }

    public func apply(_ reportId: UUID, ofTicket id: Int, by principal: Principal, in tx: Transaction) async throws -> Diagnostic {
        try await apply(reportId, ofTicket: id, by: principal, in: tx.session)
    }
}

extension Visits {
    public func book(_ booking: VisitBooking, by principal: Principal, in tx: Transaction) async throws -> Visit {
        try await book(booking, by: principal, in: tx.session)
    }

    public func reschedule(visit id: Int, to change: VisitReschedule, by principal: Principal, in tx: Transaction) async throws -> Visit {
        try await reschedule(visit: id, to: change, by: principal, in: tx.session)
    }

    public func changeStatus(visit id: Int, _ change: VisitStatusChange, by principal: Principal, in tx: Transaction) async throws
        -> Visit
    {
        try await changeStatus(visit: id, change, by: principal, in: tx.session)
    }
}

extension Jobs {
    public func request(ticketId: Int, checks: [String], params: [String: String], by principal: Principal, in tx: Transaction)
        async throws -> Job
    {
        try await request(ticketId: ticketId, checks: checks, params: params, by: principal, in: tx.session)
    }

    /// "Diagnose now" from a host's page: a job on one of its tickets, refused when the ticket is about another host.
    public func request(ticketId: Int, checks: [String], aboutHost hostId: Int, by principal: Principal, in tx: Transaction)
        async throws -> Job
    {
        guard try await tx.session.ticket(ticketId)?.hostId == hostId else {
            throw CoordinatorError.invalid("ticket", "ticket \(ticketId) is not about host \(hostId)")
        }
        return try await request(ticketId: ticketId, checks: checks, params: [:], by: principal, in: tx.session)
    }

    public func finish(_ id: Int, lease: Int, report: DiagnosticReport, by principal: Principal, in tx: Transaction) async throws
        -> JobResult
    {
        try await finish(id, lease: lease, report: report, by: principal, in: tx.session)
    }
}

extension Mailroom {
    public func release(_ id: Int, toCustomer customerId: Int, by principal: Principal, in tx: Transaction) async throws -> InboundMail {
        try await release(id, toCustomer: customerId, by: principal, in: tx.session)
    }

    public func discard(_ id: Int, by principal: Principal, in tx: Transaction) async throws -> InboundMail {
        try await discard(id, by: principal, in: tx.session)
    }
}

extension TicketDesk {
    public func logTime(onTicket id: Int, _ input: TimeEntryInput, by principal: Principal, in tx: Transaction) async throws -> TimeEntry {
        try await logTime(onTicket: id, input, by: principal, in: tx.session)
    }

    public func merge(_ id: Int, into targetId: Int, by principal: Principal, in tx: Transaction) async throws -> Ticket {
        try await merge(id, into: targetId, by: principal, in: tx.session)
    }

    public func link(_ id: Int, to other: Int, as relation: TicketRelation, by principal: Principal, in tx: Transaction) async throws {
        try await link(id, to: other, as: relation, by: principal, in: tx.session)
    }

    public func unlink(_ id: Int, from other: Int, by principal: Principal, in tx: Transaction) async throws {
        try await unlink(id, from: other, by: principal, in: tx.session)
    }
}

extension Dispatch {
    public func take(ticket id: Int, by principal: Principal, in tx: Transaction) async throws -> Ticket {
        try await take(ticket: id, by: principal, in: tx.session)
    }
}
