import Foundation
import TriageDomain
import TriageEdge

/// The queue's filter form as it shows what is chosen: the choices of each select, the customer
/// picker's names, and the chosen customer's contacts as the requester's choices.
struct QueueForm {
    var statuses: [BoardView.Option]
    var severities: [BoardView.Option]
    var tiers: [BoardView.Option]
    var assignees: [BoardView.Option]
    var channels: [BoardView.Option]
    var due: [BoardView.Option]
    var customer: String
    var customerNames: [String]
    var requesters: [BoardView.Option]
    var hasRequesters: Bool
    var tag: String
    var text: String
    var onsite: Bool
    var closed: Bool
    var sort: String
    var dir: String

    /// How many customers' names the picker offers; past that the person types and the server finds.
    static let pickerLimit = 2000

    init(_ queue: QueueQuery, session: WebSession, coordinator: Coordinator) async throws {
        let filter = queue.filter
        let principal = session.principal
        let open = TicketStatus.allCases.filter(\.isOpen)
        statuses =
            [BoardView.Option(value: "", label: "open", selected: filter.statuses == open || filter.statuses.isEmpty)]
            + TicketStatus.allCases.map {
                BoardView.Option(
                    value: $0.rawValue, label: $0.rawValue.replacingOccurrences(of: "_", with: " "), selected: filter.statuses == [$0])
            }
        severities =
            [BoardView.Option(value: "", label: "any", selected: filter.severity == nil && filter.severityAtMost == nil)]
            + (1...4).map { (level: Int) in BoardView.Option(value: "\(level)", label: "S\(level)", selected: filter.severity == level) }
            + (2...3).map { (most: Int) in
                BoardView.Option(value: "1-\(most)", label: "S1–S\(most)", selected: filter.severityAtMost == most)
            }
        tiers =
            [BoardView.Option(value: "", label: "any", selected: filter.tier == nil)]
            + (1...3).map { (tier: Int) in BoardView.Option(value: "\(tier)", label: "\(tier)", selected: filter.tier == tier) }
        let technicians = try await coordinator.inventory.records(TechnicianFields.self, after: nil, limit: 10_000, by: principal).items
        assignees =
            [
                BoardView.Option(value: "", label: "anyone", selected: queue.assignee.isEmpty),
                BoardView.Option(value: "none", label: "unassigned", selected: queue.assignee == "none"),
            ]
            + (principal.technicianId == nil ? [] : [BoardView.Option(value: "me", label: "me", selected: queue.assignee == "me")])
            + technicians.map { BoardView.Option(value: "\($0.id)", label: $0.fields.name, selected: queue.assignee == "\($0.id)") }
        channels =
            [BoardView.Option(value: "", label: "any", selected: filter.channel == nil)]
            + TicketChannel.allCases.map { BoardView.Option(value: $0.rawValue, label: $0.rawValue, selected: filter.channel == $0) }
        due =
            [
                BoardView.Option(value: "", label: "any time", selected: queue.due.isEmpty),
                BoardView.Option(value: "breached", label: "breached", selected: queue.due == "breached"),
            ]
            + QueueQuery.dueChoices.map { minutes in
                BoardView.Option(
                    value: "\(minutes)", label: "due within " + (minutes < 60 ? "\(minutes) min" : "\(minutes / 60) h"),
                    selected: queue.due == "\(minutes)")
            }
        // The picker shows the chosen customer by name, whether it was chosen by name or id.
        if let id = filter.customerId {
            customer = try await coordinator.inventory.names(.customer, ids: [id], by: principal)[id] ?? queue.customer
            let contacts = try await coordinator.inventory.contacts(ofCustomer: id, by: principal)
            requesters =
                [BoardView.Option(value: "", label: "anyone", selected: filter.requesterId == nil)]
                + contacts.map { BoardView.Option(value: "\($0.id)", label: $0.fields.name, selected: filter.requesterId == $0.id) }
        } else {
            customer = queue.customer
            requesters = []
        }
        hasRequesters = !requesters.isEmpty
        customerNames = try await coordinator.inventory.records(CustomerFields.self, after: nil, limit: Self.pickerLimit, by: principal)
            .items.map(\.fields.name).sorted { $0.localizedCaseInsensitiveCompare($1) == .orderedAscending }
        tag = filter.tag ?? ""
        text = filter.text ?? ""
        onsite = filter.onsite == true
        closed = filter.statuses.isEmpty
        sort = queue.order == .urgency ? "" : queue.order.column.rawValue
        dir = queue.order.descending ? "desc" : ""
    }
}
