import Foundation
import Logging
import TriageDomain

/// Wakes the runners whose long poll waits for a diagnosis job (docs/jobs.md, "Long polls").
///
/// A waiting runner costs a suspended task and an entry here: no thread, no database connection.
/// One reader per instance, running only while someone waits, asks the database every `interval`
/// which jobs may be taken, and wakes the waiters a newly takeable job concerns (a job becomes
/// takeable when queued, and again when its lease ends unfinished); those then try to lease it.
/// Because it reads the shared table, a job queued through any instance wakes the runners of
/// every instance; `ring()` reads at once, for jobs queued through this one.
package actor JobBell {
    /// Which jobs a waiter may take: its own host's, or those of its scope.
    package enum Filter: Sendable {
        case host(Int)
        case scope(CollectorScope)

        package init?(_ principal: Principal) {
            switch principal.role {
            case .agent:
                guard let host = principal.hostId else { return nil }
                self = .host(host)
            case .collector: self = .scope(principal.scope ?? .init())
            default: return nil
            }
        }

        package func matches(_ job: Job) -> Bool {
            switch self {
            case .host(let id): job.hostId == id
            case .scope(let scope): scope.contains(siteId: job.siteId, customerId: job.customerId)
            }
        }
    }

    private struct Waiter {
        let filter: Filter
        let deadline: ContinuousClock.Instant
        let continuation: CheckedContinuation<Void, Never>
    }

    private struct Announced: Hashable {
        let id: Int
        let lease: Int
    }

    private let coordinator: Coordinator
    private let interval: Duration
    private let logger: Logger
    private var waiters: [UUID: Waiter] = [:]
    private var poller: Task<Void, Never>?
    /// The takeable jobs the last read found (by id and lease); only new ones wake anyone.
    private var announced: Set<Announced> = []
    /// Recent announcements by number, for a waiter that arrives just after one (`mark`).
    private var recent: [(number: Int, job: Job)] = []
    private var number = 0
    /// The earliest deadline among the waiters (or later).
    private var nextDeadline = ContinuousClock.now
    private var closed = false
    private var failing = false

    package init(coordinator: Coordinator, interval: Duration = .milliseconds(250), logger: Logger) {
        self.coordinator = coordinator
        self.interval = interval
        self.logger = logger
    }

    /// Stopping: every waiter answers now (with no job), and later ones do not wait.
    package var isClosed: Bool { closed }

    /// The number of the last announcement: take it before trying to lease, and hand it to
    /// `wait`, so that a job announced in between still wakes the waiter.
    package func mark() -> Int { number }

    /// Suspends until a job the filter matches may have become takeable since `mark`, the
    /// deadline passes, or the server stops.
    package func wait(_ filter: Filter, after mark: Int, until deadline: ContinuousClock.Instant) async {
        if closed || recent.contains(where: { $0.number > mark && filter.matches($0.job) }) { return }
        await withCheckedContinuation { continuation in
            waiters[UUID()] = Waiter(filter: filter, deadline: deadline, continuation: continuation)
            nextDeadline = min(nextDeadline, deadline)
            if poller == nil { startPolling() }
        }
    }

    /// A job was queued through this instance: read now rather than at the next tick.
    package func ring() async {
        if !waiters.isEmpty { await poll() }
    }

    /// Answers every waiter; called on graceful shutdown.
    package func close() {
        closed = true
        for waiter in waiters.values { waiter.continuation.resume() }
        waiters = [:]
        poller?.cancel()
        poller = nil
    }

    /// How many runners wait now (for /metrics and the benchmark).
    package var waiting: Int { waiters.count }

    private func startPolling() {
        poller = Task { [interval] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                await self.tick()
            }
        }
    }

    private func tick() async {
        let now = ContinuousClock.now
        // The waiters are scanned only when the earliest deadline has passed, not at every tick.
        if nextDeadline <= now {
            for (id, waiter) in waiters where waiter.deadline <= now {
                waiters[id] = nil
                waiter.continuation.resume()
            }
            nextDeadline = waiters.values.lazy.map(\.deadline).min() ?? .now + .seconds(3600)
        }
        if waiters.isEmpty {
            poller?.cancel()
            poller = nil
            announced = []
            return
        }
        await poll()
    }

    private func poll() async {
        let jobs: [Job]
        do {
            jobs = try await coordinator.jobs.takeable(limit: 1000)
            if failing { logger.notice("job bell: reading the jobs again") }
            failing = false
        } catch {
            if !failing { logger.warning("job bell: cannot read the jobs: \(error)") }
            failing = true
            return
        }
        let now = Set(jobs.map { Announced(id: $0.id, lease: $0.lease) })
        let fresh = jobs.filter { !announced.contains(Announced(id: $0.id, lease: $0.lease)) }
        announced = now
        guard !fresh.isEmpty else { return }
        for job in fresh {
            number += 1
            recent.append((number, job))
        }
        if recent.count > 1000 { recent.removeFirst(recent.count - 1000) }
        for (id, waiter) in waiters where fresh.contains(where: waiter.filter.matches) {
            waiters[id] = nil
            waiter.continuation.resume()
        }
    }
}
