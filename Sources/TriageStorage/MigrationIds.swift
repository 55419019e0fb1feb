import SQLKit
import TriageDomain

/// Migration 11: ids are never reused. SQLite gives a row without AUTOINCREMENT the largest id
/// plus one, so deleting the newest customer and adding one handed its id to the new one — and
/// with it whatever still named the old id (a collector token's scope, an account's technician).
/// Each SQLite table with an `id` key is rebuilt with AUTOINCREMENT (SQLite's documented way to
/// change a table: a copy under a new name, the old dropped, the copy renamed, its indexes made
/// again), keeping every row and id. PostgreSQL's sequences never hand out an id twice already.
enum MigrationIds {
    static let key = #""id" INTEGER PRIMARY KEY"#

    @Sendable static func apply(_ db: any SQLDatabase) async throws {
        guard db.dialect.name == "sqlite" else { return }
        let tables = try await db.raw("SELECT name, sql FROM sqlite_master WHERE type = 'table'").all()
            .map { (try $0.decode(column: "name", as: String.self), try $0.decode(column: "sql", as: String.self)) }
        for (name, sql) in tables where sql.contains(key + ",") {
            let indexes = try await db.raw(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = \(bind: name) AND sql IS NOT NULL"
            )
            .all().map { try $0.decode(column: "sql", as: String.self) }
            let copy = name + "_rebuilt"
            guard let open = sql.firstIndex(of: "(") else { throw CoordinatorError(.storage, "cannot read the schema of \(name)") }
            let columns = sql[open...].replacingOccurrences(of: key + ",", with: key + " AUTOINCREMENT,")
            try await db.raw("CREATE TABLE \(ident: copy) \(unsafeRaw: String(columns))").run()
            try await db.raw("INSERT INTO \(ident: copy) SELECT * FROM \(ident: name)").run()
            try await db.raw("DROP TABLE \(ident: name)").run()
            try await db.raw("ALTER TABLE \(ident: copy) RENAME TO \(ident: name)").run()
            for index in indexes { try await db.raw(SQLQueryString(index)).run() }
        }
    }
}

/// Migration 12: a customer is found by its own main phone number (its digits, as contacts are)
/// and email, not only by its contacts'.
enum MigrationCustomerPhone {
    @Sendable static func apply(_ db: any SQLDatabase) async throws {
        try await db.alter(table: "customers").column("phone_digits", type: .text).run()
        try await db.create(index: "customers_phone_digits").on("customers").column("phone_digits").run()
        let phones = try await db.select().columns("id", "contact_phone").from("customers").where("contact_phone", .isNot, SQLLiteral.null)
            .all()
        for row in phones {
            let (id, phone) = (try row.decode(column: "id", as: Int.self), try row.decode(column: "contact_phone", as: String.self))
            try await db.update("customers").set("phone_digits", to: ContactFields.digits(phone)).where("id", .equal, id).run()
        }
    }
}
