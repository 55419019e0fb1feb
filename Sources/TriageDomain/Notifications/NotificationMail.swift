import Foundation

/// The mails notifications become (pure): one per notification, or one for several — those held
/// through quiet hours, or the daily digest of what is still unread.
package enum NotificationMail {
    package static func single(_ notification: Notification, to person: NotificationRecipient, policy: MailPolicy, at: Date)
        -> OutgoingMail
    {
        let text =
            notification.text + "\n\n" + ticketLines(notification, policy) + footer(policy)
        return mail(
            to: person, policy: policy, at: at,
            subject: "[S\(notification.severity)] \(subjectWords(notification.kind)): #\(notification.ticketId) \(notification.title)",
            text: text, messageId: "notification-\(notification.id)@\(policy.domain)", kind: notification.kind.rawValue)
    }

    /// One mail for several; `digest` says which kind of gathering it is.
    package static func summary(
        _ notifications: [Notification], to person: NotificationRecipient, digest: Bool, policy: MailPolicy, at: Date
    ) -> OutgoingMail {
        let count = notifications.count == 1 ? "1 notification" : "\(notifications.count) notifications"
        let subject = digest ? "Triage digest: \(count) unread" : "Triage: \(count) during your quiet hours"
        var text = digest ? "Still unread in Triage:\n" : "While your quiet hours held mail back:\n"
        for notification in notifications {
            text += "\n[S\(notification.severity)] \(subjectWords(notification.kind)): \(notification.text)\n"
            text += ticketLines(notification, policy)
        }
        let ids = notifications.map(\.id)
        return mail(
            to: person, policy: policy, at: at, subject: subject, text: text + footer(policy),
            messageId: "notifications-\(ids.min() ?? 0)-\(ids.max() ?? 0)-\(ids.count)@\(policy.domain)",
            kind: digest ? "digest" : "held")
    }

    package static func subjectWords(_ kind: NotificationKind) -> String {
        switch kind {
        case .assigned: "Assigned to you"
        case .slaWarning: "SLA target near"
        case .slaBreach: "SLA target missed"
        case .escalated: "Escalated to the lead"
        case .visit: "Your visit"
        case .unassignable: "Nobody can take"
        case .customerReplied: "Customer answered"
        case .mentioned: "You were mentioned"
        }
    }

    private static func ticketLines(_ notification: Notification, _ policy: MailPolicy) -> String {
        "#\(notification.ticketId) \(notification.title)\n\(link("/board/tickets/\(notification.ticketId)", policy))\n"
    }

    private static func footer(_ policy: MailPolicy) -> String {
        "\n-- \nTriage tells you this because of your notification settings: \(link("/board/notifications", policy))\n"
    }

    private static func link(_ path: String, _ policy: MailPolicy) -> String { (policy.boardURL ?? "") + path }

    private static func mail(
        to person: NotificationRecipient, policy: MailPolicy, at: Date, subject: String, text: String, messageId: String, kind: String
    ) -> OutgoingMail {
        OutgoingMail(
            from: MailAddress(name: "Triage (\(policy.name))", address: policy.address ?? "triage@triage.invalid"),
            to: [MailAddress(name: person.displayName, address: person.email ?? "")], subject: subject, text: text,
            messageId: messageId, date: at,
            extraHeaders: [("Auto-Submitted", "auto-generated"), ("X-Triage-Notification", kind)])
    }
}

/// "2026-12-08 09:00 Europe/Berlin": a time as a person reads it in their zone.
package func clockText(_ date: Date, in zone: TimeZone) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = zone
    let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
    func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
    return "\(c.year ?? 0)-\(two(c.month))-\(two(c.day)) \(two(c.hour)):\(two(c.minute)) \(zone.identifier)"
}
