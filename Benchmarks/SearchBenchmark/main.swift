import BenchmarkSupport
import Foundation
import Logging
import SQLKit
import TriageCoordinator
import TriageDomain
import TriageModel
import TriageStorage

// The search box (issue 35, docs/search.md) over 100 000 tickets and 1 000 000 messages, on SQLite
// (FTS5) or PostgreSQL (--postgres URL: tsvector + GIN). The goal: every search under 100 ms.
// Beside it, the same words looked for the way a help desk without an index does (FreeScout and
// GLPI search with LIKE '%word%'): a scan of the same rows. Run by Benchmarks/search.sh on the
// release build; prints a Markdown table.

let ticketCount = Bench.option("--tickets", 100_000)
let messagesPerTicket = Bench.option("--messages-per-ticket", 10)
let rounds = Bench.option("--rounds", 40)
let postgres = CommandLine.arguments.firstIndex(of: "--postgres").map { CommandLine.arguments[$0 + 1] }

/// A fixed sequence of pseudo-random numbers (SplitMix64): every run writes the same data.
struct Dice {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    /// Skewed towards 0, as words in text are (a few very common, most rare).
    mutating func skewed(_ n: Int) -> Int {
        let u = Double(next() % 1_000_000) / 1_000_000
        return min(n - 1, Int(pow(Double(n), u)) - 1)
    }
}

let common = """
    the printer server network drive backup mail outlook password reset account locked vpn connection slow error screen \
    laptop monitor keyboard mouse scanner toner paper jam office wifi router switch firewall update windows linux disk \
    full space memory cpu load service restart crashed freezes login user share folder permission license install \
    please thanks hello regards urgent today tomorrow morning afternoon since yesterday again still working not cannot
    """.split(separator: " ").map(String.init)
let firstNames = "Anna Ben Clara David Emma Felix Greta Hannes Ida Jonas Klara Lena Max Nora Otto Paula Quinn Rosa Sven Tilda".split(
    separator: " ")
let lastNames = "Becker Schulz Hoffmann Koch Richter Wolf Neumann Schwarz Zimmermann Braun Krüger Hartmann Lange Werner Krause".split(
    separator: " ")
let rareCount = 20_000
func rare(_ index: Int) -> String { "q" + String(index, radix: 36) + "x" }

var dice = Dice(state: 35)
@MainActor func sentence(_ words: Int) -> String {
    (0..<words).map { _ in dice.below(4) == 0 ? rare(dice.skewed(rareCount)) : common[dice.skewed(common.count)] }.joined(separator: " ")
}

var logger = Logger(label: "bench")
logger.logLevel = .error
let store: any TriageStore
var folder: String?
if let postgres {
    store = try await PostgresStore.open(url: postgres, logger: logger)
    try await store.migrate()
} else {
    let fresh = try await Bench.freshStore("search")
    (store, folder) = (fresh.store, fresh.folder)
}
defer { if let folder { try? FileManager.default.removeItem(atPath: folder) } }
let admin = Principal(tokenId: 1, name: "bench", role: .admin)
let now = Date(timeIntervalSince1970: 1_795_000_000)
let coordinator = Coordinator(store: store, clock: { now })

// Parties: 2 000 customers with 5 contacts and 2 hosts each.
let fill = ContinuousClock.now
let customerCount = max(20, ticketCount / 50)
var contacts: [(id: Int, customer: Int, phone: String, name: String)] = []
var hosts: [(id: Int, customer: Int, name: String)] = []
for batch in stride(from: 0, to: customerCount, by: 200) {
    let made = try await store.write { session -> ([(Int, Int, String, String)], [(Int, Int, String)]) in
        var contacts: [(Int, Int, String, String)] = []
        var hosts: [(Int, Int, String)] = []
        for index in batch..<min(customerCount, batch + 200) {
            let customer = try await session.insert(CustomerFields(name: "Customer \(index) GmbH"), at: now)
            let site = try await session.insert(SiteFields(customerId: customer.id, name: "HQ \(index)"), at: now)
            for person in 0..<5 {
                let name = "\(firstNames[(index + person) % firstNames.count]) \(lastNames[(index * 5 + person) % lastNames.count])"
                let phone = "+49 30 \(1_000_000 + index * 5 + person)"
                let contact = try await session.insert(ContactFields(customerId: customer.id, name: name, phone: phone), at: now)
                contacts.append((contact.id, customer.id, phone, name))
            }
            for machine in 0..<2 {
                let host = try await session.insert(HostFields(siteId: site.id, name: "srv\(index)-\(machine)"), at: now)
                hosts.append((host.id, customer.id, host.fields.name))
            }
        }
        return (contacts, hosts)
    }
    contacts += made.0.map { (id: $0.0, customer: $0.1, phone: $0.2, name: $0.3) }
    hosts += made.1.map { (id: $0.0, customer: $0.1, name: $0.2) }
}

