import Foundation

extension Notifier {
    /// Writes the notifications a ticket's new history entries call for, in the caller's
    /// transaction (`TicketDesk.append` calls it with every batch it writes), and puts the mail
    /// that goes at once in the outbox. An entry that concerns nobody costs nothing.
    package func fanOut(
        _ ticket: Ticket, entries: [HistoryEntry], eventIds: [Int], actor: Actor, at: Date, in session: Records
    ) async throws {
        let addressed = NotificationRules.addressed(ticket, entries: entries)
        guard !addressed.isEmpty else { return }
        var technicians = Set<Int>()
        var logins = Set<String>()
        var desk = false
        for item in addressed {
            switch item.to {
            case .technician(let id): technicians.insert(id)
            case .desk: desk = true
            case .login(let login): logins.insert(login)
            }
        }
        let people = try await session.notificationRecipients(
            userIds: [], technicianIds: technicians.sorted(), roles: desk ? [.admin, .dispatcher] : [], logins: logins.sorted())
        let actorLogin: String? = if case .person(_, let name) = actor { name } else { nil }
        var made: [(Notification, NotificationRecipient)] = []
        var seen = Set<String>()
        for item in addressed {
            for person in people where Self.reaches(item.to, person) && person.login != actorLogin {
                guard NotificationKind.kinds(for: person.role).contains(item.kind),
                    seen.insert("\(person.userId) \(item.kind) \(item.entry)").inserted
                else { continue }
                let settings = person.settings ?? NotificationSettings()
                let choice = settings.choice(item.kind)
                let mails = choice.email != .off && person.email != nil && mailroom.sends
                guard choice.inApp || mails else { continue }
                let zone = zone(of: person)
                var notification = Notification(
                    userId: person.userId, kind: item.kind, ticketId: ticket.id,
                    eventId: eventIds.indices.contains(item.entry) ? eventIds[item.entry] : nil, at: at, title: ticket.title,
                    severity: ticket.severity,
                    text: item.time.map { item.text.replacingOccurrences(of: "{time}", with: clockText($0, in: zone)) } ?? item.text,
                    inApp: choice.inApp)
                if mails {
                    switch choice.email {
                    case .now:
                        let due = settings.mailTime(at: at, in: zone)
                        (notification.mail, notification.mailDueAt) = due > at ? (.held, due) : (.queued, nil)
                    case .digest: (notification.mail, notification.mailDueAt) = (.digest, settings.nextDigest(after: at, in: zone))
                    case .off: break
                    }
                }
                made.append((notification, person))
            }
        }
        guard !made.isEmpty else { return }
        let stored = try await session.insertNotifications(made.map(\.0))
        for (notification, (_, person)) in zip(stored, made) where notification.mail == .queued {
            _ = try await session.insertOutbox(
                mailroom.notificationMessage(NotificationMail.single(notification, to: person, policy: mailroom.policy, at: at)))
        }
    }

    private static func reaches(_ addressee: NotificationRules.Addressee, _ person: NotificationRecipient) -> Bool {
        switch addressee {
        case .technician(let id): person.technicianId == id
        case .desk: person.role == .admin || person.role == .dispatcher
        case .login(let login): person.login == login
        }
    }

    /// Mails what quiet hours held back and the digests that are due: one mail per person, put in
    /// the outbox in the transaction that marks its notifications sent — so of two instances only
    /// one mails them. Read ones are skipped. Returns how many mails were queued.
    @discardableResult
    public func mailDue(limit: Int = 50) async throws -> Int {
        guard mailroom.sends else { return 0 }
        let at = now()
        let people = try await read { try await $0.notificationMailDue(at: at, limit: limit) }
        var queued = 0
        for userId in people {
            do {
                queued += try await write { session in
                    let due = try await session.dueNotificationMail(userId: userId, at: at)
                    guard !due.isEmpty else { return 0 }
                    guard
                        let person = try await session.notificationRecipients(userIds: [userId], technicianIds: [], roles: [], logins: [])
                            .first, person.email != nil
                    else {
                        try Self.settled(try await session.settleNotificationMail(ids: due.map(\.id), to: .none), due.count)
                        return 0
                    }
                    let read = due.filter { $0.readAt != nil }
                    let unread = due.filter { $0.readAt == nil }
                    if !read.isEmpty {
                        try Self.settled(try await session.settleNotificationMail(ids: read.map(\.id), to: .skipped), read.count)
                    }
                    var mails = 0
                    let held = unread.filter { $0.mail == .held }
                    let digest = unread.filter { $0.mail == .digest }
                    for (group, isDigest) in [(held, false), (digest, true)] where !group.isEmpty {
                        try Self.settled(try await session.settleNotificationMail(ids: group.map(\.id), to: .queued), group.count)
                        let mail =
                            group.count == 1 && !isDigest
                            ? NotificationMail.single(group[0], to: person, policy: mailroom.policy, at: at)
                            : NotificationMail.summary(group, to: person, digest: isDigest, policy: mailroom.policy, at: at)
                        _ = try await session.insertOutbox(mailroom.notificationMessage(mail))
                        mails += 1
                    }
                    return mails
                }
            } catch let error as CoordinatorError where error.code == .conflict {
                continue  // another instance mailed them first
            }
        }
        return queued
    }

    private static func settled(_ moved: Int, _ expected: Int) throws {
        if moved != expected { throw CoordinatorError(.conflict, "another instance mailed these notifications") }
    }
}
