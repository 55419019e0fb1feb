import Foundation

/// People's notifications (docs/notifications.md): written with the ticket change that causes
/// them, read in the workspace's bell and over the API, mailed at once, after quiet hours, or in
/// the daily digest — each mail put in the outbox in the transaction that marks it sent, so
/// several instances never mail one twice.
public struct Notifier: Room {
    let core: Core
    public typealias Storage = NotificationRecords & MailRecords & AccountRecords
    public typealias Records = any Storage
    static func narrow(_ session: any StoreSession) -> Records { session }

    /// The caller's notifications, newest first.
    public func list(unreadOnly: Bool, before: Int?, limit: Int, by principal: Principal) async throws -> Page<Notification> {
        let userId = try Access.person(principal)
        let items = try await read { try await $0.notifications(userId: userId, unreadOnly: unreadOnly, before: before, limit: limit + 1) }
        return Page(items, limit: limit, id: \.id)
    }

    /// How many of the caller's are unread (the bell), or of one ticket.
    public func unread(ticket: Int? = nil, by principal: Principal) async throws -> Int {
        guard let userId = principal.userId else { return 0 }
        return try await read { try await $0.unreadNotifications(userId: userId, ticketId: ticket) }
    }

    /// Marks the caller's `ids` read (nil: all), or all of one ticket's; returns how many changed.
    public func markRead(_ input: NotificationReadInput, by principal: Principal) async throws -> Int {
        try input.validate()
        return try await markRead(ids: input.ids, ticket: input.ticketId, by: principal)
    }

    public func markRead(ids: [Int]?, ticket: Int? = nil, by principal: Principal) async throws -> Int {
        let userId = try Access.person(principal)
        let at = now()
        return try await write { try await $0.markNotificationsRead(userId: userId, ids: ids, ticketId: ticket, at: at) }
    }

    /// Who was notified by these history entries: the live feed rings their bells.
    package func notified(eventIds: [Int]) async throws -> Set<Int> {
        try await read { try await $0.notifiedUsers(eventIds: eventIds) }
    }

    /// The caller's choices, with the time zone they are read in filled in.
    public func settings(by principal: Principal) async throws -> NotificationSettings {
        let userId = try Access.person(principal)
        return try await read { session in
            var settings = try await session.notificationSettings(userId: userId) ?? NotificationSettings()
            if settings.timeZone == nil { settings.timeZone = try await defaultZone(principal, in: session) }
            return settings
        }
    }

    public func saveSettings(_ settings: NotificationSettings, by principal: Principal) async throws -> NotificationSettings {
        let userId = try Access.person(principal)
        try settings.validate(for: principal.role)
        var kept = settings
        // Only what differs from the standard is kept, so a better standard reaches those who never chose.
        kept.kinds = settings.kinds.filter { $0.value != NotificationSettings.standard($0.key) }
        let stored = kept
        try await write { try await $0.saveNotificationSettings(stored, userId: userId) }
        return try await self.settings(by: principal)
    }

    private func defaultZone(_ principal: Principal, in session: Records) async throws -> String {
        if let technicianId = principal.technicianId,
            let recipient = try await session.notificationRecipients(userIds: [], technicianIds: [technicianId], roles: [], logins: [])
                .first(where: { $0.userId == principal.userId })
        {
            return recipient.technicianZone ?? sla.calendar.timeZone
        }
        return sla.calendar.timeZone
    }

    /// The time zone a recipient's times are written in.
    func zone(of recipient: NotificationRecipient) -> TimeZone {
        [recipient.settings?.timeZone, recipient.technicianZone, sla.calendar.timeZone].lazy.compactMap { $0 }
            .compactMap { TimeZone(identifier: $0) }.first ?? TimeZone(identifier: "UTC")!
    }
}

extension Access {
    /// Notifications are a person's: a signed-in person or their personal token.
    package static func person(_ principal: Principal) throws -> Int {
        guard let userId = principal.userId, !principal.role.isMachine else {
            throw CoordinatorError(
                .forbidden, "notifications belong to a person's account: sign in, or use a personal token (made on your account page)")
        }
        return userId
    }
}
