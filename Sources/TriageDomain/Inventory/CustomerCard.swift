import Foundation
import TriageModel

/// What the desk sees of a customer while taking a call: who they are and whom we talk to, their
/// open tickets, their last ten with whether each met its SLA, their hosts with the latest health
/// of each and its open alerts, and what each severity promises under their contract.
public struct CustomerCard: Sendable {
    public struct PastTicket: Sendable {
        public var ticket: Ticket
        /// nil while it is open.
        public var metSLA: Bool?
    }

    public struct HostHealthLine: Sendable {
        public var host: Record<HostFields>
        /// The worst status among its items, nil when it never reported.
        public var status: CheckStatus?
        /// Its items that are problems now.
        public var alerts: [CheckState]
    }

    public var customer: Customer
    public var contacts: [Contact]
    public var openTickets: [Ticket]
    public var recentTickets: [PastTicket]
    public var hosts: [HostHealthLine]
    /// "S1: respond within 15 min, resolve within 4 h (24×7)", one per severity.
    public var promises: [String]
}

extension Inventory {
    /// Customers the desk may mean: by name, a contact's name, email or phone, or a host's name.
    public func findCustomers(_ text: String, by principal: Principal) async throws -> [Customer] {
        try Access.readAll(principal)
        let text = text.trimmingCharacters(in: .whitespaces)
        guard text.count >= 2 else { return [] }
        return try await read { try await $0.customers(matching: text, limit: 20) }
    }

    /// A customer's sites, by name.
    public func sites(ofCustomer id: Int, by principal: Principal) async throws -> [Record<SiteFields>] {
        try Access.readAll(principal)
        return try await read { try await $0.sites(ofCustomer: id) }
    }

    /// A customer's contacts, by name: whom a ticket's requester may be.
    public func contacts(ofCustomer id: Int, by principal: Principal) async throws -> [Contact] {
        try Access.readAll(principal)
        return try await read { try await $0.contacts(ofCustomer: id) }
    }

    /// A customer's hosts, by name.
    public func hosts(ofCustomer id: Int, by principal: Principal) async throws -> [Record<HostFields>] {
        try Access.readAll(principal)
        return try await read { try await $0.hosts(ofCustomer: id) }
    }

    /// A site's hosts, by name.
    public func hosts(ofSite id: Int, by principal: Principal) async throws -> [Record<HostFields>] {
        try Access.readAll(principal)
        return try await read { try await $0.hosts(ofSite: id) }
    }

    public func customerCard(_ id: Int, by principal: Principal) async throws -> CustomerCard {
        try Access.readAll(principal)
        let card = try await read { session -> CustomerCard in
            guard let customer = try await session.record(id, as: CustomerFields.self) else {
                throw CoordinatorError.notFound("customer", id)
            }
            var open = TicketFilter()
            open.customerId = id
            open.statuses = TicketStatus.allCases.filter(\.isOpen)
            var any = TicketFilter()
            any.customerId = id
            var hosts: [CustomerCard.HostHealthLine] = []
            for host in try await session.hosts(ofCustomer: id) {
                let states = try await session.checkStates(hostId: host.id)
                hosts.append(CustomerCard.HostHealthLine(host: host, status: states.map(\.status).max(), alerts: states.filter(\.problem)))
            }
            return CustomerCard(
                customer: customer, contacts: try await session.contacts(ofCustomer: id),
                openTickets: try await session.tickets(open, before: nil, limit: 50),
                recentTickets: try await session.tickets(any, before: nil, limit: 10).map {
                    CustomerCard.PastTicket(ticket: $0, metSLA: Self.metSLA($0))
                },
                hosts: hosts, promises: [])
        }
        var withPromises = card
        let policy = sla.policy(forCustomer: id)
        withPromises.promises = (1...4).map { Self.promise(severity: $0, policy.targets(severity: $0)) }
        return withPromises
    }

    /// Answered and resolved within their due times (which already leave out paused time).
    package static func metSLA(_ ticket: Ticket) -> Bool? {
        guard let resolved = ticket.resolvedAt ?? ticket.closedAt, !ticket.status.isOpen else { return nil }
        return (ticket.firstResponseAt ?? resolved) <= ticket.responseDueAt && resolved <= ticket.resolveDueAt
    }

    package static func promise(severity: Int, _ targets: SLAPolicy.Targets) -> String {
        func span(_ minutes: Int) -> String { minutes % 60 == 0 ? "\(minutes / 60) h" : "\(minutes) min" }
        let resolve =
            switch targets.resolve {
            case .minutes(let minutes): span(minutes)
            case .businessDays(let days): days == 1 ? "1 business day" : "\(days) business days"
            }
        return
            "S\(severity): respond within \(span(targets.respondMinutes)), resolve within \(resolve) (\(targets.hours == .always ? "24×7" : "business hours"))"
    }
}
