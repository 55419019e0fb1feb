import Foundation
import Logging
import TriageDomain
import TriageEdge

/// What a live page hears: the newest event id and the tickets that changed (nil: refresh whatever
/// you show, because the feed cannot say what it missed). An empty batch is a heartbeat.
struct LiveBatch: Sendable, Equatable {
    var lastEventId: Int
    var ticketIds: [Int]?
    /// The people these events notified (their bells ring); nil: everyone's may have.
    var bells: Set<Int>? = []
}

/// The tickets' histories, followed for the browsers that are open on this instance
/// (docs/ARCHITECTURE.md, "Live pages"). One reader per instance polls the events table every
/// `interval` while anyone listens and fans the ticket ids out, so a change made through any
/// instance on the same database reaches every browser. Event ids come from a sequence: on
/// PostgreSQL a transaction can commit after a later id is already visible, so the ids the feed
/// jumped over are looked for again for `holdHoles` before they count as rolled back.
actor LiveFeed {
    private let coordinator: Coordinator
    private let interval: Duration
    private let heartbeat: Duration
    private let logger: Logger
    static let holdHoles: TimeInterval = 30
    private static let reader = Principal(tokenId: nil, name: "live", role: .technician)

    private var listeners: [UUID: AsyncStream<LiveBatch>.Continuation] = [:]
    private var poller: Task<Void, Never>?
    private var cursor = 0
    private var holes: [Int: Date] = [:]
    private var failing = false

    init(coordinator: Coordinator, interval: Duration = .seconds(1), heartbeat: Duration = .seconds(10), logger: Logger) {
        self.coordinator = coordinator
        self.interval = interval
        self.heartbeat = heartbeat
        self.logger = logger
    }

    /// A stream of batches until the caller stops reading or finishes it. A browser that saw
    /// `lastEventId` before (it reconnected) hears at once that it should refresh when events came since.
    static func stream() -> (AsyncStream<LiveBatch>, AsyncStream<LiveBatch>.Continuation) {
        AsyncStream.makeStream(of: LiveBatch.self, bufferingPolicy: .bufferingNewest(64))
    }

    func listen(_ continuation: AsyncStream<LiveBatch>.Continuation, after lastEventId: Int?) async throws {
        if poller == nil {
            let latest = try await coordinator.tickets.latestChange(by: Self.reader)
            // Another listener may have started the reader while this one waited for the store.
            if poller == nil { start(after: latest) }
        }
        let id = UUID()
        listeners[id] = continuation
        continuation.onTermination = { _ in Task { await self.drop(id) } }
        if let lastEventId, lastEventId != cursor { continuation.yield(LiveBatch(lastEventId: cursor, ticketIds: nil, bells: nil)) }
    }

    private func drop(_ id: UUID) {
        listeners[id] = nil
        if listeners.isEmpty {
            poller?.cancel()
            poller = nil
        }
    }

    private func start(after latest: Int) {
        cursor = latest
        holes = [:]
        poller = Task { [interval, heartbeat] in
            // By the clock, not by counting polls: a poll that waits on a slow or absent database
            // must not hold back the heartbeat (and the session checks it carries).
            var lastSent = ContinuousClock.now
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if await poll() { lastSent = .now }
                if ContinuousClock.now - lastSent >= heartbeat {
                    lastSent = .now
                    await broadcast(LiveBatch(lastEventId: cursor, ticketIds: []))
                }
            }
        }
    }

    /// Reads what changed since the last poll; true when something did.
    private func poll() async -> Bool {
        let now = Date()
        holes = holes.filter { now.timeIntervalSince($0.value) < Self.holdHoles }
        let changes: [TicketChange]
        do {
            changes = try await coordinator.tickets.changes(
                after: cursor, orIds: Array(holes.keys.sorted().prefix(500)), limit: 1000,
                by: Self.reader)
            if failing { logger.notice("live feed: reading the ticket history again") }
            failing = false
        } catch {
            if Task.isCancelled { return false }
            if !failing { logger.warning("live feed: cannot read the ticket history: \(error)") }
            failing = true
            return false
        }
        guard !changes.isEmpty else { return false }
        for change in changes {
            if holes.removeValue(forKey: change.eventId) != nil { continue }
            if change.eventId > cursor + 1, change.eventId - cursor <= 1000 {
                for skipped in (cursor + 1)..<change.eventId { holes[skipped] = now }
            }
            cursor = max(cursor, change.eventId)
        }
        var tickets: [Int] = []
        for change in changes where !tickets.contains(change.ticketId) { tickets.append(change.ticketId) }
        // Notifications are written with their events: whose they were rings those bells.
        let bells = try? await coordinator.notifications.notified(eventIds: changes.map(\.eventId))
        broadcast(LiveBatch(lastEventId: cursor, ticketIds: tickets, bells: bells))
        return true
    }

    private func broadcast(_ batch: LiveBatch) {
        for listener in listeners.values { listener.yield(batch) }
    }
}
