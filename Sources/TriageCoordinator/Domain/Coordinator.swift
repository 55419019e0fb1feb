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

    // MARK: Inventory

    public func create<F: InventoryFields>(_ fields: F, by principal: Principal, in session: any StoreSession)
        async throws -> Record<F>
    {
        try Access.manageInventory(principal)
        try await check(fields, in: session)
        return try await session.insert(fields, at: now())
    }

    public func replace<F: InventoryFields>(_ id: Int, with fields: F, by principal: Principal,
                                            in session: any StoreSession) async throws -> Record<F>
    {
        try Access.manageInventory(principal)
        guard try await session.exists(F.kind, id) else { throw CoordinatorError.notFound(F.kind.noun, id) }
        try await check(fields, in: session)
        guard let record = try await session.replace(id, with: fields, at: now()) else {
            throw CoordinatorError.notFound(F.kind.noun, id)
        }
        return record
    }

    public func delete(_ kind: RecordKind, _ id: Int, by principal: Principal, in session: any StoreSession)
        async throws
    {
        try Access.manageInventory(principal)
        let dependents = try await session.dependents(of: kind, id)
        if !dependents.isEmpty {
            let hint = kind == .technician ? "; set active to false instead" : ""
            throw CoordinatorError(
                .conflict, "\(kind.noun) \(id) is still referred to by \(dependents.joined(separator: ", "))\(hint)")
        }
        guard try await session.delete(kind, id) else { throw CoordinatorError.notFound(kind.noun, id) }
    }

    public func record<F: InventoryFields>(_ id: Int, as type: F.Type, by principal: Principal) async throws
        -> Record<F>
    {
        try Access.readAll(principal)
        guard let record = try await store.read({ try await $0.record(id, as: F.self) }) else {
            throw CoordinatorError.notFound(F.kind.noun, id)
        }
        return record
    }

    public func records<F: InventoryFields>(_ type: F.Type, after: Int?, limit: Int, by principal: Principal)
        async throws -> Page<Record<F>>
    {
        try Access.readAll(principal)
        let items = try await store.read { try await $0.records(F.self, after: after, limit: limit + 1) }
        return Page(items, limit: limit, id: \.id)
    }

    private func check<F: InventoryFields>(_ fields: F, in session: any StoreSession) async throws {
        try fields.validate()
        for (kind, id, field) in fields.references where !(try await session.exists(kind, id)) {
            throw CoordinatorError.invalid(field, "\(kind.noun) \(id) does not exist")
        }
    }

    // MARK: Reading tickets

    public func ticket(_ id: Int, by principal: Principal) async throws -> Ticket {
        try Access.readAll(principal)
        guard let ticket = try await store.read({ try await $0.ticket(id) }) else {
            throw CoordinatorError.notFound("ticket", id)
        }
        return ticket
    }

    public func tickets(_ filter: TicketFilter, before: Int?, limit: Int, by principal: Principal) async throws
        -> Page<Ticket>
    {
        try Access.readAll(principal)
        let items = try await store.read { try await $0.tickets(filter, before: before, limit: limit + 1) }
        return Page(items, limit: limit, id: \.id)
    }

    public func events(ofTicket id: Int, after: Int?, limit: Int, by principal: Principal) async throws
        -> Page<TicketEvent>
    {
        try Access.readAll(principal)
        let (exists, items) = try await store.read { session in
            (try await session.ticket(id) != nil, try await session.events(ticketId: id, after: after, limit: limit + 1))
        }
        guard exists else { throw CoordinatorError.notFound("ticket", id) }
        return Page(items, limit: limit, id: \.id)
    }
}

/// Where the next page starts: an opaque token around the last id of the page.
/// How much the store keeps of what grows without end.
public struct StoreLimits: Sendable, Equatable {
    /// Diagnoses one ticket keeps; attaching another is a 409 (`maxDiagnosticsPerTicket`).
    public var maxDiagnosticsPerTicket = 200

    public init(maxDiagnosticsPerTicket: Int = 200) { self.maxDiagnosticsPerTicket = maxDiagnosticsPerTicket }
}

public enum Cursor {
    public static func encode(_ id: Int) -> String {
        Data("v1:\(id)".utf8).base64URL
    }

    /// A position in a list ordered by time, then by a key (health reports: received, report id).
    public static func encode(time: Date, key: String) -> String {
        Data("v1:\(time.storedMilliseconds):\(key)".utf8).base64URL
    }

    public static func decodeTimeAndKey(_ text: String) throws -> (time: Date, key: String) {
        let parts = try plain(text).split(separator: ":", maxSplits: 2).map(String.init)
        guard parts.count == 3, parts[0] == "v1", let millis = Int64(parts[1]) else {
            throw CoordinatorError(.badRequest, "cursor '\(text)' is not one this server gave out")
        }
        return (Date(storedMilliseconds: millis), parts[2])
    }

    private static func plain(_ text: String) throws -> String {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let plain = String(data: data, encoding: .utf8) else {
            throw CoordinatorError(.badRequest, "cursor '\(text)' is not one this server gave out")
        }
        return plain
    }

    public static func decode(_ text: String) throws -> Int {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let plain = String(data: data, encoding: .utf8),
            plain.hasPrefix("v1:"), let id = Int(plain.dropFirst(3)), id > 0
        else { throw CoordinatorError(.badRequest, "cursor '\(text)' is not one this server gave out") }
        return id
    }
}
