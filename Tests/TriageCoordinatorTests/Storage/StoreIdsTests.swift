import Foundation
import TestSupport
import Testing
import TriageModel

@testable import TriageAPI
@testable import TriageBoard
@testable import TriageCoordinator
@testable import TriageDomain
@testable import TriageEdge
@testable import TriageMailTransport
@testable import TriageStorage

/// Ids are never reused, on either database: the newest record deleted and another made gets a
/// new id; a SQLite database from before migration 11 keeps its rows and stops reusing ids; every
/// SQLite table with an id key stays AUTOINCREMENT (sqlite-kit never writes it).
@Suite struct StoreIdsTests {
    @Test func idsAreNeverReusedAfterTheNewestRecordIsDeleted() async throws {
        try await StoreContractTests.withStore { _, store in
            for make in [
                { try await $0.insert(CustomerFields(name: "Acme"), at: StoreContractTests.at).id },
                { try await $0.insert(TechnicianFields(name: "Tess"), at: StoreContractTests.at).id },
            ] as [@Sendable (any StoreSession) async throws -> Int] {
                let first = try await store.write(make)
                let kind: RecordKind = try await store.read { try await $0.exists(.customer, first) } ? .customer : .technician
                #expect(try await store.write { try await $0.delete(kind, first) })
                let next = try await store.write(make)
                #expect(next > first, "\(kind.noun) \(first) deleted, the next one got \(next)")
            }
        }
    }

    /// sqlite-kit never writes AUTOINCREMENT: a table a later migration makes must add it itself.
    @Test(.enabled(if: !TestDatabase.isPostgres, "SQLite only"))
    func everySQLiteTableWithAnIdKeyIsAutoincrement() async throws {
        try await StoreContractTests.withStore { folder, _ in
            let tables = try Shell.run(
                "/usr/bin/env",
                [
                    "python3", "-c",
                    """
                    import sqlite3
                    for name, sql in sqlite3.connect('\(folder.path)/t.db').execute("select name, sql from sqlite_master where type = 'table'"):
                        if '"id" INTEGER PRIMARY KEY' in sql: print(name, 'AUTOINCREMENT' in sql)
                    """,
                ])
            let rows = tables.stdout.split(separator: "\n")
            #expect(rows.count >= 12 && rows.allSatisfy { $0.hasSuffix(" True") }, "\(tables.stdout)\(tables.stderr)")
        }
    }

    @Test(.enabled(if: !TestDatabase.isPostgres, "SQLite only: PostgreSQL's sequences never reused ids"))
    func aDatabaseFromBeforeKeepsItsRowsAndStopsReusingIds() async throws {
        try await StoreContractTests.withStore { folder, store in
            let ids = try await store.write { session in
                [
                    try await session.insert(CustomerFields(name: "Acme"), at: StoreContractTests.at).id,
                    try await session.insert(CustomerFields(name: "Beta"), at: StoreContractTests.at).id,
                ]
            }
            try await store.close()
            // As migration 10 left it: the plain INTEGER PRIMARY KEY, and no step 11 in the ledger.
            let downgrade = """
                import sqlite3
                c = sqlite3.connect('\(folder.path)/t.db')
                plain = c.execute("select sql from sqlite_master where name = 'customers'").fetchone()[0]
                c.execute(plain.replace(' AUTOINCREMENT', '').replace('"customers"', 'c10', 1))
                c.execute('insert into c10 select * from customers'); c.execute('drop table customers'); c.execute('alter table c10 rename to customers')
                c.execute('delete from schema_migrations where version = 11'); c.commit()
                print(c.execute("select sql from sqlite_master where name = 'customers'").fetchone()[0])
                """
            let before = try Shell.run("/usr/bin/env", ["python3", "-c", downgrade])
            #expect(before.status == 0 && !before.stdout.contains("AUTOINCREMENT"), "\(before.stderr)")
            let reopened = try await TestDatabase().open(in: folder)
            defer { Task { try? await reopened.close() } }
            let kept = try await reopened.read { try await $0.records(CustomerFields.self, after: nil, limit: 10) }
            #expect(kept.map(\.id) == ids && kept.map(\.fields.name) == ["Acme", "Beta"], "every row and id kept")
            #expect(try await reopened.write { try await $0.delete(.customer, ids[1]) })
            let next = try await reopened.write { try await $0.insert(CustomerFields(name: "Gamma"), at: StoreContractTests.at).id }
            #expect(next > ids[1])
            try await reopened.close()
        }
    }
}
