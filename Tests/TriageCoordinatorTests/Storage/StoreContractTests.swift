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

/// What every store must do, checked on a real SQLite file and, when TRIAGE_TEST_POSTGRES is set,
/// on a real PostgreSQL database (TestDatabase).
@Suite struct StoreContractTests {
    /// A migrated store, closed after `body` however it ends (sqlite-nio traps on a connection
    /// that is never closed).
    static func withStore(_ body: (TempFolder, any TriageStore) async throws -> Void) async throws {
        let folder = try TempFolder()
        let database = try TestDatabase()
        defer { database.drop() }
        let store = try await database.open(in: folder)
        do {
            try await body(folder, store)
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }

    static let at = Date(timeIntervalSince1970: 1_795_000_000.123)

    @Test func migrationsApplyOnceAndRefuseANewerSchema() async throws {
        let folder = try TempFolder()
        let database = try TestDatabase()
        defer { database.drop() }
        var configuration = CoordinatorConfiguration()
        configuration.database = database.url ?? folder.path + "/t.db"
        let store: any TriageStore =
            switch try configuration.databaseLocation() {
            case .sqlite(let path): try await SQLiteStore.open(path: path, logger: TestCoordinator.logger)
            case .postgres(let url): try await PostgresStore.open(url: url, logger: TestCoordinator.logger)
            }
        #expect(try await store.migrate() == Array(1...18))
        #expect(try await store.migrate() == [])

        // A database written by a newer triage: refuse rather than guess.
        let future = "insert into schema_migrations values (99,'future',0)"
        if TestDatabase.isPostgres {
            try database.sql(future)
        } else {
            let sqlite = try Shell.run(
                "/usr/bin/env",
                ["python3", "-c", "import sqlite3; c=sqlite3.connect('\(folder.path)/t.db'); c.execute(\"\(future)\"); c.commit()"])
            #expect(sqlite.status == 0, "\(sqlite.stderr)")
        }
        let error = await #expect(throws: CoordinatorError.self) { try await store.migrate() }
        #expect(error?.message.contains("schema version 99") == true)
        try await store.close()
    }

    @Test(.enabled(if: !TestDatabase.isPostgres, "SQLite only"))
    func theDatabaseIsInWALModeAndTheWALGoesAwayOnClose() async throws {
        try await Self.withStore { folder, store in
            _ = try await store.write { try await $0.insert(CustomerFields(name: "Acme"), at: Self.at) }
            #expect(FileManager.default.fileExists(atPath: folder.path + "/t.db-wal"))
            try await store.close()
            #expect(!FileManager.default.fileExists(atPath: folder.path + "/t.db-wal"))
            let mode = try Shell.run(
                "/usr/bin/env",
                [
                    "python3", "-c",
                    "import sqlite3; print(sqlite3.connect('\(folder.path)/t.db').execute('pragma journal_mode').fetchone()[0])",
                ])
            #expect(mode.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "wal")
        }
    }

    @Test func inventoryRoundTripsEveryField() async throws {
        try await Self.withStore { _, store in
            var technician = TechnicianFields(
                name: "Tess", tier: 3, skills: ["linux", "storage"], region: "north",
                timeZone: "Europe/Berlin",
                shifts: [.init(weekday: 1, start: "08:00", end: "16:30")], maxLoad: 7)
            technician.absences = [.init(from: Self.at, to: Self.at + 86_400, reason: "training")]
            technician.email = "tess@example.net"
            let fields = technician
            let stored = try await store.write { try await $0.insert(fields, at: Self.at) }
            let read = try await store.read { try await $0.record(stored.id, as: TechnicianFields.self) }
            #expect(read?.fields == fields)
            #expect(read?.createdAt == Self.at)

            var host = HostFields(siteId: 4, name: "web1", address: "root@web1:2222", tags: ["dmz"], criticality: .high)
            host.vendorServices = [.init(service: "oracle", vendor: "Oracle")]
            host.pluginParams = ["disk": ["warn": "80"]]
            let original = host
            let hostRecord = try await store.write { try await $0.insert(original, at: Self.at) }
            host.name = "web1.example"
            let renamed = host
            let replaced = try await store.write { try await $0.replace(hostRecord.id, with: renamed, at: Self.at + 5) }
            #expect(replaced?.fields == renamed)
            #expect(replaced?.updatedAt == Self.at + 5)
            #expect(replaced?.createdAt == Self.at)
        }
    }

    @Test func recordsPageInIdOrderAndDependentsBlockDeletes() async throws {
        try await Self.withStore { _, store in
            let customers = try await store.write { session in
                var ids: [Int] = []
                for name in ["a", "b", "c", "d", "e"] { ids.append(try await session.insert(CustomerFields(name: name), at: Self.at).id) }
                return ids
            }
            let firstPage = try await store.read { try await $0.records(CustomerFields.self, after: nil, limit: 2) }
            let nextPage = try await store.read { try await $0.records(CustomerFields.self, after: firstPage.last!.id, limit: 2) }
            #expect(firstPage.map(\.fields.name) == ["a", "b"])
            #expect(nextPage.map(\.fields.name) == ["c", "d"])

            _ = try await store.write { try await $0.insert(SiteFields(customerId: customers[0], name: "HQ"), at: Self.at) }
            #expect(try await store.read { try await $0.dependents(of: .customer, customers[0]) } == ["1 sites"])
            #expect(try await store.read { try await $0.dependents(of: .customer, customers[1]) } == [])
            #expect(try await store.write { try await $0.delete(.customer, customers[1]) })
            #expect(try await store.write { try await $0.delete(.customer, customers[1]) } == false)
        }
    }

    @Test func ticketsFilterNewestFirstAndEventsKeepTheirOrder() async throws {
        try await Self.withStore { _, store in
            @Sendable func ticket(_ title: String, severity: Int, status: TicketStatus, onsite: Bool = false) -> Ticket {
                Ticket(
                    id: 0, title: title, description: "", customerId: 1, hostId: nil, severity: severity, tier: 1,
                    status: status, channel: .phone, assigneeId: status == .assigned ? 5 : nil, tags: ["mail"],
                    requiredSkills: [], responseDueAt: Self.at + 900, resolveDueAt: Self.at + 14_400,
                    responseWarnAt: Self.at + 675, resolveWarnAt: Self.at + 10_800,
                    firstResponseAt: nil, resolvedAt: nil, closedAt: nil,
                    flags: TicketFlags(onsite: onsite, onsiteReasons: onsite ? ["disk failed"] : []),
                    dedupeKey: nil, createdBy: .person(.admin, "root"), createdAt: Self.at, updatedAt: Self.at)
            }
            let ids = try await store.write { session in
                [
                    try await session.insertTicket(ticket("Mail down", severity: 1, status: .new)).id,
                    try await session.insertTicket(ticket("Printer 100% jammed", severity: 3, status: .assigned)).id,
                    try await session.insertTicket(ticket("MAIL slow", severity: 2, status: .new, onsite: true)).id,
                ]
            }
            func titles(_ configure: (inout TicketFilter) -> Void, before: Int? = nil) async throws -> [String] {
                var filter = TicketFilter()
                configure(&filter)
                let chosen = filter
                return try await store.read { try await $0.tickets(chosen, before: before, limit: 10) }.map(\.title)
            }
            #expect(try await titles { _ in } == ["MAIL slow", "Printer 100% jammed", "Mail down"])
            #expect(try await titles { $0.text = "mail" } == ["MAIL slow", "Mail down"])
            #expect(try await titles { $0.text = "100%" } == ["Printer 100% jammed"])
            #expect(try await titles { $0.text = "0%" } == ["Printer 100% jammed"])
            #expect(try await titles { $0.text = "%" } == ["Printer 100% jammed"])
            #expect(
                try await titles {
                    $0.statuses = [.new]
                    $0.severity = 1
                } == ["Mail down"])
            #expect(try await titles { $0.onsite = true } == ["MAIL slow"])
            #expect(try await titles { $0.assigneeId = 5 } == ["Printer 100% jammed"])
            #expect(try await titles({ _ in }, before: ids[2]) == ["Printer 100% jammed", "Mail down"])

            var stored = try #require(try await store.read { try await $0.ticket(ids[2]) })
            #expect(stored.flags.onsiteReasons == ["disk failed"] && stored.createdAt == Self.at)
            stored.status = .resolved
            stored.resolvedAt = Self.at + 60
            stored.flags.vendorCase = VendorCase(vendor: "Dell", externalRef: "SR-1", status: "open")
            let changed = stored
            try await store.write { try await $0.updateTicket(changed) }
            #expect(try await store.read { try await $0.ticket(ids[2]) } == changed)
            #expect(try await store.read { try await $0.ticketCountsByStatus(TicketFilter()) } == [.new: 1, .assigned: 1, .resolved: 1])

            try await store.write { session in
                for index in 0..<5 {
                    _ = try await session.appendEvents(
                        ticketId: ids[0], at: Self.at + Double(index),
                        [StoredEntry(kind: .comment, actor: .person(.admin, "root"), data: ["n": JSONValue(index)])])
                }
            }
            let events = try await store.read { try await $0.events(ticketId: ids[0], after: nil, limit: 3) }
            #expect(events.map { $0.data["n"] } == [0, 1, 2])
            let rest = try await store.read { try await $0.events(ticketId: ids[0], after: events.last!.id, limit: 3) }
            #expect(rest.map { $0.data["n"] } == [3, 4])

            // One append of more rows than one statement binds keeps their order and numbers them.
            let many = (0..<160).map {
                StoredEntry(kind: $0 % 2 == 0 ? .comment : .flagged, actor: .system(.health), data: ["n": JSONValue($0)])
            }
            let written = try await store.write { try await $0.appendEvents(ticketId: ids[1], at: Self.at, many) }
            #expect(written.map { $0.data["n"] } == many.map { $0.data["n"] } && written.map(\.id) == written.map(\.id).sorted())
            let read = try await store.read { try await $0.events(ticketId: ids[1], after: nil, limit: 500) }
            #expect(read == written)
            let flagged = try await store.read { try await $0.events(ticketIds: [ids[0], ids[1]], kinds: [.flagged]) }
            #expect(flagged.count == 80 && flagged.allSatisfy { $0.kind == .flagged && $0.ticketId == ids[1] })
            let comments = try await store.read { try await $0.events(ticketIds: [ids[0], ids[1]], kinds: [.comment, .created]) }
            #expect(comments.count == 85 && comments.map(\.id) == comments.map(\.id).sorted())
            #expect(try await store.read { try await $0.tickets(ids: [ids[2], 999_999, ids[0]]) }.map(\.id) == [ids[0], ids[2]])
        }
    }

