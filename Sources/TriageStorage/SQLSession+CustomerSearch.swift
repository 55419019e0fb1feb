import Foundation
import SQLKit
import TriageDomain
import TriageModel

extension SQLSession {
    func customers(matching text: String, limit: Int) async throws -> [Customer] {
        let needle = "%" + text.lowercased().replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "") + "%"
        // A number as callers say it ("0170 …", "0049 170 …") matches one stored with its country
        // code ("+49 170 …"): the trunk and international prefixes' zeros are left out.
        let digits = String(ContactFields.digits(text).drop { $0 == "0" })
        var ids: Set<Int> = []
        let lower = { (column: String, table: String) in SQLFunction("lower", args: SQLColumn(column, table: table)) }
        let own = db.select().column("id").from("customers").where { group in
            group.where(lower("name", "customers"), .like, SQLBind(needle)).orWhere(
                lower("contact_email", "customers"), .like, SQLBind(needle))
            if digits.count >= 3 { group.orWhere("phone_digits", .like, SQLBind("%\(digits)%")) }
            return group
        }
        ids.formUnion(try await own.limit(limit).all(decodingColumn: "id", as: Int.self))
        let contacts = db.select().column("customer_id").from("contacts").where { group in
            group.where(lower("name", "contacts"), .like, SQLBind(needle)).orWhere(lower("email", "contacts"), .like, SQLBind(needle))
            if digits.count >= 3 { group.orWhere("phone_digits", .like, SQLBind("%\(digits)%")) }
            return group
        }
        ids.formUnion(try await contacts.limit(limit).all(decodingColumn: "customer_id", as: Int.self))
        ids.formUnion(
            try await db.select().column(SQLColumn("customer_id", table: "sites")).from("hosts")
                .join("sites", on: SQLColumn("site_id", table: "hosts"), .equal, SQLColumn("id", table: "sites"))
                .where(lower("name", "hosts"), .like, SQLBind(needle)).limit(limit).all(decodingColumn: "customer_id", as: Int.self))
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

    func sites(ofCustomer id: Int) async throws -> [Record<SiteFields>] {
        try await db.select().column("*").from("sites").where("customer_id", .equal, id).orderBy("name").orderBy("id").all().map(
            Self.record)
    }

    func hosts(ofSite id: Int) async throws -> [Record<HostFields>] {
        try await db.select().column("*").from("hosts").where("site_id", .equal, id).orderBy("name").orderBy("id").all().map(Self.record)
    }
}
