import Foundation
import Testing
import TriageModel

@testable import TriageDomain
@testable import TriageStorage

/// Reads are read-only transactions, and a page holding a snapshot sees one moment however many
/// rooms it asks (SQLite here; PostgreSQL when TRIAGE_TEST_POSTGRES is set).
@Suite struct ReadSnapshotTests {
    static let admin = Principal(tokenId: 1, name: "root", role: .admin)

    @Test func aSnapshotDoesNotSeeWhatCommitsWhileItIsHeld() async throws {
        try await TestCoordinator.with { t in
            let c = t.coordinator
            let id = try await c.write { tx in
                try await c.tickets.create(
                    TicketInput(title: "Printer jams", severity: 3, customerId: t.customerId), by: Self.admin, in: tx)
            }.id
            let (inside, again) = try await c.snapshot {
                let first = try await c.tickets.ticket(id, by: Self.admin)
                // Another request changes the ticket and commits meanwhile.
                try await Task {
                    var patch = TicketPatch()
                    patch.title = "Printer fixed"
                    _ = try await c.write { [patch] tx in try await c.tickets.update(id, patch, by: Self.admin, in: tx) }
                }.value
                let events = try await c.tickets.events(ofTicket: id, after: nil, limit: 100, by: Self.admin).items
                return (try await c.tickets.ticket(id, by: Self.admin), (first, events))
            }
            #expect(inside.title == "Printer jams" && again.0.title == "Printer jams", "the snapshot saw a later commit")
            #expect(!again.1.contains { if case .updated? = $0.entry { true } else { false } }, "its history is of the same moment")
            #expect(try await c.tickets.ticket(id, by: Self.admin).title == "Printer fixed")
        }
    }

    @Test func aWriteInsideAReadFails() async throws {
        try await TestCoordinator.with { t in
            let now = Date()
            await #expect(throws: (any Error).self) {
                _ = try await t.store.read { try await $0.acquireLease("sneaked", holder: "read", now: now, until: now + 60) }
            }
            // The lease was not taken: a write can have it.
            let taken = try await t.store.write { try await $0.acquireLease("sneaked", holder: "write", now: now, until: now + 60) }
            let takenAgain = try await t.store.write { try await $0.acquireLease("sneaked", holder: "read", now: now, until: now + 60) }
            #expect(taken && !takenAgain)
        }
    }
}
