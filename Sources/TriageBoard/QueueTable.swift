import Foundation
import TriageDomain
import TriageEdge

/// A queue as a table (docs/board.md, "Queues"): one row per ticket with its customer's,
/// requester's and assignee's names, and headers that sort by their column.
struct QueueTable {
    struct Row {
        var id: Int
        var title: String
        var customer: String
        var requester: String
        var severity: Int
        var status: String
        var assignee: String
        var countdown: Countdown
        var onsite: Bool
    }

    struct Header {
        var label: String
        var href: String
        /// "ascending", "descending" or "none": aria-sort.
        var sort: String
        var arrow: String
    }

    var rows: [Row]
    var headers: [Header]

    /// The names a page of tickets shows, read once for the page.
    struct Names {
        var customers: [Int: String] = [:]
        var contacts: [Int: String] = [:]
        var technicians: [Int: String] = [:]

        static func of(_ tickets: [Ticket], coordinator: Coordinator, by principal: Principal) async throws -> Names {
            Names(
                customers: try await coordinator.inventory.names(.customer, ids: tickets.compactMap(\.customerId), by: principal),
                contacts: try await coordinator.inventory.names(.contact, ids: tickets.compactMap(\.requesterId), by: principal),
                technicians: try await coordinator.inventory.names(.technician, ids: tickets.compactMap(\.assigneeId), by: principal))
        }

        func customer(_ ticket: Ticket) -> String { ticket.customerId.map { customers[$0] ?? "customer \($0)" } ?? "" }
        func requester(_ ticket: Ticket) -> String { ticket.requesterId.map { contacts[$0] ?? "contact \($0)" } ?? "" }
        func assignee(_ ticket: Ticket) -> String { ticket.assigneeId.map { technicians[$0] ?? "technician \($0)" } ?? "unassigned" }
    }

    static let columns: [(QueueOrder.Column, String)] = [
        (.id, "ID"), (.title, "Title"), (.customer, "Customer"), (.requester, "Requester"), (.severity, "Severity"), (.status, "Status"),
        (.assignee, "Assignee"), (.due, "Due"),
    ]

    init(_ tickets: [Ticket], names: Names, order: QueueOrder, base: [(String, String)], sla: SLAPolicy, clock: BoardClock) {
        rows = tickets.map { ticket in
            Row(
                id: ticket.id, title: ticket.title, customer: names.customer(ticket), requester: names.requester(ticket),
                severity: ticket.severity, status: ticket.status.rawValue.replacingOccurrences(of: "_", with: " "),
                assignee: names.assignee(ticket), countdown: Countdown.next(for: ticket, sla: sla, clock: clock),
                onsite: ticket.flags.onsite)
        }
        let kept = base.filter { $0.0 != "sort" && $0.0 != "dir" && $0.0 != "page" }
        headers = Self.columns.map { column, label in
            let current = order.column == column
            // A click on the sorted column turns it round; another column sorts ascending.
            let descending = current && !order.descending
            let query = FormEncoding.query(kept + [("sort", column.rawValue)] + (descending ? [("dir", "desc")] : []))
            return Header(
                label: label, href: "/board/queues?" + query, sort: current ? (order.descending ? "descending" : "ascending") : "none",
                arrow: current ? (order.descending ? "▼" : "▲") : "")
        }
    }
}

/// Query strings as forms encode them: everything but letters, digits and -._~ percent-escaped
/// (a `+` in a value stays a plus, not a space).
enum FormEncoding {
    static let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    static func query(_ pairs: [(String, String)]) -> String {
        pairs.map { escape($0.0) + "=" + escape($0.1) }.joined(separator: "&")
    }

    static func escape(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text }
}
