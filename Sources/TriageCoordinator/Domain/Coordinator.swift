import Foundation

/// The coordinator's domain: every change to tickets and inventory, with its permission check,
/// validation and history event. Writes take the session of the caller's transaction, so the
/// change, its events and an idempotency record commit together.
public struct Coordinator: Sendable {
    public let store: any TriageStore
    public let sla: SLAPolicy
    public let assignment: AssignmentPolicy
    public let health: HealthPolicy
    public let visitPolicy: VisitPolicy
    public let limits: StoreLimits
    private let clock: @Sendable () -> Date
    /// The active technicians as assignment last read them, shared by copies of this coordinator.
    let roster = RosterCache()
    /// Keys the instances share, read from the store once.
    let secrets = SecretCache()

    public init(store: any TriageStore, sla: SLAPolicy = .standard, assignment: AssignmentPolicy = .init(),
                health: HealthPolicy = .init(), visits: VisitPolicy = .init(), limits: StoreLimits = .init(),
                clock: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.sla = sla
        self.assignment = assignment
        self.health = health
        self.visitPolicy = visits
        self.limits = limits
        self.clock = clock
    }

    /// Now, in whole milliseconds (what the store keeps).
    public func now() -> Date {
        Date(storedMilliseconds: clock().storedMilliseconds)
    }
}

/// How much the store keeps of what grows without end.
public struct StoreLimits: Sendable, Equatable {
    /// Diagnoses one ticket keeps; attaching another is a 409 (`maxDiagnosticsPerTicket`).
    public var maxDiagnosticsPerTicket = 200

    public init(maxDiagnosticsPerTicket: Int = 200) { self.maxDiagnosticsPerTicket = maxDiagnosticsPerTicket }
}
