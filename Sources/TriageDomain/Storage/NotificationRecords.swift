import Foundation

/// People's notifications and their choices (docs/notifications.md).
public protocol NotificationRecords: Sendable {
    /// The active people's accounts that are one of `userIds`, speak for one of `technicianIds`,
    /// have one of `roles` or one of `logins`, with their choices.
    func notificationRecipients(userIds: [Int], technicianIds: [Int], roles: [Role], logins: [String]) async throws
        -> [NotificationRecipient]
    /// Stores them in one statement; returns them with their ids, in order.
    func insertNotifications(_ notifications: [Notification]) async throws -> [Notification]
    /// A person's notifications in the workspace, newest first, before the id `before`.
    func notifications(userId: Int, unreadOnly: Bool, before: Int?, limit: Int) async throws -> [Notification]
    /// How many in the workspace are unread: all, or one ticket's.
    func unreadNotifications(userId: Int, ticketId: Int?) async throws -> Int
    /// Marks read those in the workspace of `ids` (nil: all) and, when given, only of `ticketId`;
    /// their held or digest mail is skipped. Returns how many changed.
    func markNotificationsRead(userId: Int, ids: [Int]?, ticketId: Int?, at: Date) async throws -> Int
    func notificationSettings(userId: Int) async throws -> NotificationSettings?
    func saveNotificationSettings(_ settings: NotificationSettings, userId: Int) async throws
    /// The people with held or digest mail due by `at`.
    func notificationMailDue(at: Date, limit: Int) async throws -> [Int]
    /// A person's held and digest notifications due by `at`, oldest first.
    func dueNotificationMail(userId: Int, at: Date) async throws -> [Notification]
    /// Moves `ids` from held or digest to `state`; how many moved (fewer: another instance took some).
    func settleNotificationMail(ids: [Int], to state: Notification.MailState) async throws -> Int
    /// Who was notified by these history entries (the live feed rings their bells).
    func notifiedUsers(eventIds: [Int]) async throws -> Set<Int>
}
