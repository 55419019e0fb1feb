import Foundation
import Hummingbird
import TriageDomain
import TriageEdge

/// POST /board/queues/bulk: one action on the tickets ticked in a queue (docs/board.md,
/// "Queues") — assign, status, severity, a tag, or merge them into one ticket. Each ticket goes through the same operation, with
/// the same rights, as on its own page, in its own transaction: one refused changes nothing of
/// the others, and the page says for each what was done or why not.
struct BulkActions: BoardController, DrawsPages {
    let coordinator: Coordinator
    let pages: Pages
    let zone: TimeZone
    let bodyLimit: Int

    /// More than a page of a queue at once is a mistake, not work.
    static let limit = 100

    func add(to signedIn: RouterGroup<TriageRequestContext>) {
        signedIn.post("/queues/bulk") { request, context in
            let session = try context.boardSession()
            let form = try await WebForm(request, limit: bodyLimit)
            try form.requireCSRF(session.csrf)
            let ids = form.all.filter { $0.key.hasPrefix("ticket-") && $0.value == "on" }.compactMap { Int($0.key.dropFirst(7)) }.sorted()
            guard !ids.isEmpty else { throw CoordinatorError.invalid("tickets", "tick at least one ticket") }
            guard ids.count <= Self.limit else { throw CoordinatorError.invalid("tickets", "at most \(Self.limit) at once") }
            let action = try Self.action(form)
            var results: [BulkView.Result] = []
            for id in ids {
                do {
                    let ticket = try await coordinator.write {
                        try await action.apply(id, coordinator: coordinator, by: session.principal, in: $0)
                    }
                    results.append(BulkView.Result(id: id, title: ticket.title, done: true, words: action.done))
                } catch let error as CoordinatorError {
                    results.append(BulkView.Result(id: id, title: nil, done: false, words: "not done: " + error.message))
                }
            }
            let doneCount = results.filter(\.done).count
            let view = BulkView(
                chrome: Chrome(session: session, clock: clock()),
                summary: "\(action.done.prefix(1).uppercased() + action.done.dropFirst()): \(doneCount) of \(results.count) tickets.",
                results: results, back: Board.safeNext(form["back"].map { $0.isEmpty ? "/board/queues" : $0 }))
            return pages.render("bulk", view)
        }
    }

    /// What to do to each ticket, from the form.
    enum Action {
        case assignByRules, unassign
        case assign(Int)
        case status(TicketStatus)
        case severity(Int)
        case tag(String)
        case merge(into: Int)

        var done: String {
            switch self {
            case .assignByRules: "assigned by the rules"
            case .unassign: "unassigned"
            case .assign: "assigned"
            case .status(let status): "moved to \(status.rawValue.replacingOccurrences(of: "_", with: " "))"
            case .severity(let level): "set to S\(level)"
            case .tag(let tag): "tagged \(tag)"
            case .merge(let target): "merged into #\(target)"
            }
        }

        func apply(_ id: Int, coordinator: Coordinator, by principal: Principal, in session: Transaction) async throws -> Ticket {
            switch self {
            case .assignByRules: return try await coordinator.dispatch.assign(ticket: id, by: principal, in: session)
            case .unassign: return try await coordinator.tickets.update(id, TicketPatch(assigneeId: .some(nil)), by: principal, in: session)
            case .assign(let technician):
                return try await coordinator.tickets.update(id, TicketPatch(assigneeId: .some(technician)), by: principal, in: session)
            case .status(let status):
                return try await coordinator.tickets.update(id, TicketPatch(status: status), by: principal, in: session)
            case .severity(let level):
                var patch = TicketPatch()
                patch.severity = level
                return try await coordinator.tickets.update(id, patch, by: principal, in: session)
            case .merge(let target):
                _ = try await coordinator.tickets.merge(id, into: target, by: principal, in: session)
                return try await coordinator.tickets.ticket(id, by: principal)
            case .tag(let tag):
                let ticket = try await coordinator.tickets.ticket(id, by: principal)
                guard !ticket.tags.contains(tag) else { return ticket }
                var patch = TicketPatch()
                patch.tags = ticket.tags + [tag]
                return try await coordinator.tickets.update(id, patch, by: principal, in: session)
            }
        }
    }

    static func action(_ form: WebForm) throws -> Action {
        switch form["bulkAction"] {
        case "assign"?:
            switch form["bulkAssignee"] {
            case "rules"?: return .assignByRules
            case "none"?: return .unassign
            default: return .assign(try form.int("bulkAssignee"))
            }
        case "status"?:
            guard let status = TicketStatus(rawValue: try form.required("bulkStatus")), status != .resolved else {
                throw CoordinatorError.invalid("bulkStatus", "choose a status (a resolution needs its note, on the ticket's page)")
            }
            return .status(status)
        case "severity"?:
            let level = try form.int("bulkSeverity")
            guard (1...4).contains(level) else { throw CoordinatorError.invalid("bulkSeverity", "must be 1 to 4") }
            return .severity(level)
        case "tag"?:
            let tag = try form.required("bulkTag").trimmingCharacters(in: .whitespaces)
            guard !tag.contains(where: \.isWhitespace), tag.count <= 40 else {
                throw CoordinatorError.invalid("bulkTag", "one word of up to 40 characters")
            }
            return .tag(tag)
        case "merge"?:
            return .merge(into: try TicketLinkPages.ticketNumber(form, "bulkInto"))
        default:
            throw CoordinatorError.invalid("bulkAction", "choose what to do: assign, status, severity, tag or merge")
        }
    }

    private struct BulkView {
        struct Result {
            var id: Int
            var title: String?
            var done: Bool
            var words: String
        }

        var chrome: Chrome
        var summary: String
        var results: [Result]
        var back: String
    }
}
