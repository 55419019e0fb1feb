import Foundation
import Hummingbird
import TriageDomain
import TriageEdge

/// A queue (and the month's time, `TimePage`) as CSV (RFC 4180: CRLF lines, fields quoted where they hold a comma, quote or line
/// break), for a spreadsheet: one row per ticket with the names the table shows and the times
/// in ISO 8601. A field a spreadsheet would run as a formula (=, +, -, @) starts with a quote mark.
enum QueueExport {
    static let header = [
        "id", "title", "customer", "requester", "severity", "status", "assignee", "due", "due_state", "created", "channel", "tags",
    ]

    static func response(_ tickets: [Ticket], names: QueueTable.Names, sla: SLAPolicy, clock: BoardClock) -> Response {
        var lines = [header.map(field).joined(separator: ",")]
        for ticket in tickets {
            let countdown = Countdown.next(for: ticket, sla: sla, clock: clock)
            lines.append(
                [
                    String(ticket.id), ticket.title, names.customer(ticket), names.requester(ticket), "S\(ticket.severity)",
                    ticket.status.rawValue, ticket.assigneeId == nil ? "" : names.assignee(ticket), BoardClock.iso(countdown.due),
                    countdown.state, BoardClock.iso(ticket.createdAt), ticket.channel.rawValue, ticket.tags.joined(separator: " "),
                ].map(field).joined(separator: ","))
        }
        return download(lines, name: "queue-\(BoardClock.iso(clock.now).prefix(10)).csv")
    }

    /// CSV lines as a download named `name`.
    static func download(_ lines: [String], name: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(name)\"",
                .cacheControl: "private, no-store", .xContentTypeOptions: "nosniff",
            ],
            body: .init(byteBuffer: ByteBuffer(string: lines.joined(separator: "\r\n") + "\r\n")))
    }

    static func field(_ text: String) -> String {
        var text = text
        if let first = text.first, "=+-@\t\r".contains(first) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
