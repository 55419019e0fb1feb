import Foundation
import HTTPTypes
import Testing

@testable import TriageAPI
@testable import TriageBoard
@testable import TriageCoordinator
@testable import TriageDomain
@testable import TriageEdge
@testable import TriageMailTransport
@testable import TriageStorage

/// The search box over a real store (SQLite's FTS5, or PostgreSQL's full-text search when the
/// tests run there): what each kind of record is found by, ranking, highlighting, and that the
/// index follows every write.
@Suite struct SearchTests {
    typealias Visitor = BoardTests.Visitor

    @Test func wordsFromMailNotesTitlesAndPartiesFindTheirTickets() async throws {
        try await TestCoordinator.with(mail: MailFixture.policy) { t in
            let yuki = try await t.withMailgate()
            try await t.test { client in
                let raw = MailFixture.message(
                    from: "Yuki Tanaka <yuki@acme.example>", subject: "Scanner stopped", body: "Hello,\nthe Kyocera jams on every page.\n")
                let mailed = try #require(try await client.mail(raw, sender: "yuki@acme.example").json["ticketId"] as? Int)
                let followUp = MailFixture.message(
                    from: "Yuki Tanaka <yuki@acme.example>", subject: "Re: [Triage #\(mailed)] Scanner stopped",
                    body: "It is the one in the second floor Besprechungsraum.\n")
                #expect(try await client.mail(followUp).json["outcome"] as? String == "appended")
                let titled = try await client.post("/api/v1/tickets", #"{"title": "Kyocera toner empty", "severity": 3}"#).id
                let noted = try await client.post("/api/v1/tickets", #"{"title": "Laptop for the new hire", "severity": 4}"#).id
                #expect(
                    try await client.post(
                        "/api/v1/tickets/\(noted)/comments",
                        #"{"body": "Ordered from Bechtle, arrives Thursday", "visibility": "internal"}"#
                    )
                    .status == .created)
                let hosted = try await client.post(
                    "/api/v1/tickets", #"{"title": "Disk full", "severity": 2, "hostId": \#(t.hostId)}"#
                ).id

                // A word from the body of the customer's mail, typed as its start, with other case and accents.
                var found = try await client.get("/api/v1/search?q=besprechungs").json
                var tickets = try #require(found["tickets"] as? [[String: Any]])
                #expect(tickets.map { ($0["ticket"] as? [String: Any])?["id"] as? Int } == [mailed])
                #expect(tickets.first?["matchedIn"] as? String == "mail from Yuki Tanaka")
                let runs = try #require((tickets.first?["snippet"] as? [String: Any])?["runs"] as? [[String: Any]])
                #expect(runs.filter { $0["matched"] as? Bool == true }.map { $0["text"] as? String } == ["Besprechungsraum"])

                // Two words must both match; the title outranks the message.
                found = try await client.get("/api/v1/search?q=KYOCERA").json
                tickets = try #require(found["tickets"] as? [[String: Any]])
                #expect(Set(tickets.compactMap { ($0["ticket"] as? [String: Any])?["id"] as? Int }) == [mailed, titled])
                #expect((tickets.first?["ticket"] as? [String: Any])?["id"] as? Int == titled, "a title match ranks first")
                found = try await client.get("/api/v1/search?q=kyocera%20toner").json
                #expect((found["tickets"] as? [[String: Any]])?.count == 1)

                // An internal note's words, and the number of a ticket.
                found = try await client.get("/api/v1/search?q=bechtle").json
                #expect(((found["tickets"] as? [[String: Any]])?.first?["ticket"] as? [String: Any])?["id"] as? Int == noted)
                #expect(((found["tickets"] as? [[String: Any]])?.first?["matchedIn"] as? String) == "internal note")
                found = try await client.get("/api/v1/search?q=%23\(hosted)").json
                #expect(((found["tickets"] as? [[String: Any]])?.first?["matchedIn"] as? String) == "ticket number")

                // A phone number as a caller says it, without the country code: the contact and her ticket.
                found = try await client.get("/api/v1/search?q=03%201234-5678").json
                let parties = try #require(found["parties"] as? [[String: Any]])
                #expect(parties.map { $0["id"] as? Int } == [yuki] && parties.first?["kind"] as? String == "contact")
                #expect(((found["tickets"] as? [[String: Any]])?.first?["ticket"] as? [String: Any])?["id"] as? Int == mailed)
                #expect(((found["tickets"] as? [[String: Any]])?.first?["matchedIn"] as? String) == "requester Yuki Tanaka")

                // A host's name finds the host and its ticket.
                found = try await client.get("/api/v1/search?q=web1").json
                #expect((found["parties"] as? [[String: Any]])?.contains { $0["kind"] as? String == "host" } == true)
                #expect(((found["tickets"] as? [[String: Any]])?.first?["ticket"] as? [String: Any])?["id"] as? Int == hosted)

                // The index follows changes: a new title, a renamed contact, a deleted customer's contact.
                #expect(try await client.patch("/api/v1/tickets/\(titled)", #"{"title": "Ricoh toner empty"}"#).status == .ok)
                found = try await client.get("/api/v1/search?q=ricoh").json
                #expect(((found["tickets"] as? [[String: Any]])?.first?["ticket"] as? [String: Any])?["id"] as? Int == titled)
                found = try await client.get("/api/v1/search?q=kyocera").json
                #expect((found["tickets"] as? [[String: Any]])?.count == 1)
                #expect(
                    try await client.send(.put, "/api/v1/contacts/\(yuki)", json: #"{"name": "Yuki Sato", "customerId": \#(t.customerId)}"#)
                        .status == .ok)
                #expect(((try await client.get("/api/v1/search?q=tanaka").json["parties"] as? [[String: Any]]) ?? []).isEmpty)
                #expect(((try await client.get("/api/v1/search?q=sato").json["parties"] as? [[String: Any]]) ?? []).count == 1)
                #expect(try await client.send(.delete, "/api/v1/contacts/\(yuki)").status == .noContent)
                #expect(((try await client.get("/api/v1/search?q=sato").json["parties"] as? [[String: Any]]) ?? []).isEmpty)

                // Bad input: nothing to look for; and who may not.
                #expect(try await client.get("/api/v1/search?q=%20").status == .unprocessableContent)
                #expect(try await client.get("/api/v1/search").status == .unprocessableContent)
                #expect(try await client.get("/api/v1/search?q=x", as: .mailgate).status == .forbidden)
                #expect(try await client.get("/api/v1/search?q=x", as: nil).status == .unauthorized)
                // FTS5's own syntax is only words to it.
                #expect(try await client.get("/api/v1/search?q=%22a%22%20OR%20NEAR(*").status == .ok)
            }
        }
    }

    @Test func theHeaderBoxShowsMarkedMatchesAndSpacesWork() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                let id = try await client.post(
                    "/api/v1/tickets", #"{"title": "Printer on floor 2 offline", "description": "The <b>printer</b> says PC LOAD LETTER"}"#
                ).id
                var visitor = Visitor(client: client.client)
                try await visitor.logIn(t.accounts[.dispatcher]!)
                let board = try await visitor.get("/board")
                #expect(board.html.contains(#"action="/board/search""#) && board.html.contains(#"data-key="/""#))
                // As the form sends it: spaces as +.
                let page = try await visitor.get("/board/search?q=printer+floor")
                #expect(page.status == .ok)
                #expect(page.html.contains(#"id="hit-\#(id)""#))
                #expect(page.html.contains("<mark>Printer</mark> on <mark>floor</mark>"))
                #expect(page.html.contains("&lt;b&gt;<mark>printer</mark>&lt;/b&gt;"), "the text is escaped, the marks are not")
                #expect(page.html.contains(#"value="printer floor""#), "the box keeps the words")
                let none = try await visitor.get("/board/search?q=scanner")
                #expect(none.status == .ok && none.html.contains("Nothing matches"))
                #expect(try await visitor.get("/board/search").html.contains("Type words to look for"))
            }
        }
    }

    @Test func aDatabaseFromBeforeTheIndexIsIndexedWhenItMigrates() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                let id = try await client.post("/api/v1/tickets", #"{"title": "Fax machine beeps", "customerId": \#(t.customerId)}"#).id
                #expect(
                    try await client.post("/api/v1/tickets/\(id)/comments", #"{"body": "Replaced the Zebra label printer"}"#).status
                        == .created)
                // As migration 13 left it: no index, no step 14 in the ledger.
                try await t.store.write { session in
                    let db = (session as! SQLSession).db
                    for table in ["ticket_fts", "message_fts", "party_fts", "search_docs"] {
                        try await db.raw("DROP TABLE \(ident: table)").run()
                    }
                    try await db.raw("DELETE FROM schema_migrations WHERE version = 14").run()
                }
                #expect(try await t.store.migrate() == [14])
                for (words, kind) in [("zebra", "tickets"), ("fax", "tickets"), ("acme", "parties"), ("web1", "parties")] {
                    let found = try await client.get("/api/v1/search?q=\(words)").json[kind] as? [[String: Any]] ?? []
                    #expect(!found.isEmpty, "\(words) is found after the migration")
                }
            }
        }
    }

    @Test func theSnippetCutsAroundTheFirstMatchAtWordBoundaries() {
        let text =
            String(repeating: "lorem ipsum ", count: 40) + "the Zürich office router reboots " + String(repeating: "dolor ", count: 60)
        let snippet = SearchSnippet(text, query: SearchQuery("zurich"))
        #expect(snippet.runs.first?.text == "…" && snippet.runs.last?.text == "…")
        #expect(snippet.runs.filter(\.matched).map(\.text) == ["Zürich"])
        #expect(snippet.text.count <= 230 && !snippet.text.contains("  "))
        #expect(SearchQuery("+49 (170) 123-4567").terms == ["491701234567"])
        #expect(SearchQuery("0170 123 4567").terms == ["1701234567"])
        #expect(SearchWords.phone("+49 170 1234567").contains("1701234567"))
        #expect(SearchQuery("Café  café CAFE").terms == ["cafe"])
    }
}
