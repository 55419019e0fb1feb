import Foundation
import TriageDomain
import TriageEdge

/// A ticket's conversation as its page shows it (docs/board.md, "A ticket's page"): the
/// customer's messages, the replies and the internal notes, oldest first, each with its author,
/// time, channel, recipients, files and — for mail out — where its delivery stands.
struct ConversationView {
    struct FileLink {
        var name: String
        var size: String
        /// nil for a file over the size cap (only described).
        var href: String?
    }

    struct Message {
        var id: Int
        /// customer, reply, note or automatic: the stylesheet's class.
        var kind: String
        /// "Internal note", "Reply", "From the customer", "Automatic mail": said in words, not only in colour.
        var label: String
        var author: String
        var at: String
        var atISO: String
        var channel: String
        var recipients: String?
        var subject: String?
        var body: String
        var delivery: String?
        var deliveryState: String?
        var files: [FileLink]
        var hasFiles: Bool
    }

    static func messages(of ticket: Ticket, events: [TicketEvent], outbox: [OutboxMessage], clock: BoardClock) -> [Message] {
        let byMessageId = Dictionary(outbox.map { ($0.messageId, $0) }, uniquingKeysWith: { first, _ in first })
        var messages: [Message] = []
        // A ticket opened by a mail shows that mail, not its copy in the description.
        let openedByMail = events.first(where: { $0.kind == .mailReceived })?.at == ticket.createdAt
        if !openedByMail, !ticket.description.isEmpty, let created = events.first(where: { $0.kind == .created }) {
            messages.append(
                Message(
                    id: created.id, kind: "customer", label: "What was asked", author: HistorySentence.who(created.actor),
                    at: clock.dayTime(created.at), atISO: BoardClock.iso(created.at), channel: ticket.channel.rawValue,
                    recipients: nil, subject: nil, body: ticket.description, delivery: nil, deliveryState: nil, files: [], hasFiles: false))
        }
        for event in events {
            switch event.entry {
            case .comment(let comment)?:
                let files = links(comment.attachments ?? [], ticket: ticket.id)
                var message = Message(
                    id: event.id, kind: comment.visibility == .internal ? "note" : "reply",
                    label: comment.visibility == .internal ? "Internal note — colleagues only" : "Reply to the customer",
                    author: HistorySentence.who(event.actor), at: clock.dayTime(event.at), atISO: BoardClock.iso(event.at),
                    channel: comment.mail == nil ? "web" : "email", recipients: nil, subject: nil, body: comment.body,
                    delivery: nil, deliveryState: nil, files: files, hasFiles: !files.isEmpty)
                if let mail = comment.mail {
                    message.recipients =
                        "To " + mail.to.joined(separator: ", ") + (mail.cc.isEmpty ? "" : "; cc " + mail.cc.joined(separator: ", "))
                    if let sent = byMessageId[mail.messageId] {
                        (message.delivery, message.deliveryState) = (delivery(sent, clock: clock), sent.state.rawValue)
                    }
                } else if comment.visibility == .public {
                    message.recipients = "Not mailed: the ticket had no requester with an email address, or mail is off"
                }
                messages.append(message)
            case .mailReceived(let mail)?:
                let files = links(mail.attachments, ticket: ticket.id)
                let sender = mail.fromName.map { "\($0) <\(mail.from)>" } ?? mail.from
                messages.append(
                    Message(
                        id: event.id, kind: mail.automatic == nil ? "customer" : "automatic",
                        label: mail.automatic.map { "Automatic mail, kept as a note (\($0))" } ?? "From the customer",
                        author: sender, at: clock.dayTime(event.at), atISO: BoardClock.iso(event.at), channel: "email",
                        recipients: (mail.to + mail.cc).isEmpty ? nil : "To " + (mail.to + mail.cc).joined(separator: ", "),
                        subject: mail.subject,
                        body: mail.body + (mail.fromHTML == true ? "\n\n(made from the mail's HTML; nothing of it was run or loaded)" : ""),
                        delivery: nil, deliveryState: nil, files: files, hasFiles: !files.isEmpty))
            default:
                continue
            }
        }
        return messages
    }

    static func delivery(_ message: OutboxMessage, clock: BoardClock) -> String {
        switch message.state {
        case .queued: "queued for sending"
        case .sending: "sending (attempt \(message.attempts))"
        case .retrying: "not sent yet: \(message.lastError ?? "a temporary failure"); next attempt \(clock.dayTime(message.nextAttemptAt))"
        case .sent: "sent \(message.sentAt.map(clock.dayTime) ?? "")" + (message.lastError.map { "; \($0)" } ?? "")
        case .failed: "failed: \(message.lastError ?? "refused")"
        }
    }

    static func links(_ attachments: [Attachment], ticket: Int) -> [FileLink] {
        attachments.map { file in
            FileLink(
                name: file.name, size: size(file.size) + (file.stored ? "" : ", not kept: over the size limit"),
                href: file.stored ? "/board/tickets/\(ticket)/files/\(file.sha256)" : nil)
        }
    }

    static func size(_ bytes: Int) -> String {
        bytes >= 1 << 20 ? String(format: "%.1f MiB", Double(bytes) / 1_048_576) : bytes >= 1024 ? "\(bytes / 1024) KiB" : "\(bytes) bytes"
    }
}
