import Foundation
import SQLKit
import TriageModel

extension SQLSession {
    func customers(matching text: String, limit: Int) async throws -> [Customer] {
        let needle = "%" + text.lowercased().replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "") + "%"
        let digits = ContactFields.digits(text)
        var ids: Set<Int> = []
        let lower = { (column: String, table: String) in SQLFunction("lower", args: SQLColumn(column, table: table)) }
        for row in try await db.select().column("id").from("customers").where(lower("name", "customers"), .like, SQLBind(needle)).limit(limit).all() {
            ids.insert(try SQLStoredRow(row: row).required(SQLStoredRow(row: row).int("id"), "id"))
        }
        let contacts = db.select().column("customer_id").from("contacts").where { group in
            group.where(lower("name", "contacts"), .like, SQLBind(needle)).orWhere(lower("email", "contacts"), .like, SQLBind(needle))
            if digits.count >= 3 { group.orWhere("phone_digits", .like, SQLBind("%\(digits)%")) }
            return group
        }
        for row in try await contacts.limit(limit).all() {
            ids.insert(try SQLStoredRow(row: row).required(SQLStoredRow(row: row).int("customer_id"), "customer_id"))
        }
        let hosts = try await db.select().column(SQLColumn("customer_id", table: "sites")).from("hosts")
            .join("sites", on: SQLColumn("site_id", table: "hosts"), .equal, SQLColumn("id", table: "sites"))
            .where(lower("name", "hosts"), .like, SQLBind(needle)).limit(limit).all()
        for row in hosts { ids.insert(try SQLStoredRow(row: row).required(SQLStoredRow(row: row).int("customer_id"), "customer_id")) }
        guard !ids.isEmpty else { return [] }
        return try await db.select().column("*").from("customers").where("id", .in, Array(ids)).orderBy("name").orderBy("id")
            .limit(limit).all().map(Self.record)
    }

    func contacts(ofCustomer id: Int) async throws -> [Contact] {
        try await db.select().column("*").from("contacts").where("customer_id", .equal, id).orderBy("name").orderBy("id").all()
            .map(Self.record)
    }

    func hosts(ofCustomer id: Int) async throws -> [Record<HostFields>] {
        try await db.select().column(SQLColumn(SQLLiteral.all, table: SQLIdentifier("hosts"))).from("hosts")
            .join("sites", on: SQLColumn("site_id", table: "hosts"), .equal, SQLColumn("id", table: "sites"))
            .where(SQLColumn("customer_id", table: "sites"), .equal, SQLBind(id)).orderBy(SQLColumn("name", table: "hosts")).all()
            .map(Self.record)
    }
}
