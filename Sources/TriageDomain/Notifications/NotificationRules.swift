import Foundation

/// Who hears of a ticket's new history entries, and what (docs/notifications.md): pure, so the
/// table of rules is tested without a store. Nobody is told of what they did themselves (the
/// caller drops the actor), and an entry that concerns nobody costs no read at all.
package enum NotificationRules {
    /// Who a notification is for, before the store says which accounts those are.
    package enum Addressee: Hashable, Sendable {
        /// The accounts that speak for this technician.
        case technician(Int)
        /// The desk: active dispatchers and admins.
        case desk
        /// The account with this login (`@login` in a note or reply).
        case login(String)
    }

    package struct Addressed: Equatable, Sendable {
        package var kind: NotificationKind
        package var to: Addressee
        /// `{time}` in it stands for `time`, written in the recipient's time zone.
        package var text: String
        package var time: Date?
        /// The index of the entry in the batch (for its event id).
        package var entry: Int
    }

    /// The notifications `entries`, just written to `ticket` (as it is after them), call for.
    package static func addressed(_ ticket: Ticket, entries: [HistoryEntry]) -> [Addressed] {
        var out: [Addressed] = []
        let created = entries.contains { $0.kind == .created }
        let owner: Addressee = ticket.assigneeId.map { .technician($0) } ?? .desk
        for (index, entry) in entries.enumerated() {
            func tell(_ kind: NotificationKind, _ to: Addressee, _ text: String, time: Date? = nil) {
                out.append(Addressed(kind: kind, to: to, text: text, time: time, entry: index))
            }
            switch entry {
            case .assigned(let made):
                if let assigneeId = made.assigneeId { tell(.assigned, .technician(assigneeId), "Assigned to you: \(made.reason)") }
            case .unassignable(let made):
                tell(.unassignable, .desk, "Nobody can take it: \(made.reason)")
            case .escalated(let escalation) where escalation.kind == .hierarchical:
                tell(.escalated, .desk, "Escalated to the lead: \(escalation.reason)")
            case .slaWarning(let target):
                tell(.slaWarning, owner, "The \(words(target)) target is near: due {time}", time: target.dueAt)
            case .slaBreach(let target):
                tell(.slaBreach, owner, "The \(words(target)) target was missed: it was due {time}", time: target.dueAt)
            case .visitBooked(let visit):
                tell(.visit, .technician(visit.technicianId), "Visit booked for you: {time}", time: visit.start)
            case .visitRescheduled(let moved):
                tell(.visit, .technician(moved.to.technicianId), "Visit moved: now {time}", time: moved.to.start)
                if moved.from.technicianId != moved.to.technicianId {
                    tell(
                        .visit, .technician(moved.from.technicianId), "Your visit of {time} was given to someone else",
                        time: moved.from.start)
                }
            case .visitStep(.visitCancelled, let step):
                tell(.visit, .technician(step.technicianId), "Visit cancelled" + (step.notes.map { ": \($0)" } ?? ""))
            case .mailReceived(let mail) where mail.automatic == nil && !created:
                if let assigneeId = ticket.assigneeId {
                    tell(.customerReplied, .technician(assigneeId), "\(mail.fromName ?? mail.from) answered: \(excerpt(mail.body))")
                }
            case .comment(let comment):
                for login in mentions(in: comment.body) {
                    tell(
                        .mentioned, .login(login),
                        "Mentioned you in \(comment.visibility == .internal ? "a note" : "a reply"): \(excerpt(comment.body))")
                }
            default: continue
            }
        }
        return out
    }

    private static func words(_ target: SLATarget) -> String { target.target == "respond" ? "response" : "resolution" }

    /// The first 160 characters of a text on one line.
    package static func excerpt(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return line.count > 160 ? String(line.prefix(159)) + "…" : line
    }

    /// The logins written as `@login`: an `@` at the start or after a character that is not part
    /// of a word (so `anna@acme.example` mentions nobody), then login characters, without a
    /// sentence's last dot.
    package static func mentions(in text: String) -> [String] {
        var found: [String] = []
        let characters = Array(text.lowercased())
        var index = 0
        while index < characters.count {
            defer { index += 1 }
            guard characters[index] == "@" else { continue }
            if index > 0, characters[index - 1].isLetter || characters[index - 1].isNumber || characters[index - 1] == "." { continue }
            var end = index + 1
            while end < characters.count, UserInput.loginCharacters.contains(characters[end]), characters[end] != "@" { end += 1 }
            var login = String(characters[(index + 1)..<end])
            while let last = login.last, last == "." || last == "-" { login.removeLast() }
            if !login.isEmpty, !found.contains(login) { found.append(login) }
            index = end - 1
        }
        return found
    }
}
