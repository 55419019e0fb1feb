import Foundation

/// Queues saved under a name.
public protocol SavedViewRecords: Sendable {
    /// `userId`'s own views, then the shared ones, each by name.
    func savedViews(userId: Int) async throws -> [SavedView]
    func savedView(_ id: Int) async throws -> SavedView?
    /// Inserts `view`, or replaces the query of the owner's view of that name; returns it stored.
    func saveView(_ view: SavedView) async throws -> SavedView
    func deleteView(_ id: Int) async throws
}

/// Reply texts kept under a name.
public protocol CannedReplyRecords: Sendable {
    /// `userId`'s own, then the shared ones, each by name.
    func cannedReplies(userId: Int) async throws -> [CannedReply]
    func cannedReply(_ id: Int) async throws -> CannedReply?
    func insertCannedReply(_ reply: CannedReply) async throws -> CannedReply
    func deleteCannedReply(_ id: Int) async throws
}
