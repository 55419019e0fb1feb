import BenchmarkSupport
import Foundation
import TriageCoordinator
import TriageDomain
import TriageModel
import TriageStorage

// Visit proposals (issue 7): GET /tickets/{id}/visit-slots over 200 technicians and two weeks,
// each technician with a visit booked every working day, on SQLite. The goal is under 50 ms.
// Run by Benchmarks/visits.sh on the release build; prints a Markdown table.

let technicianCount = Bench.option("--technicians", 200)
let requests = Bench.option("--requests", 200)
let days = Bench.option("--days", 14)

/// Wednesday 2026-11-18 11:06 UTC; the searches start on Monday 2026-11-23.
let now = Date(timeIntervalSince1970: 1_795_000_000)
let monday = Date(timeIntervalSince1970: 1_795_392_000)
let admin = Principal(tokenId: 1, name: "bench", role: .admin)
let (store, folder) = try await Bench.freshStore("visits")
defer { try? FileManager.default.removeItem(atPath: folder) }
var policy = VisitPolicy()
policy.regionTravelMinutes = ["north": ["south": 90, "east": 60, "west": 75], "south": ["east": 45, "west": 120], "east": ["west": 150]]
let coordinator = Coordinator(store: store, visits: policy, clock: { now })

let regions = ["north", "south", "east", "west"]
let skillPool = ["network", "storage", "linux", "windows"]
let zones = ["Europe/Berlin", "Europe/London"]
let office = (1...5).map { TechnicianFields.Shift(weekday: $0, start: "08:00", end: "17:00") }
let opening = (1...6).map { SiteFields.OpeningHours(weekday: $0, opens: "07:00", closes: "19:00") }

let (tickets, technicians) = try await store.write { session -> ([Int], [Int]) in
    let customer = try await coordinator.inventory.create(CustomerFields(name: "Acme"), by: admin, in: session)
    var hosts: [Int] = []
    for index in 0..<40 {
        var site = SiteFields(
            customerId: customer.id, name: "Site \(index)", region: regions[index % regions.count],
            timeZone: "Europe/Berlin")
        site.openingHours = opening
        let siteId = try await coordinator.inventory.create(site, by: admin, in: session).id
        hosts.append(try await coordinator.inventory.create(HostFields(siteId: siteId, name: "host\(index)"), by: admin, in: session).id)
    }
    var technicians: [Int] = []
    for index in 0..<technicianCount {
        let fields = TechnicianFields(
            name: "Tech \(index)", skills: [skillPool[index % skillPool.count]],
            region: regions[index % regions.count], timeZone: zones[index % zones.count], shifts: office)
        technicians.append(try await coordinator.inventory.create(fields, by: admin, in: session).id)
    }
    var tickets: [Int] = []
    for index in 0..<hosts.count {
        tickets.append(
            try await coordinator.tickets.create(
                TicketInput(
                    title: "Visit \(index)", severity: 4, hostId: hosts[index], assigneeId: technicians[0],
                    requiredSkills: index % 2 == 0 ? [] : [skillPool[index % skillPool.count]]),
                by: admin, in: session
            ).id)
    }
    return (tickets, technicians)
}

// A visit for every technician on every working day of the window, at a site of the technician's choosing.
var booked = 0
let bookingBegan = ContinuousClock.now
for (index, technician) in technicians.enumerated() {
    for day in 0..<days {
        let start = monday.addingTimeInterval(Double(day) * 86_400 + 9 * 3600 + Double(index % 4) * 1800)
        let booking = VisitBooking(
            ticketId: tickets[(index + day) % tickets.count], technicianId: technician,
            start: start, end: start.addingTimeInterval(5400))
        do {
            _ = try await store.write { try await coordinator.visits.book(booking, by: admin, in: $0) }
            booked += 1
        } catch {}  // weekends and skills leave some out
    }
}
let bookingMs = Bench.seconds(since: bookingBegan) * 1000 / Double(max(booked, 1))

var durations: [Double] = []
var proposed = 0
for index in 0..<requests {
    let began = ContinuousClock.now
    let slots = try await coordinator.visits.slots(
        ticket: tickets[index % tickets.count], from: monday, days: days, minutes: 120,
        limit: 20, by: admin)
    durations.append(Bench.seconds(since: began) * 1000)
    proposed += slots.count
}
try await store.close()
let sorted = durations.sorted()
func percentile(_ p: Double) -> Double { Bench.percentile(sorted, p) }

print(
    """
    \(technicianCount) technicians (office hours in Berlin and London), 40 sites in 4 regions with a travel matrix, \
    \(booked) booked visits over \(days) days, SQLite WAL; \(requests) proposal requests for a 2-hour visit, 20 slots each \
    (\(proposed / max(requests, 1)) returned on average).

    | measure | p50 ms | p99 ms | max ms |
    |---|---|---|---|
    | GET /tickets/{id}/visit-slots (\(days) days × \(technicianCount) technicians) | \(String(format: "%.2f", percentile(0.5))) | \(String(format: "%.2f", percentile(0.99))) | \(String(format: "%.2f", sorted.last ?? 0)) |
    | POST /visits (all constraints re-checked in the transaction), mean | \(String(format: "%.2f", bookingMs)) | | |
    """)