    @Test func aFailedWriteLeavesNothingBehind() async throws {
        try await Self.withStore { _, store in
            await #expect(throws: CoordinatorError.self) {
                try await store.write { session in
                    _ = try await session.insert(CustomerFields(name: "half"), at: Self.at)
                    throw CoordinatorError(.conflict, "changed my mind")
                }
            }
            let remaining = try await store.read { try await $0.records(CustomerFields.self, after: nil, limit: 10) }
            #expect(remaining.isEmpty)
        }
    }

    @Test func concurrentWritesAreSerialisedAndAllCommitted() async throws {
        try await Self.withStore { _, store in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        try await store.write { session in
                            let customer = try await session.insert(CustomerFields(name: "c\(index)"), at: Self.at)
                            _ = try await session.insert(SiteFields(customerId: customer.id, name: "s\(index)"), at: Self.at)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let sites = try await store.read { try await $0.records(SiteFields.self, after: nil, limit: 500) }
            #expect(sites.count == 200)
            // Every site points at the customer created in the same transaction.
            let customers = try await store.read { try await $0.records(CustomerFields.self, after: nil, limit: 500) }
            let names = Dictionary(uniqueKeysWithValues: customers.map { ($0.id, $0.fields.name) })
            #expect(sites.allSatisfy { names[$0.fields.customerId] == "c" + $0.fields.name.dropFirst() })
        }
    }

    /// Forty writes that each read one ticket and write it back changed: none may be lost. On
    /// PostgreSQL they collide (serialization failures), run again, and the ones that keep losing
    /// run alone; on SQLite they queue for the one writer.
    @Test func readModifyWritesOfOneRowAreNeverLost() async throws {
        try await Self.withStore { _, store in
            let id = try await store.write { session in
                try await session.insertTicket(
                    Ticket(
                        id: 0, title: "counter", description: "", customerId: nil, hostId: nil, severity: 3, tier: 1,
                        status: .new, channel: .phone, assigneeId: nil, tags: [], requiredSkills: [],
                        responseDueAt: Self.at + 900, resolveDueAt: Self.at + 14_400, responseWarnAt: Self.at + 675,
                        resolveWarnAt: Self.at + 10_800,
                        firstResponseAt: nil, resolvedAt: nil, closedAt: nil, flags: TicketFlags(onsite: false, onsiteReasons: []),
                        dedupeKey: nil, createdBy: .system(.health), createdAt: Self.at, updatedAt: Self.at)
                ).id
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        try await store.write { session in
                            var ticket = try #require(try await session.ticket(id))
                            ticket.description += "x"
                            try await session.updateTicket(ticket)
                            _ = try await session.appendEvents(
                                ticketId: id, at: Self.at,
                                [StoredEntry(kind: .comment, actor: .person(.admin, "root"), data: ["n": JSONValue(index)])])
                        }
                    }
                }
                try await group.waitForAll()
            }
            let (ticket, events) = try await store.read { session in
                (try await session.ticket(id), try await session.events(ticketId: id, after: nil, limit: 100))
            }
            #expect(ticket?.description == String(repeating: "x", count: 40))
            #expect(events.count == 40)
            if let postgres = store as? PostgresStore {
                #expect(postgres.writeRetries > 0, "forty concurrent read-modify-writes of one row never collided")
            }
        }
    }

    @Test func tokensAreFoundByHashAndIdempotencyRecordsByTokenAndKey() async throws {
        try await Self.withStore { _, store in
            let token = try await store.write {
                try await $0.insertToken(NewToken(name: "a", role: .agent, hostId: 3, technicianId: nil, hash: "h1", createdAt: Self.at))
            }
            #expect(try await store.read { try await $0.token(hash: "h1") } == token)
            #expect(try await store.read { try await $0.token(hash: "nope") } == nil)
            #expect(try await store.write { try await $0.revokeToken(token.id, at: Self.at + 1) })
            #expect(try await store.read { try await $0.token(hash: "h1") }?.revokedAt == Self.at + 1)
            #expect(try await store.write { try await $0.revokeToken(999, at: Self.at) } == false)

            let saved = SavedResponse(
                tokenId: token.id, key: "k", requestHash: "abc", status: 201, body: "{}",
                location: "/api/v1/tickets/1", createdAt: Self.at)
            try await store.write { try await $0.saveResponse(saved) }
            #expect(try await store.read { try await $0.savedResponse(tokenId: token.id, key: "k") } == saved)
            #expect(try await store.read { try await $0.savedResponse(tokenId: token.id + 1, key: "k") } == nil)
        }
    }

    @Test func usersSessionsFailuresAndOneTimeCodes() async throws {
        try await Self.withStore { _, store in
            let draft = User(
                id: 0, login: "dora", displayName: "Dora", email: "dora@example.com", role: .dispatcher, technicianId: nil,
                active: true, totpEnabled: false, passwordChangedAt: nil, createdAt: Self.at, updatedAt: Self.at)
            let dora = try await store.write { try await $0.insertUser(draft) }
            let other = try await store.write {
                try await $0.insertUser(
                    User(
                        id: 0, login: "otto", displayName: "Otto", email: nil, role: .admin,
                        technicianId: nil, active: true, totpEnabled: false,
                        passwordChangedAt: nil, createdAt: Self.at, updatedAt: Self.at))
            }
            #expect(dora.id > 0 && dora.id != other.id)
            #expect(try await store.read { try await $0.user(login: "dora") } == dora)
            #expect(try await store.read { try await $0.userCount() } == 2)
            await #expect(throws: (any Error).self, "logins are unique") {
                try await store.write { try await $0.insertUser(draft) }
            }
            #expect(try await store.read { try await $0.passwordHash(userId: dora.id) } == nil)
            try await store.write { try await $0.setPasswordHash("$2b$04$hash", userId: dora.id, at: Self.at + 5) }
            #expect(try await store.read { try await $0.passwordHash(userId: dora.id) } == "$2b$04$hash")
            var disabled = try #require(try await store.read { try await $0.user(id: dora.id) })
            #expect(disabled.passwordChangedAt == Self.at + 5)
            disabled.active = false
            let changed = disabled
            try await store.write { try await $0.updateUser(changed) }
            #expect(try await store.read { try await $0.users() }.map(\.active) == [false, true])

            // Sessions: found until they expire; ended one by one, per user (but one), or swept.
            for (hash, user, seconds) in [("s1", dora.id, 60.0), ("s2", dora.id, 10), ("s3", dora.id, 60), ("s4", other.id, 60)] {
                try await store.write {
                    try await $0.insertSession(secretHash: hash, userId: user, at: Self.at, expiresAt: Self.at + seconds)
                }
            }
            #expect(try await store.read { try await $0.sessionUser(secretHash: "s1", now: Self.at + 59) }?.id == dora.id)
            #expect(try await store.read { try await $0.sessionUser(secretHash: "s1", now: Self.at + 60) } == nil, "expired")
            try await store.write { try await $0.deleteSessions(expiredAt: Self.at + 10) }
            #expect(try await store.read { try await $0.sessionUser(secretHash: "s2", now: Self.at) } == nil, "swept")
            try await store.write { try await $0.deleteSessions(userId: dora.id, except: "s3") }
            #expect(try await store.read { try await $0.sessionUser(secretHash: "s1", now: Self.at) } == nil)
            #expect(try await store.read { try await $0.sessionUser(secretHash: "s3", now: Self.at) }?.id == dora.id)
            #expect(try await store.read { try await $0.sessionUser(secretHash: "s4", now: Self.at) }?.id == other.id)
            try await store.write { try await $0.deleteSession(secretHash: "s4") }
            #expect(try await store.read { try await $0.sessionUser(secretHash: "s4", now: Self.at) } == nil)

            let failures = LoginFailures(count: 6, since: Self.at, lockedUntil: Self.at + 60)
            try await store.write { try await $0.saveLoginFailures(failures, key: "pair:dora|10.0.0.1") }
            try await store.write { try await $0.saveLoginFailures(LoginFailures(count: 1, since: Self.at), key: "address:10.0.0.1") }
            try await store.write { try await $0.saveLoginFailures(failures, key: "pair:dora|10.0.0.1") }
            let read = try await store.read { try await $0.loginFailures(["pair:dora|10.0.0.1", "address:10.0.0.1", "address:other"]) }
            #expect(read == ["pair:dora|10.0.0.1": failures, "address:10.0.0.1": LoginFailures(count: 1, since: Self.at)])
            try await store.write { try await $0.deleteLoginFailures("pair:dora|10.0.0.1") }
            #expect(try await store.read { try await $0.loginFailures(["pair:dora|10.0.0.1"]) }.isEmpty)

            // One code per purpose; each works once, until it expires.
            try await store.write { try await $0.replaceOneTimeCodes(purpose: "setup", with: "c1", expiresAt: Self.at + 60) }
            try await store.write { try await $0.replaceOneTimeCodes(purpose: "setup", with: "c2", expiresAt: Self.at + 60) }
            #expect(
                try await store.write { try await $0.consumeOneTimeCode(hash: "c1", purpose: "setup", now: Self.at) } == false, "replaced")
            #expect(try await store.write { try await $0.consumeOneTimeCode(hash: "c2", purpose: "other", now: Self.at) } == false)
            #expect(
                try await store.write { try await $0.consumeOneTimeCode(hash: "c2", purpose: "setup", now: Self.at + 60) } == false,
                "expired")
            #expect(try await store.write { try await $0.consumeOneTimeCode(hash: "c2", purpose: "setup", now: Self.at) } == true)
            #expect(try await store.write { try await $0.consumeOneTimeCode(hash: "c2", purpose: "setup", now: Self.at) } == false, "once")
        }
    }
}
