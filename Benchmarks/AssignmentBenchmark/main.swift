import BenchmarkSupport
import Foundation
import TriageCoordinator
import TriageDomain
import TriageStorage

// Assignment decisions per second on SQLite with 1 000 technicians and 100 000 open tickets
// (issue 5). Run by Benchmarks/assignment.sh on the release build; prints a Markdown table.

let technicianCount = Bench.option("--technicians", 1_000)
let openTickets = Bench.option("--tickets", 100_000)
let decisions = Bench.option("--decisions", 500)

/// Wednesday 2026-11-18 10:00 UTC: office hours in Europe, night in Tokyo and New York.
let start = Date(timeIntervalSince1970: 1_795_000_000 - 4_000)
final class Clock: @unchecked Sendable {
    private let lock = NSLock()
    private var now = start
    func read() -> Date { lock.withLock { now } }
    func tick() { lock.withLock { now += 0.001 } }
}
let clock = Clock()
let admin = Principal(tokenId: 1, name: "bench", role: .admin)
let (store, folder) = try await Bench.freshStore("assignment")
defer { try? FileManager.default.removeItem(atPath: folder) }
let coordinator = Coordinator(store: store, clock: clock.read)

var random = SystemRandomNumberGenerator()
let skillPool = ["network", "storage", "linux", "windows", "mail", "database"]
let zones = ["Europe/Berlin", "Europe/London", "America/New_York", "Asia/Tokyo", "UTC"]
let office = (1...5).map { TechnicianFields.Shift(weekday: $0, start: "08:00", end: "17:00") }
let roundTheClock = (1...7).map { TechnicianFields.Shift(weekday: $0, start: "00:00", end: "24:00") }

let setupBegan = ContinuousClock.now
let (customers, technicians) = try await store.write { session -> ([Int], [Int]) in
    var customers: [Int] = []
    for index in 0..<200 {
        customers.append(try await coordinator.inventory.create(CustomerFields(name: "Customer \(index)"), by: admin, in: session).id)
    }
    var technicians: [Int] = []
    for index in 0..<technicianCount {
        var skills = Set([skillPool[index % skillPool.count]])
        if index % 3 == 0 { skills.insert(skillPool[(index / 3) % skillPool.count]) }
        let fields = TechnicianFields(
            name: "Tech \(index)", tier: index % 10 < 6 ? 1 : index % 10 < 9 ? 2 : 3, skills: skills.sorted(),
            timeZone: zones[index % zones.count], shifts: index % 7 == 0 ? roundTheClock : office,
            maxLoad: 400)
        technicians.append(try await coordinator.inventory.create(fields, by: admin, in: session).id)
    }
    return (customers, technicians)
}
// The open tickets, spread over the technicians (named assignees: no decision is made for them).
let batch = 5_000
for first in stride(from: 0, to: openTickets, by: batch) {
    let count = min(batch, openTickets - first)
    try await store.write { session in
        for index in first..<(first + count) {
            _ = try await coordinator.tickets.create(
                TicketInput(
                    title: "Open \(index)", severity: index % 4 + 1, customerId: customers[index % customers.count],
                    assigneeId: technicians[(index * 7919) % technicians.count]),
                by: admin, in: session)
        }
    }
}
let setup = Bench.seconds(since: setupBegan)

/// Times `decisions` runs of `body`; returns decisions/s, p50 and p99 in ms, and how many assigned.
func measure(_ body: (Int) async throws -> Bool) async throws -> (rate: Double, p50: Double, p99: Double, assigned: Int) {
    var durations: [Double] = []
    var assigned = 0
    let began = ContinuousClock.now
    for index in 0..<decisions {
        clock.tick()
        let one = ContinuousClock.now
        if try await body(index) { assigned += 1 }
        durations.append(Bench.seconds(since: one) * 1000)
    }
    let total = Bench.seconds(since: began)
    durations.sort()
    return (Double(decisions) / total, Bench.percentile(durations, 0.5), Bench.percentile(durations, 0.99), assigned)
}

// 1. New tickets: each creation runs assignment over all technicians and stores the outcome.
let created = try await measure { index in
    let skills = [skillPool[Int.random(in: 0..<skillPool.count, using: &random)]]
    return try await store.write { session in
        try await coordinator.tickets.create(
            TicketInput(
                title: "New \(index)", severity: index % 4 + 1, tier: index % 3 + 1,
                customerId: customers[index % customers.count], requiredSkills: skills),
            by: admin, in: session
        ).assigneeId != nil
    }
}
// 2. POST /tickets/{id}/assign on existing open tickets: the same decision, plus the reassignment.
let reassigned = try await measure { index in
    let id = Int.random(in: 1...openTickets, using: &random)
    return try await store.write { session in
        try await coordinator.dispatch.assign(ticket: id, by: admin, in: session).assigneeId != nil
    }
}
try await store.close()

func row(_ name: String, _ r: (rate: Double, p50: Double, p99: Double, assigned: Int)) -> String {
    "| \(name) | \(String(format: "%.0f", r.rate)) | \(String(format: "%.2f", r.p50)) | \(String(format: "%.2f", r.p99)) | \(r.assigned) of \(decisions) |"
}
print(
    """
    \(technicianCount) technicians, \(openTickets) open tickets, \(decisions) decisions per row, SQLite WAL (synchronous=NORMAL); setup \(String(format: "%.1f", setup)) s.

    | decision | decisions/s | p50 ms | p99 ms | assigned |
    |---|---|---|---|---|
    \(row("create a ticket (assignment + insert + events)", created))
    \(row("POST /tickets/{id}/assign on an open ticket", reassigned))
    """)
