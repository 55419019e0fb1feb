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

/// My work: a technician's open tickets by urgency, what others did on them since they last
/// looked (once), and their visits; an account that speaks for no technician gets 403.
@Suite struct MyWorkPageTests {
    typealias Visitor = BoardTests.Visitor

    @Test func aTechnicianSeesTheirTicketsByUrgencyAndWhatIsNewOnce() async throws {
        try await TestCoordinator.with { t in
            let (tessAccount, tess, otto) = (t.accounts[.technician]!, t.technicianId, t.otherTechnicianId)
            try await t.test { client in
                let calm = try await client.post("/api/v1/tickets", #"{"title": "Calm one", "severity": 4, "assigneeId": \#(tess)}"#).id
                let urgent = try await client.post("/api/v1/tickets", #"{"title": "Urgent one", "severity": 1, "assigneeId": \#(tess)}"#).id
                let theirs = try await client.post("/api/v1/tickets", #"{"title": "Otto's", "severity": 1, "assigneeId": \#(otto)}"#).id
                var visitor = Visitor(client: client.client)
                try await visitor.logIn(tessAccount)
                _ = try await visitor.get("/board/my")  // reads what opening them said
                _ = try await client.post("/api/v1/tickets/\(calm)/comments", #"{"body": "The customer called back"}"#)
                _ = try await client.post("/api/v1/tickets/\(theirs)/comments", #"{"body": "not for Tess"}"#)
                _ = try await visitor.get("/board/tickets/\(urgent)")
                _ = try await visitor.post(
                    "/board/tickets/\(urgent)/comments", [("body", "on it"), ("visibility", "internal"), ("csrf", visitor.csrf)])

                let page = try await visitor.get("/board/my")
                #expect(page.status == .ok)
                let html = page.html
                let first = try #require(html.range(of: #"id="ticket-\#(urgent)""#))
                let second = try #require(html.range(of: #"id="ticket-\#(calm)""#))
                #expect(first.lowerBound < second.lowerBound, "the S1 comes first")
                #expect(!html.contains(#"id="ticket-\#(theirs)""#))
                #expect(html.contains("#\(calm) Calm one</a>: <b>comment</b> by <span class=\"actor\">admin:root</span>"))
                #expect(
                    !html.contains("not for Tess") && !html.contains("by <span class=\"actor\">technician:tess</span>"),
                    "own doings are not news")
                #expect(try await visitor.get("/board/my").html.contains("Nothing new since you last looked."), "read once shown")
            }
        }
    }

    @Test func anAccountWithoutATechnicianGets403() async throws {
        try await TestCoordinator.with { t in
            let dora = t.accounts[.dispatcher]!
            try await t.test { client in
                var visitor = Visitor(client: client.client)
                try await visitor.logIn(dora)
                let page = try await visitor.get("/board/my")
                #expect(page.status == .forbidden && page.html.contains("speaks for no technician"))
            }
        }
    }
}
