import Foundation

/// The coordinator's domain, one room per concept (docs/ARCHITECTURE.md, "Rooms"): every change
/// to tickets and inventory, with its permission check, validation and history event. Writes take
/// the session of the caller's transaction, so the change, its events and an idempotency record
/// commit together. `Coordinator` only composes the rooms; the HTTP and web layers call them.
public struct Coordinator: Sendable {
    let core: Core

    public init(
        store: any TriageStore, sla: SLAPolicy = .standard, assignment: AssignmentPolicy = .init(),
        health: HealthPolicy = .init(), visits: VisitPolicy = .init(), accounts: AccountPolicy = .init(),
        jobs: JobPolicy = .init(), mail: MailPolicy = .init(), webhooks: WebhookPolicy = .init(),
        alertmanager: AlertmanagerPolicy = .init(), limits: StoreLimits = .init(), sealer: SecretSealer = .ephemeral(),
        clock: @escaping @Sendable () -> Date = Date.init
    ) {
        core = Core(
            store: store, sla: sla, assignment: assignment, health: health, visitPolicy: visits, accounts: accounts,
            jobPolicy: jobs, mail: mail, webhooks: webhooks, alertmanager: alertmanager, limits: limits, sealer: sealer, clock: clock)
    }

    /// Tickets: create, change, comment, transitions and their history.
    public var tickets: TicketDesk { TicketDesk(core: core) }
    /// Customers, sites, hosts and technicians.
    public var inventory: Inventory { Inventory(core: core) }
    /// Health reports from agents and sweeps, item states, host silence.
    public var health: HealthIntake { HealthIntake(core: core) }
    /// Diagnoses attached to tickets and what their flags do.
    public var diagnoses: Diagnoses { Diagnoses(core: core) }
    /// Assignment, escalation, SLA reactions, notifications and the board's read model.
    public var dispatch: Dispatch { Dispatch(core: core) }
    /// On-site visits: slots, booking, rescheduling, their progress.
    public var visits: Visits { Visits(core: core) }
    /// API tokens for scripts and agents.
    public var credentials: Credentials { Credentials(core: core) }
    /// People's accounts: passwords, the setup link, signing in to the board.
    public var accounts: Accounts { Accounts(core: core) }
    /// "Diagnose now": jobs for push agents and collectors, their leases and results.
    public var jobs: Jobs { Jobs(core: core) }
    /// Mail in and out: the mailgate's messages, the outbox, the quarantine, files.
    public var mail: Mailroom { Mailroom(core: core) }
    /// Prometheus Alertmanager's alerts in, as health items of the hosts they name.
    public var alerts: AlertIntake { AlertIntake(core: core) }
    /// Signed events out: endpoints, deliveries, their log.
    public var webhooks: Webhooks { Webhooks(core: core) }
    /// People's notifications: the bell, their choices, mail at once, after quiet hours or in a digest.
    public var notifications: Notifier { Notifier(core: core) }

    /// The domain's alone: the API and the board reach records only through the rooms.
    var store: any TriageStore { core.store }
    public var sla: SLAPolicy { core.sla }

    /// Now, in whole milliseconds (what the store keeps).
    public func now() -> Date { core.now() }
}

/// What the rooms share: the store, the policies, the clock and the caches.
struct Core: Sendable {
    let store: any TriageStore
    let sla: SLAPolicy
    let assignment: AssignmentPolicy
    let health: HealthPolicy
    let visitPolicy: VisitPolicy
    let accounts: AccountPolicy
    let jobPolicy: JobPolicy
    let mail: MailPolicy
    let webhooks: WebhookPolicy
    let alertmanager: AlertmanagerPolicy
    let limits: StoreLimits
    /// Seals second-factor secrets and signing keys in the store.
    let sealer: SecretSealer
    let clock: @Sendable () -> Date
    /// The active technicians as assignment last read them, shared by copies of this coordinator.
    let roster = RosterCache()
    /// Keys the instances share, read from the store once.
    let secrets = SecretCache()

    func now() -> Date { Date(storedMilliseconds: clock().storedMilliseconds) }
}

/// A room of the domain: its operations, the records it uses, and the shared core and sibling
/// rooms it works with. A room reads and writes only through `read` and `write`, which hand it
/// its own `Records`: the protocols of the storage port it names, so the compiler holds it to them.
protocol Room: Sendable {
    associatedtype Records: Sendable
    var core: Core { get }
    /// A session seen as this room's records (each room writes `{ session }`: the upcast is checked there).
    static func narrow(_ session: any StoreSession) -> Records
}

extension Room {
    /// Reads committed data as this room's records: one read-only transaction, or the page's
    /// snapshot when it holds one (`Coordinator.snapshot`).
    func read<T: Sendable>(_ body: @Sendable (Records) async throws -> T) async throws -> T {
        if let snapshot = Snapshot.session { return try await body(Self.narrow(snapshot)) }
        return try await core.store.read { try await body(Self.narrow($0)) }
    }

    /// One write transaction, committed before this returns, as this room's records.
    func write<T: Sendable>(_ body: @Sendable (Records) async throws -> T) async throws -> T {
        try await core.store.write { try await body(Self.narrow($0)) }
    }

    var sla: SLAPolicy { core.sla }
    var assignment: AssignmentPolicy { core.assignment }
    var health: HealthPolicy { core.health }
    var visitPolicy: VisitPolicy { core.visitPolicy }
    var accounts: AccountPolicy { core.accounts }
    var jobPolicy: JobPolicy { core.jobPolicy }
    var limits: StoreLimits { core.limits }
    var roster: RosterCache { core.roster }
    var secrets: SecretCache { core.secrets }
    var sealer: SecretSealer { core.sealer }
    func now() -> Date { core.now() }

    /// The ticket desk, for rooms that change tickets (every change goes through its `save`).
    var desk: TicketDesk { TicketDesk(core: core) }
    /// Assignment and escalation, for rooms whose changes call for them.
    var dispatch: Dispatch { Dispatch(core: core) }
    /// Mail out, for the desk's public replies.
    var mailroom: Mailroom { Mailroom(core: core) }
}

/// How much the store keeps of what grows without end.
public struct StoreLimits: Sendable, Equatable {
    /// Diagnoses one ticket keeps; attaching another is a 409 (`maxDiagnosticsPerTicket`).
    public var maxDiagnosticsPerTicket = 200

    public init(maxDiagnosticsPerTicket: Int = 200) { self.maxDiagnosticsPerTicket = maxDiagnosticsPerTicket }
}
