import Foundation
import TriageDomain
import TriageEdge

/// A ticket's time as its page shows it: each entry, and the total with its billable part.
struct TicketTimeSection {
    struct Line {
        var at: String
        var who: String
        var minutes: String
        var billable: Bool
        var note: String
    }

    var lines: [Line] = []
    var hasLines = false
    var total = "No time logged yet."

    init() {}

    init(_ entries: [TimeEntry], technicians: [Int: String], clock: BoardClock) {
        lines = entries.map { entry in
            Line(
                at: clock.dayTime(entry.createdAt),
                who: entry.technicianId.map { technicians[$0] ?? "technician \($0)" } ?? HistorySentence.who(entry.author),
                minutes: TimeText.span(entry.minutes), billable: entry.billable, note: entry.note)
        }
        hasLines = !entries.isEmpty
        let all = entries.map(\.minutes).reduce(0, +)
        let billable = entries.filter(\.billable).map(\.minutes).reduce(0, +)
        if hasLines { total = "\(TimeText.span(all)) in all, \(TimeText.span(billable)) billable." }
    }
}