// Tickets, each with its messages: mail from the requester, replies and notes. Made outside the
// transaction (the dice are the main actor's), written a thousand at a time.
for batch in stride(from: 0, to: ticketCount, by: 1000) {
    var made: [(Ticket, [StoredEntry])] = []
    for _ in batch..<min(ticketCount, batch + 1000) {
        let contact = contacts[dice.below(contacts.count)]
        let host = dice.below(3) == 0 ? hosts[dice.below(hosts.count)] : nil
        let ticket = Ticket(
            id: 0, title: sentence(5), description: sentence(30), customerId: contact.customer, hostId: host?.id,
            severity: 1 + dice.below(4), tier: 1, status: dice.below(5) == 0 ? .new : .closed, channel: .email,
            assigneeId: nil, assignedAt: nil, tags: [], requiredSkills: [], responseDueAt: now, resolveDueAt: now,
            responseWarnAt: now, resolveWarnAt: now, firstResponseAt: nil, resolvedAt: nil, closedAt: nil, flags: TicketFlags(),
            dedupeKey: nil, createdBy: .system(.mail), createdAt: now, updatedAt: now, requesterId: contact.id, cc: [])
        var entries: [StoredEntry] = []
        for message in 0..<messagesPerTicket {
            let body = sentence(40)
            let data: JSONValue =
                message % 2 == 0
                ? .object([
                    "from": .string("user\(contact.id)@customer.example"), "fromName": .string(contact.name), "to": .array([]),
                    "cc": .array([]), "subject": .string(ticket.title), "body": .string(body), "attachments": .array([]),
                    "raw": .string("0"),
                ])
                : .object(["body": .string(body), "visibility": .string(message % 3 == 0 ? "internal" : "public")])
            entries.append(StoredEntry(kind: message % 2 == 0 ? .mailReceived : .comment, actor: .system(.mail), data: data))
        }
        made.append((ticket, entries))
    }
    try await store.write { [made] session in
        for (ticket, entries) in made {
            let stored = try await session.insertTicket(ticket)
            _ = try await session.appendEvents(ticketId: stored.id, at: now, entries)
        }
    }
}
let fillSeconds = Bench.seconds(since: fill)
// What autovacuum does after a load: the planner's statistics of the lexemes.
if postgres != nil { try await store.write { session in try await (session as! any RawSQL).db.raw("ANALYZE").run() } }

// The searches a desk makes, each kind `rounds` times with different words.
var kinds: [(String, [String])] = []
var pick = Dice(state: 7)
kinds.append(("a common word (in a third of all messages)", (0..<rounds).map { _ in common[pick.below(8)] }))
kinds.append(("a rare word", (0..<rounds).map { _ in rare(rareCount / 2 + pick.below(rareCount / 2)) }))
kinds.append(("two words", (0..<rounds).map { _ in "\(common[pick.below(20)]) \(rare(pick.below(200)))" }))
kinds.append(("the start of a word", (0..<rounds).map { _ in String(common[pick.below(common.count)].prefix(4)) }))
kinds.append(
    (
        "a phone number typed with spaces, no country code",
        (0..<rounds).map { _ in "030 " + contacts[pick.below(contacts.count)].phone.dropFirst(7).map(String.init).joined() }
    ))
kinds.append(("a requester's last name", (0..<rounds).map { _ in String(lastNames[pick.below(lastNames.count)]) }))
kinds.append(("a host's name", (0..<rounds).map { _ in hosts[pick.below(hosts.count)].name }))
// Between the common and the rare: too many matches to fetch them all, too few to find the newest
// 500 by reading the newest messages one by one.
kinds.append(("a less common word (in 0.1 to 1 % of messages)", (0..<rounds).map { _ in rare(100 + pick.below(900)) }))

func measure(_ queries: [String], _ body: (String) async throws -> Int) async throws -> (
    p50: Double, p99: Double, max: Double, hits: Double
) {
    var times: [Double] = []
    var hits = 0
    for query in queries {
        let begin = ContinuousClock.now
        hits += try await body(query)
        times.append(Bench.seconds(since: begin) * 1000)
    }
    times.sort()
    return (Bench.percentile(times, 0.5), Bench.percentile(times, 0.99), times.last ?? 0, Double(hits) / Double(queries.count))
}

/// Tickets whose title or a message's text holds `word` anywhere, as a LIKE search finds them: 50 at most.
func scan(_ db: any SQLDatabase, _ word: String) async throws -> Int {
    let pattern = "%\(word)%"
    let titles = try await db.raw("SELECT id FROM tickets WHERE lower(title) LIKE \(bind: pattern) LIMIT 50").all()
    let messages = try await db.raw(
        "SELECT DISTINCT ticket_id FROM ticket_events WHERE type IN ('comment', 'mail_received') AND lower(data) LIKE \(bind: pattern) LIMIT 50"
    ).all()
    return min(50, titles.count + messages.count)
}

let database = postgres == nil ? "SQLite (FTS5)" : "PostgreSQL 15 (tsvector, GIN)"
print(
    "\(ticketCount) tickets, \(ticketCount * messagesPerTicket) messages (mail, replies, notes; 40 words each), \(customerCount) customers, "
        + "\(contacts.count) contacts, \(hosts.count) hosts on \(database); written through the store with the index in "
        + String(format: "%.0f s. ", fillSeconds) + "\(rounds) searches of each kind, each the whole operation "
        + "(`TicketDesk.search`: the index, then the tickets, messages and parties it names, and the marked snippets).\n")
print("| search | p50 ms | p99 ms | max ms | tickets found (mean) | LIKE scan p50 ms | index vs scan |")
print("|---|---|---|---|---|---|---|")
var worst = 0.0
for (kind, queries) in kinds {
    let indexed = try await measure(queries) { try await coordinator.tickets.search($0, by: admin).tickets.count }
    worst = max(worst, indexed.max)
    // The scan: titles and message bodies containing the first word, as LIKE '%word%' finds them, 50 at most.
    let scanned = try await measure(Array(queries.prefix(3))) { text in
        try await store.read { session in try await scan((session as! any RawSQL).db, SearchWords.of(text).first ?? text) }
    }
    print(
        "| \(kind) | "
            + String(
                format: "%.2f | %.2f | %.2f | %.1f | %.0f | %.0f× |", indexed.p50, indexed.p99, indexed.max, indexed.hits, scanned.p50,
                scanned.p50 / max(indexed.p50, 0.001)))
}
print("\nThe slowest search took " + String(format: "%.1f ms", worst) + " (goal: under 100 ms).")
try await store.close()
