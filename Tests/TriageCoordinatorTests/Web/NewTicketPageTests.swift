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

/// Taking a call: the desk finds the customer by a contact's phone (however it is written), a
/// contact's email, the customer's or a host's name; reads the card (contacts, open and past
/// tickets with their SLA, hosts with their health and alerts, what each severity promises);
/// opens the ticket and reads whom assignment chose and why. A technician gets 403.
@Suite struct NewTicketPageTests {
    typealias Visitor = BoardTests.Visitor

    @Test func theDeskFindsTheCallerReadsTheCardAndOpensATicket() async throws {
        try await TestCoordinator.with { t in
            let (dora, customer, host, tess) = (t.accounts[.dispatcher]!, t.customerId, t.hostId, t.technicianId)
            try await t.test { client in
                #expect(
                    try await client.post(
                        "/api/v1/contacts",
                        #"{"customerId": \#(customer), "name": "Carla Caller", "phone": "+49 (30) 555-0142", "email": "carla@acme.example"}"#
                    ).status == .created)
                let bad = try await client.post(
                    "/api/v1/contacts", #"{"customerId": \#(customer), "name": "X", "email": "not an address"}"#)
                #expect(bad.status == .unprocessableContent && bad.errorMessage.contains("email"))
                let orphan = try await client.post("/api/v1/contacts", #"{"customerId": 99999, "name": "Nobody"}"#)
                #expect(orphan.status == .unprocessableContent && orphan.errorMessage.contains("customer 99999 does not exist"))
                let other = try await client.post("/api/v1/customers", #"{"name": "Globex"}"#).id
                let past = try await client.post("/api/v1/tickets", #"{"title": "Printer jam", "severity": 4, "customerId": \#(customer)}"#)
                    .id
                _ = try await client.patch("/api/v1/tickets/\(past)", #"{"status": "closed"}"#)
                let always = (1...7).map { #"{"weekday": \#($0), "start": "00:00", "end": "24:00"}"# }.joined(separator: ",")
                _ = try await client.send(
                    .put, "/api/v1/technicians/\(tess)", json: #"{"name": "Tess", "tier": 2, "shifts": [\#(always)]}"#)

                var desk = Visitor(client: client.client)
                try await desk.logIn(dora)
                for search in ["555 0142", "5550142", "030 555-0142", "0049 30 5550142", "CARLA@acme", "acme", "web1"] {
                    let page = try await desk.get(
                        "/board/tickets/new?q=\(search.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
                    #expect(
                        page.status == .ok && page.html.contains(#"id="customer-\#(customer)""#)
                            && !page.html.contains(#"id="customer-\#(other)""#),
                        "\(search)")
                }
                #expect(try await desk.get("/board/tickets/new?q=nobody%20here").html.contains("No customer matches."))
                let card = try await desk.get("/board/tickets/new?customer=\(customer)")
                #expect(card.html.contains("Carla Caller · +49 (30) 555-0142 · carla@acme.example"))
                #expect(card.html.contains("#\(past) Printer jam</a> · closed · met its SLA"))
                #expect(card.html.contains("S1: respond within 15 min, resolve within 4 h (24×7)"))
                #expect(card.html.contains(#"<option value="\#(host)">web1</option>"#))

                let opened = try await desk.post(
                    "/board/tickets",
                    [
                        ("customerId", "\(customer)"), ("title", "Mail server down"), ("severity", "1"),
                        ("channel", "phone"), ("hostId", "\(host)"), ("tags", "mail"), ("csrf", desk.csrf),
                    ])
                #expect(opened.status == .seeOther)
                let location = try #require(opened.location)
                let page = try await desk.get(location)
                #expect(page.html.contains("opened and assigned: Tess: tier 2 for a tier 1 ticket"), "the assignee and the reason")
                let id = try #require(Int(location.split(separator: "/").last?.split(separator: "?").first ?? ""))
                let ticket = try await client.get("/api/v1/tickets/\(id)").json
                #expect(
                    ticket["severity"] as? Int == 1 && ticket["channel"] as? String == "phone" && ticket["hostId"] as? Int == host
                        && ticket["createdBy"] as? String == "dispatcher:dora")

                let refused = try await desk.post("/board/tickets", [("title", "x"), ("hostId", "999999"), ("csrf", desk.csrf)])
                #expect(refused.status == .unprocessableContent && refused.html.contains("host 999999 does not exist"))
                #expect(try await desk.post("/board/tickets", [("title", "no token")]).status == .forbidden)
            }
        }
    }

    @Test func aTechnicianMayNotOpenTicketsHere() async throws {
        try await TestCoordinator.with { t in
            let tess = t.accounts[.technician]!
            try await t.test { client in
                let before = try await client.get("/api/v1/tickets").items.count
                var visitor = Visitor(client: client.client)
                try await visitor.logIn(tess)
                _ = try await visitor.get("/board")
                #expect(try await visitor.get("/board/tickets/new").status == .forbidden)
                #expect(try await visitor.post("/board/tickets", [("title", "mine now"), ("csrf", visitor.csrf)]).status == .forbidden)
                #expect(try await client.get("/api/v1/tickets").items.count == before)
            }
        }
    }
}
