// Micro benchmarks (ordo-one/benchmark): the agent's output parsers in lines per second and one
// automatic assignment decision on a populated SQLite store. Run by Benchmarks/run.sh through
// `swift package benchmark --scale`: the parsers' throughput is in lines per second (one
// iteration parses 1 000 lines, the scaling factor), the assignment's in decisions per second.
// TRIAGE_MICRO_QUICK=1 (Benchmarks/run.sh --quick) makes every benchmark a short smoke run.
import Benchmark
import BenchmarkSupport
import Foundation
import TriageChecks
import TriageCoordinator
import TriageDomain
import TriageStorage

/// Local-check lines as the disk, network and services plugins print them, and a few shapes more
/// (cached, quoted items, P status, long output): 1 000 lines per parse.
let localCheckOutput = (0..<125).map { index in
    """
    0 "fs /srv/data\(index)" used=\(index % 90)%;80;90;0;100 \(index % 90)% space used (76.0 GiB free of 252.0 GiB)
    0 "inodes /srv/data\(index)" used=3%;80;90;0;100 3% inode used (16295342 of 16777216 inodes free)
    1 if_eth\(index) errors=0.02;0.01;0.05|rx=1234567c|tx=7654321c error ratio 0.02 above 0.01\\nrx 1234567 tx 7654321
    P "time sync" offset=0.004;0.1;0.5 synchronized (systemd-timesyncd)
    cached(1700000000,300) 0 smart_sda - SMART overall-health PASSED
    2 gateway rtt=U gateway 10.0.0.1 does not answer
    0 services units=212;;;0 212 units loaded, none failed
    3 dns - no name resolves: example.org
    """
}.joined(separator: "\n")

/// What check_disk prints: a first line with perfdata, long output, more perfdata after a later
/// `|`; each iteration parses 250 of these (1 000 lines), as an agent does per plugin run.
let nagiosOutput = """
    DISK OK - free space: / 78012 MiB (31% inode=97%); /srv 1022 MiB (12% inode=99%);| /=173936MiB;209715;235929;0;262144 /srv=7168MiB;7372;8294;0;8192
    / 78012 MiB free of 251948 MiB
    /srv 1022 MiB free of 8190 MiB | /boot=120MiB;400;450;0;500
    /var=2048MiB;7000;7500;0;8000
    """

let quick = ProcessInfo.processInfo.environment["TRIAGE_MICRO_QUICK"] != nil
let duration: Duration = quick ? .milliseconds(300) : .seconds(3)

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal], scalingFactor: .kilo,
        maxDuration: duration, maxIterations: quick ? 20 : 100_000)
    precondition(localCheckOutput.split(separator: "\n").count == 1_000 && nagiosOutput.split(separator: "\n").count == 4)

    Benchmark("local-check parser (lines)") { _ in
        blackHole(LocalCheckParser.parse(plugin: "disk", output: localCheckOutput))
    }
    Benchmark("Nagios output parser (lines)") { _ in
        for _ in 0..<250 {
            blackHole(NagiosOutputParser.parse(plugin: "check_disk", item: "disk", exitCode: 0, output: nagiosOutput))
        }
    }

    // One decision: assignAutomatically on an open ticket — the roster, workloads and continuity
    // read from SQLite, the ranking, the reassignment and its events written in one transaction.
    let fixture = AssignmentFixture()
    Benchmark(
        "assignment decision, 200 technicians, 5 000 open tickets",
        configuration: .init(
            metrics: [.wallClock, .throughput], scalingFactor: .one, maxDuration: duration,
            maxIterations: quick ? 20 : 100_000),
        closure: { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try await fixture.decide())
            }
        },
        setup: { try await fixture.build() },
        teardown: { try await fixture.close() })
}

/// A SQLite store with 200 technicians (tiers, skills, shifts around the clock) and 5 000 open
/// tickets assigned among them; `decide` reassigns a random open ticket.
final class AssignmentFixture: @unchecked Sendable {
    private var store: SQLiteStore?
    private var folder = ""
    private var coordinator: Coordinator?
    private let admin = Principal(tokenId: 1, name: "bench", role: .admin)
    private let tickets = 5_000

    func build() async throws {
        let (store, folder) = try await Bench.freshStore("micro-assignment")
        let coordinator = Coordinator(store: store)
        let skills = ["network", "storage", "linux", "windows", "mail", "database"]
        let always = (1...7).map { TechnicianFields.Shift(weekday: $0, start: "00:00", end: "24:00") }
        let admin = self.admin
        let tickets = self.tickets
        try await store.write { session in
            let customer = try await coordinator.inventory.create(CustomerFields(name: "Acme"), by: admin, in: session).id
            var technicians: [Int] = []
            for index in 0..<200 {
                let fields = TechnicianFields(
                    name: "Tech \(index)", tier: index % 3 + 1, skills: [skills[index % skills.count]],
                    timeZone: "UTC", shifts: always, maxLoad: 1_000)
                technicians.append(try await coordinator.inventory.create(fields, by: admin, in: session).id)
            }
            for index in 0..<tickets {
                _ = try await coordinator.tickets.create(
                    TicketInput(
                        title: "Open \(index)", severity: index % 4 + 1, customerId: customer,
                        assigneeId: technicians[(index * 7919) % technicians.count]),
                    by: admin, in: session)
            }
        }
        (self.store, self.folder, self.coordinator) = (store, folder, coordinator)
    }

    func decide() async throws -> Int? {
        guard let store, let coordinator else { return nil }
        let id = Int.random(in: 1...tickets)
        let admin = self.admin
        return try await store.write { session in
            try await coordinator.dispatch.assign(ticket: id, by: admin, in: session).assigneeId
        }
    }

    func close() async throws {
        try await store?.close()
        try? FileManager.default.removeItem(atPath: folder)
    }
}
