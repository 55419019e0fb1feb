import Foundation
import TriageDomain
import TriageEdge

/// A queue's filters and order as its page's query string says them (docs/board.md, "Queues"):
/// what the filter form sends, what a saved view keeps, what the CSV export reads. A customer is
/// named as the picker shows it (or by id); `assignee=me` is whoever looks.
struct QueueQuery {
    var filter = TicketFilter()
    var order = QueueOrder.urgency
    /// As the form showed them.
    var customer = "", assignee = "", due = ""
    var page = 1

    /// The parameters that say a queue (the page number is not one of them): a saved view keeps these.
    static let names: Set<String> = [
        "status", "closed", "severity", "tier", "assignee", "customer", "requester", "tag", "channel", "due", "onsite", "q", "sort", "dir",
    ]

    /// Due within: the choices the form offers, in minutes.
    static let dueChoices = [15, 30, 60, 240, 1440]

    static func parse(_ query: Query, session: WebSession, coordinator: Coordinator, now: Date) async throws -> QueueQuery {
        var parsed = QueueQuery()
        var filter = TicketFilter()
        if let status = query.string("status"), !status.isEmpty {
            guard let value = TicketStatus(rawValue: status) else { throw unknown("status", status, TicketStatus.allCases.map(\.rawValue)) }
            filter.statuses = [value]
        } else if query.string("closed") != "on" {
            filter.statuses = TicketStatus.allCases.filter(\.isOpen)
        }
        switch query.string("severity") {
        case "1-2"?: filter.severityAtMost = 2
        case "1-3"?: filter.severityAtMost = 3
        default: filter.severity = try optional(query, "severity", 1...4)
        }
        filter.tier = try optional(query, "tier", 1...3)
        parsed.assignee = query.string("assignee") ?? ""
        switch parsed.assignee {
        case "": break
        case "none": filter.unassigned = true
        case "me":
            guard let technicianId = session.principal.technicianId else {
                throw CoordinatorError.invalid("assignee", "“me” needs an account that is a technician's")
            }
            filter.assigneeId = technicianId
        default: filter.assigneeId = try optional(query, "assignee", 1...Int.max)
        }
        parsed.customer = (try query.text("customer") ?? "").trimmingCharacters(in: .whitespaces)
        if !parsed.customer.isEmpty {
            filter.customerId = try await customerId(parsed.customer, session: session, coordinator: coordinator)
        }
        filter.requesterId = try optional(query, "requester", 1...Int.max)
        filter.tag = try query.text("tag").flatMap {
            $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0.trimmingCharacters(in: .whitespaces)
        }
        if let channel = query.string("channel"), !channel.isEmpty {
            guard let value = TicketChannel(rawValue: channel) else {
                throw unknown("channel", channel, TicketChannel.allCases.map(\.rawValue))
            }
            filter.channel = value
        }
        parsed.due = query.string("due") ?? ""
        if parsed.due == "breached" {
            filter.dueBefore = now
        } else if !parsed.due.isEmpty {
            guard let minutes = Int(parsed.due), (1...10_080).contains(minutes) else {
                throw unknown("due", parsed.due, ["breached", "a number of minutes up to 10080"])
            }
            filter.dueBefore = now + Double(minutes) * 60
        }
        if query.string("onsite") == "on" { filter.onsite = true }
        filter.text = try query.text("q").flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        if let sort = query.string("sort"), !sort.isEmpty {
            guard let column = QueueOrder.Column(rawValue: sort) else {
                throw unknown("sort", sort, QueueOrder.Column.allCases.map(\.rawValue))
            }
            parsed.order = QueueOrder(column, descending: query.string("dir") == "desc")
        }
        parsed.page = try optional(query, "page", 1...100_000) ?? 1
        parsed.filter = filter
        return parsed
    }

    /// A customer by id, by its exact name (any case), or by the one customer the words find.
    private static func customerId(_ text: String, session: WebSession, coordinator: Coordinator) async throws -> Int {
        if let id = Int(text), id > 0 { return id }
        let found = try await coordinator.inventory.findCustomers(text, by: session.principal)
        if let exact = found.first(where: { $0.fields.name.caseInsensitiveCompare(text) == .orderedSame }) { return exact.id }
        guard found.count == 1 else {
            throw CoordinatorError.invalid(
                "customer",
                found.isEmpty
                    ? "no customer is called “\(text)”"
                    : "“\(text)” could be " + found.prefix(5).map(\.fields.name).joined(separator: ", ") + ": choose one")
        }
        return found[0].id
    }

    /// A query parameter's value that is none of its choices: 400, naming them.
    private static func unknown(_ name: String, _ value: String, _ choices: [String]) -> CoordinatorError {
        CoordinatorError(.badRequest, "\(name) must be one of \(choices.joined(separator: ", ")), not '\(value)'")
    }

    private static func optional(_ query: Query, _ name: String, _ range: ClosedRange<Int>) throws -> Int? {
        guard let text = query.string(name), !text.isEmpty else { return nil }
        return try query.int(name, range)
    }

    /// The query string of a queue: `query`'s queue parameters, sorted, without empty ones and the page.
    static func canonical(_ pairs: [(String, String)]) -> String {
        FormEncoding.query(kept(pairs))
    }

    /// `pairs`' queue parameters, sorted, without empty ones and the page.
    static func kept(_ pairs: [(String, String)]) -> [(String, String)] {
        pairs.filter { names.contains($0.0) && !$0.1.isEmpty }.sorted { $0.0 < $1.0 }
    }
}
