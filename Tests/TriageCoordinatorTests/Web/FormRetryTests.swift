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

/// A refused form comes back as it was filled in — never a password — with each problem next to
/// its field: a ticket's escalation, a new account on the people page, one's own password.
/// (The new ticket and the inventory forms are driven in Chromium: DeskFormsBrowserTests.)
@Suite struct FormRetryTests {
    typealias Visitor = BoardTests.Visitor

    @Test func refusedFormsKeepWhatWasTypedAndSayWhatIsWrongWhereItIs() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                let ticket = try await client.post("/api/v1/tickets", #"{"title": "VPN drops every hour"}"#).id
                var admin = Visitor(client: client.client)
                try await admin.logIn(t.accounts[.admin]!)
                _ = try await admin.get("/board")

                // An escalation to the lead whose reason is only spaces (the browser's `required` lets it through).
                let escalation = try await admin.post(
                    "/board/tickets/\(ticket)/escalate", [("to", "lead"), ("reason", "   "), ("csrf", admin.csrf)])
                #expect(escalation.status == .unprocessableContent)
                #expect(escalation.html.contains(#"id="escalate-error">must not be empty"#), "\(escalation.html)")
                #expect(escalation.html.contains(#"<input type="radio" name="to" value="lead" checked>"#), "the lead stays chosen")
                #expect(escalation.html.contains(#"aria-describedby="escalate-error""#))

                // A new account naming a technician record that does not exist: the rest stays typed, the password does not.
                let people = try await admin.post(
                    "/board/users",
                    [
                        ("login", "nadia"), ("displayName", "Nadia N."), ("email", "nadia@example.net"),
                        ("role", "technician"), ("technicianId", "999"),
                        ("password", "nadia's first password"), ("csrf", admin.csrf),
                    ])
                #expect(people.status == .unprocessableContent)
                #expect(people.html.contains(#"id="user-technician-error">technician 999 does not exist"#), "\(people.html)")
                for kept in [
                    #"name="login" type="text" autocapitalize="none" spellcheck="false" required value="nadia""#,
                    #"value="Nadia N.""#, #"value="nadia@example.net""#, #"<option value="technician" selected>"#, #"value="999""#,
                ] {
                    #expect(people.html.contains(kept), "\(kept)")
                }
                #expect(!people.html.contains("nadia's first password"), "a password is never shown again")

                // A site with a blank name and a time zone that does not exist: both said, each next to its field.
                let site = try await admin.post(
                    "/board/inventory/site",
                    [
                        ("customerId", "\(t.customerId)"), ("name", "  "), ("address", "Hauptstr 5"),
                        ("timeZone", "Mars/Olympus"), ("csrf", admin.csrf),
                    ])
                #expect(site.status == .unprocessableContent)
                #expect(site.html.contains(#"id="new-site-name-error">must not be empty"#), "\(site.html)")
                #expect(site.html.contains(#"id="new-site-timeZone-error""#) && site.html.contains(#"value="Hauptstr 5""#))

                // One's own password: the wrong current one is said next to that field.
                let password = try await admin.post(
                    "/board/account/password",
                    [
                        ("current", "not it"), ("password", "a brand new password"),
                        ("confirm", "a brand new password"), ("csrf", admin.csrf),
                    ])
                #expect(password.status == .unprocessableContent)
                #expect(password.html.contains(#"id="current-error">is not your current password"#), "\(password.html)")
                #expect(!password.html.contains("a brand new password"))
            }
        }
    }
}
