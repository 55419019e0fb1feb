import Foundation
import Hummingbird
import TriageDomain
import TriageEdge

/// /board/time: the desk's month of time (docs/board.md, "Time") — billable and other time per
/// customer, one customer's entries, and the CSV an invoice is made from.
struct TimePage: BoardController, DrawsPages {
    let coordinator: Coordinator
    let pages: Pages
    let zone: TimeZone

    func add(to signedIn: RouterGroup<TriageRequestContext>) {
        signedIn.get("/time") { request, context in
            let session = try context.boardSession()
            let clock = clock()
            let (month, from, to) = try Self.month(Query(request), clock: clock)
            let customer = try Query(request).int("customer", 1...Int.max)
            let entries = try await coordinator.tickets.timeEntries(from: from, to: to, customerId: customer, by: session.principal)
            let tickets = try await ticketsOf(entries, by: session.principal)
            let customers = try await coordinator.inventory.names(
                .customer, ids: tickets.values.compactMap(\.customerId), by: session.principal)
            var lines: [Int?: TimeView.CustomerLine] = [:]
            for entry in entries {
                let customerId = tickets[entry.ticketId]?.customerId
                var line =
                    lines[customerId]
                    ?? TimeView.CustomerLine(
                        name: customerId.map { customers[$0] ?? "customer \($0)" } ?? "no customer",
                        href: customerId.map { "/board/time?month=\(month)&customer=\($0)" } ?? "", billable: 0, other: 0, entries: 0)
                if entry.billable { line.billable += entry.minutes } else { line.other += entry.minutes }
                line.entries += 1
                lines[customerId] = line
            }
            let technicians = try await coordinator.inventory.names(
                .technician, ids: entries.compactMap(\.technicianId), by: session.principal)
            let view = TimeView(
                chrome: Chrome(session: session, clock: clock), month: month,
                heading: customer.map { "Time for \(customers[$0] ?? "customer \($0)") in \(month)" } ?? "Time in \(month)",
                customers: lines.values.sorted { $0.name.localizedCaseInsensitiveCompare($1.name) == .orderedAscending }
                    .map { $0.shown() },
                hasCustomers: !lines.isEmpty,
                entries: customer == nil
                    ? []
                    : entries.map { entry in
                        TimeView.EntryLine(
                            day: clock.day(entry.workedOn), ticketId: entry.ticketId, title: tickets[entry.ticketId]?.title ?? "",
                            who: entry.technicianId.map { technicians[$0] ?? "technician \($0)" } ?? HistorySentence.who(entry.author),
                            minutes: TimeText.span(entry.minutes), billable: entry.billable ? "billable" : "not billed", note: entry.note)
                    },
                hasEntries: customer != nil && !entries.isEmpty,
                export: "/board/time/export?month=\(month)" + (customer.map { "&customer=\($0)" } ?? ""))
            return pages.render("time", view)
        }
        signedIn.get("/time/export") { request, context in
            let session = try context.boardSession()
            let clock = clock()
            let (month, from, to) = try Self.month(Query(request), clock: clock)
            let entries = try await coordinator.tickets.timeEntries(
                from: from, to: to, customerId: try Query(request).int("customer", 1...Int.max), by: session.principal)
            let tickets = try await ticketsOf(entries, by: session.principal)
            let customers = try await coordinator.inventory.names(
                .customer, ids: tickets.values.compactMap(\.customerId), by: session.principal)
            let technicians = try await coordinator.inventory.names(
                .technician, ids: entries.compactMap(\.technicianId), by: session.principal)
            var lines = ["date,customer,ticket,title,technician,minutes,billable,note"]
            for entry in entries {
                let ticket = tickets[entry.ticketId]
                lines.append(
                    [
                        clock.date(entry.workedOn), ticket?.customerId.map { customers[$0] ?? "customer \($0)" } ?? "",
                        String(entry.ticketId),
                        ticket?.title ?? "",
                        entry.technicianId.map { technicians[$0] ?? "technician \($0)" } ?? HistorySentence.who(entry.author),
                        String(entry.minutes), entry.billable ? "yes" : "no", entry.note,
                    ].map(QueueExport.field).joined(separator: ","))
            }
            return QueueExport.download(lines, name: "time-\(month).csv")
        }
    }

    private func ticketsOf(_ entries: [TimeEntry], by principal: Principal) async throws -> [Int: Ticket] {
        var tickets: [Int: Ticket] = [:]
        for id in Set(entries.map(\.ticketId)) { tickets[id] = try? await coordinator.tickets.ticket(id, by: principal) }
        return tickets
    }

    /// `month=2026-12` (this month when absent), and its first instant and the next month's, in the board's zone.
    static func month(_ query: Query, clock: BoardClock) throws -> (String, Date, Date) {
        let text = query.string("month").flatMap { $0.isEmpty ? nil : $0 } ?? String(clock.date(clock.now).prefix(7))
        guard text.count == 7, let from = clock.midnight(of: text + "-01"),
            let to = clock.midnight(of: String(clock.date(from + 32 * 86_400).prefix(7)) + "-01")
        else { throw CoordinatorError(.badRequest, "month must be a month such as 2026-12, not '\(text)'") }
        return (text, from, to)
    }

    private struct TimeView {
        struct CustomerLine {
            var name: String
            var href: String
            var billable: Int
            var other: Int
            var entries: Int
            var billableText = ""
            var otherText = ""

            func shown() -> CustomerLine {
                var line = self
                (line.billableText, line.otherText) = (TimeText.span(billable), TimeText.span(other))
                return line
            }
        }

        struct EntryLine {
            var day: String
            var ticketId: Int
            var title: String
            var who: String
            var minutes: String
            var billable: String
            var note: String
        }

        var chrome: Chrome
        var month: String
        var heading: String
        var customers: [CustomerLine]
        var hasCustomers: Bool
        var entries: [EntryLine]
        var hasEntries: Bool
        var export: String
    }
}

/// Minutes as people read them: "25 min", "1 h 05 min", "0 min".
enum TimeText {
    static func span(_ minutes: Int) -> String {
        minutes < 60 ? "\(minutes) min" : "\(minutes / 60) h " + String(format: "%02d", minutes % 60) + " min"
    }
}
