import Foundation
import SQLKit
import TriageDomain

/// A session's database, for the benchmarks that compare the store with plain SQL.
package protocol RawSQL { var db: any SQLDatabase { get } }

/// The store's operations in SQL that SQLite and PostgreSQL both speak.
struct SQLSession: StoreSession, RawSQL {
    let db: any SQLDatabase

    static func table(_ kind: RecordKind) -> String {
        switch kind {
        case .customer: "customers"
        case .contact: "contacts"
        case .site: "sites"
        case .host: "hosts"
        case .technician: "technicians"
        }
    }

    // MARK: Inventory

    func insert<F: InventoryFields>(_ fields: F, at: Date) async throws -> Record<F> {
        let values = fields.storedValues + [("created_at", .time(at)), ("updated_at", .time(at))]
        let id = try await db.insert(into: Self.table(F.kind))
            .columns(values.map(\.0))
            .values(values.map(\.1.sql))
            .returning("id")
            .first(decodingColumn: "id", as: Int.self)
        guard let id else { throw CoordinatorError(.storage, "insert into \(Self.table(F.kind)) returned no id") }
        try await changed(F.kind)
        try await index(fields, id: id)
        return Record(id: id, fields: fields, createdAt: at, updatedAt: at)
    }

    func replace<F: InventoryFields>(_ id: Int, with fields: F, at: Date) async throws -> Record<F>? {
        var update = db.update(Self.table(F.kind))
        for (column, value) in fields.storedValues + [("updated_at", .time(at))] {
            update = update.set(SQLIdentifier(column), to: value.sql)
        }
        try await update.where("id", .equal, id).run()
        try await changed(F.kind)
        guard let record = try await record(id, as: F.self) else { return nil }
        try await index(fields, id: id)
        if let site = fields as? SiteFields { try await moveHosts(ofSite: id, toCustomer: site.customerId) }
        return record
    }

    func record<F: InventoryFields>(_ id: Int, as type: F.Type) async throws -> Record<F>? {
        try await db.select().column("*").from(Self.table(F.kind)).where("id", .equal, id).first()
            .map(Self.record)
    }

    func records<F: InventoryFields>(_ type: F.Type, after: Int?, limit: Int) async throws -> [Record<F>] {
        let query = db.select().column("*").from(Self.table(F.kind))
        if let after { query.where("id", .greaterThan, after) }
        return try await query.orderBy("id").limit(limit).all().map(Self.record)
    }

    static func record<F: InventoryFields>(_ row: any SQLRow) throws -> Record<F> {
        let stored = SQLStoredRow(row: row)
        return Record(
            id: try stored.required(stored.int("id"), "id"),
            fields: try F(stored: stored),
            createdAt: try stored.required(stored.time("created_at"), "created_at"),
            updatedAt: try stored.required(stored.time("updated_at"), "updated_at"))
    }

    func exists(_ kind: RecordKind, _ id: Int) async throws -> Bool {
        try await db.select().column("id").from(Self.table(kind)).where("id", .equal, id).first() != nil
    }

    func names(_ kind: RecordKind, ids: [Int]) async throws -> [Int: String] {
        var names: [Int: String] = [:]
        for chunk in ids.chunked(by: 500) {
            for row in try await db.select().columns("id", "name").from(Self.table(kind)).where("id", .in, Array(chunk)).all() {
                names[try row.decode(column: "id", as: Int.self)] = try row.decode(column: "name", as: String.self)
            }
        }
        return names
    }

    func dependents(of kind: RecordKind, _ id: Int) async throws -> [String] {
        let referrers: [(table: String, column: String, noun: String)] =
            switch kind {
            case .customer:
                [("sites", "customer_id", "sites"), ("contacts", "customer_id", "contacts"), ("tickets", "customer_id", "tickets")]
            case .contact: []
            case .site: [("hosts", "site_id", "hosts"), ("visits", "site_id", "visits")]
            case .host: [("tickets", "host_id", "tickets"), ("tokens", "host_id", "agent tokens")]
            case .technician:
                [
                    ("tickets", "assignee_id", "tickets"), ("visits", "technician_id", "visits"),
                    ("tokens", "technician_id", "tokens"), ("users", "technician_id", "accounts"),
                ]
            }
        var found: [String] = []
        for referrer in referrers {
            let count =
                try await db.select()
                .column(SQLFunction("count", args: SQLLiteral.all), as: "n")
                .from(referrer.table).where(SQLIdentifier(referrer.column), .equal, SQLBind(id))
                .first(decodingColumn: "n", as: Int.self) ?? 0
            if count > 0 { found.append("\(count) \(referrer.noun)") }
        }
        if kind == .customer || kind == .site {
            let scoped = try await tokens().filter { token in
                guard token.revokedAt == nil, let scope = token.scope else { return false }
                return (kind == .customer ? scope.customers : scope.sites).contains(id)
            }
            if !scoped.isEmpty {
                found.append(
                    "the scope of collector token" + (scoped.count == 1 ? " " : "s ")
                        + scoped.map { "\($0.id) (\($0.name))" }.joined(separator: ", "))
            }
        }
        return found
    }

    func delete(_ kind: RecordKind, _ id: Int) async throws -> Bool {
        guard try await exists(kind, id) else { return false }
        try await db.delete(from: Self.table(kind)).where("id", .equal, id).run()
        try await changed(kind)
        if let searched = SearchKind(rawValue: kind.rawValue) { try await unindex(searched, id) }
        return true
    }
}
