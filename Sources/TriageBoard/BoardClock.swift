import Foundation
import TriageDomain
import TriageEdge

/// Times as the board shows them: in the board's time zone, with SLA countdowns worked out
/// against one `now` for the whole page.
struct BoardClock {
    let zone: TimeZone
    let now: Date
    private let dayTimeFormat: DateFormatter
    private let dayFormat: DateFormatter
    private let timeFormat: DateFormatter
    private let dateFormat: DateFormatter

    init(zone: TimeZone, now: Date) {
        (self.zone, self.now) = (zone, now)
        func formatter(_ pattern: String) -> DateFormatter {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_GB_POSIX")
            formatter.timeZone = zone
            formatter.dateFormat = pattern
            return formatter
        }
        dayTimeFormat = formatter("EEE d MMM HH:mm")
        dayFormat = formatter("EEE d MMM")
        timeFormat = formatter("HH:mm")
        dateFormat = formatter("yyyy-MM-dd")
    }

    /// "Mon 23 Nov 10:00"
    func dayTime(_ date: Date) -> String { dayTimeFormat.string(from: date) }
    /// "Mon 23 Nov"
    func day(_ date: Date) -> String { dayFormat.string(from: date) }
    /// "10:00"
    func time(_ date: Date) -> String { timeFormat.string(from: date) }
    /// "2026-11-23", as `<input type=date>` has it.
    func date(_ date: Date) -> String { dateFormat.string(from: date) }
    /// Local midnight of a `yyyy-MM-dd`; nil when it is not one.
    func midnight(of text: String) -> Date? { dateFormat.date(from: text) }

    /// "Mon 23 Nov 10:00–11:00"
    func window(_ start: Date, _ end: Date) -> String {
        date(start) == date(end) ? "\(dayTime(start))–\(time(end))" : "\(dayTime(start)) – \(dayTime(end))"
    }

    static func iso(_ date: Date) -> String { date.internetTime }

    /// "45 min", "3 h 05 min", "2 d 4 h".
    static func span(_ seconds: TimeInterval) -> String {
        let minutes = Int((abs(seconds) / 60).rounded(.up))
        if minutes < 60 { return "\(minutes) min" }
        let hours = minutes / 60
        if hours < 48 { return "\(hours) h \(String(format: "%02d", minutes % 60)) min" }
        return "\(hours / 24) d \(hours % 24) h"
    }
}

/// One SLA target as a card shows it: what is due, how long is left, and its colour.
struct Countdown {
    /// "respond" or "resolve"
    let label: String
    let text: String
    /// ok, warning, breach, paused or met: the CSS class `sla-<state>`.
    let state: String
    let due: Date
    let dueISO: String
    let dueText: String

    init(label: String, due: Date, warnAt: Date, clock: BoardClock) {
        self.label = label
        let left = due.timeIntervalSince(clock.now)
        text = left > 0 ? "in \(BoardClock.span(left))" : "overdue \(BoardClock.span(left))"
        state = clock.now >= due ? "breach" : clock.now >= warnAt ? "warning" : "ok"
        (self.due, dueISO, dueText) = (due, BoardClock.iso(due), clock.dayTime(due))
    }

    private init(label: String, text: String, state: String, due: Date, clock: BoardClock) {
        (self.label, self.text, self.state) = (label, text, state)
        (self.due, dueISO, dueText) = (due, BoardClock.iso(due), clock.dayTime(due))
    }

    /// The target that matters now: the first response until there is one, then the resolution;
    /// paused while the clock waits for the customer (or the vendor, when the contract says so).
    static func next(for ticket: Ticket, sla: SLAPolicy, clock: BoardClock) -> Countdown {
        if !ticket.status.isOpen {
            return Countdown(label: "resolve", text: "done", state: "met", due: ticket.resolveDueAt, clock: clock)
        }
        if let waiting = paused(ticket, sla) {
            return Countdown(
                label: "resolve", text: "paused, waiting for the \(waiting)", state: "paused",
                due: ticket.resolveDueAt, clock: clock)
        }
        if ticket.firstResponseAt == nil {
            return Countdown(label: "respond", due: ticket.responseDueAt, warnAt: ticket.responseWarnAt, clock: clock)
        }
        return Countdown(label: "resolve", due: ticket.resolveDueAt, warnAt: ticket.resolveWarnAt, clock: clock)
    }

    /// Both targets, for the ticket page.
    static func both(for ticket: Ticket, sla: SLAPolicy, clock: BoardClock) -> [Countdown] {
        var clocks: [Countdown] = []
        if let answered = ticket.firstResponseAt {
            clocks.append(
                Countdown(
                    label: "responded", text: clock.dayTime(answered),
                    state: answered <= ticket.responseDueAt ? "met" : "breach", due: ticket.responseDueAt, clock: clock))
        } else if ticket.status.isOpen {
            clocks.append(Countdown(label: "respond", due: ticket.responseDueAt, warnAt: ticket.responseWarnAt, clock: clock))
        }
        let next = next(for: ticket, sla: sla, clock: clock)
        clocks.append(
            next.label == "resolve"
                ? next : Countdown(label: "resolve", due: ticket.resolveDueAt, warnAt: ticket.resolveWarnAt, clock: clock))
        return clocks
    }

    private static func paused(_ ticket: Ticket, _ sla: SLAPolicy) -> String? {
        switch ticket.status {
        case .waitingCustomer: "customer"
        case .waitingVendor where sla.policy(forCustomer: ticket.customerId).pauseWhileWaitingForVendor: "vendor"
        default: nil
        }
    }
}
