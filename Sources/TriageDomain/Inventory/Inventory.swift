import Foundation
import TriageModel

/// Customers, sites, hosts and technicians: admins change them, everyone with a token reads them.
public struct Inventory: Room {
    let core: Core
    /// The storage this room uses, and no more (docs/ARCHITECTURE.md, "Rooms"). Records, and what still refers to one (tickets, reports, mail).
    public typealias Storage = InventoryRecords & HealthRecords & MailRecords & TicketRecords
    public typealias Records = any Storage
    static func narrow(_ session: any StoreSession) -> Records { session }

    public func create<F: InventoryFields>(_ fields: F, by principal: Principal, in session: Records)
        async throws -> Record<F>
    {
        try Access.manageInventory(principal)
        try await check(fields, in: session)
        return try await session.insert(fields, at: now())
    }

    public func replace<F: InventoryFields>(
        _ id: Int, with fields: F, by principal: Principal,
        in session: Records
    ) async throws -> Record<F> {
        try Access.manageInventory(principal)
        guard try await session.exists(F.kind, id) else { throw CoordinatorError.notFound(F.kind.noun, id) }
        try await check(fields, in: session)
        guard let record = try await session.replace(id, with: fields, at: now()) else {
            throw CoordinatorError.notFound(F.kind.noun, id)
        }
        return record
    }

    public func delete(_ kind: RecordKind, _ id: Int, by principal: Principal, in session: Records)
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
        guard let record = try await read({ try await $0.record(id, as: F.self) }) else {
            throw CoordinatorError.notFound(F.kind.noun, id)
        }
        return record
    }

    public func records<F: InventoryFields>(_ type: F.Type, after: Int?, limit: Int, by principal: Principal)
        async throws -> Page<Record<F>>
    {
        try Access.readAll(principal)
        let items = try await read { try await $0.records(F.self, after: after, limit: limit + 1) }
        return Page(items, limit: limit, id: \.id)
    }

    /// Names of records by id, for a list that shows many (a queue's customers and requesters).
    public func names(_ kind: RecordKind, ids: some Collection<Int>, by principal: Principal) async throws -> [Int: String] {
        try Access.readAll(principal)
        let unique = Array(Set(ids))
        guard !unique.isEmpty else { return [:] }
        return try await read { try await $0.names(kind, ids: unique) }
    }

    private func check<F: InventoryFields>(_ fields: F, in session: Records) async throws {
        try fields.validate()
        for (kind, id, field) in fields.references where !(try await session.exists(kind, id)) {
            throw CoordinatorError.invalid(field, "\(kind.noun) \(id) does not exist")
        }
    }
}

extension Inventory {
    /// A host by id, or by its name when that is unique.
    public func hostId(named reference: String) async throws -> Int {
        if let id = Int(reference) {
            guard try await read({ try await $0.exists(.host, id) }) else {
                throw CoordinatorError.notFound("host", id)
            }
            return id
        }
        var matches: [Int] = []
        var after: Int?
        while true {
            let start = after
            let page = try await read { try await $0.records(HostFields.self, after: start, limit: 500) }
            matches += page.filter { $0.fields.name == reference }.map(\.id)
            guard page.count == 500 else { break }
            after = page.last?.id
        }
        switch matches.count {
        case 1: return matches[0]
        case 0: throw CoordinatorError(.notFound, "no host is named \(reference)")
        default: throw CoordinatorError(.conflict, "\(matches.count) hosts are named \(reference): give the id")
        }
    }
}
