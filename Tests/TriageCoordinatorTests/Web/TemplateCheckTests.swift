import Foundation
import HTTPTypes
import Hummingbird
import Testing

@testable import TriageBoard
@testable import TriageCoordinator
@testable import TriageDomain

/// Templates against their view models: the checker finds a name a model lacks (which
/// swift-mustache renders as nothing), and every board template is rendered with its model.
@Suite struct TemplateCheckTests {
    struct Item {
        var name: String
        var note: String?
    }
    struct Model {
        var title: String
        var items: [Item]
        var owner: Owner?
        var open: Bool
    }
    struct Owner { var login: String }

    static let sources = [
        "list": "{{title}}{{#items}}{{name}} {{note}} {{title}}{{price}}{{/items}}{{^items}}none{{/items}}{{owner.login}}{{owner.email}}",
        "layout": "<title>{{$title}}Triage{{/title}}</title>{{#open}}{{title}}{{/open}}{{$body}}{{/body}}",
        "page": "{{<layout}}{{$title}}{{title}}{{/title}}{{$body}}{{>part}}{{/body}}{{/layout}}",
        "part": "{{! a comment }}{{{title}}}{{&absent}}",
    ]

    @Test func aNameNoObjectOnTheStackHasIsMissingWhereverItIs() {
        let check = TemplateCheck(sources: Self.sources)
        let full = check.check("list", Model(title: "t", items: [Item(name: "a", note: nil)], owner: Owner(login: "dora"), open: true))
        // `note` is nil but declared; `title` inside the section is found further down the stack.
        #expect(full.missing == ["list: price", "list: owner.email"])
        #expect(full.unchecked == ["list: ^items"])
        let empty = check.check("list", Model(title: "t", items: [], owner: nil, open: false))
        #expect(empty.missing.isEmpty, "nothing reached names price, and owner is nil: \(empty.missing)")
        #expect(empty.unchecked == ["list: #items"])
    }

    @Test func partialsAndParentsAreFollowedWithTheChildsBlocks() {
        let result = TemplateCheck(sources: Self.sources).check("page", Model(title: "t", items: [], owner: nil, open: true))
        #expect(result.missing == ["part: absent"])
        #expect(result.templates == ["page", "layout", "part"])
    }

    @Test func aTemplateThatDoesNotParseIsReported() {
        #expect(throws: TemplateCheck.ParseError.self) { try TemplateCheck.parse("{{#a}}{{/b}}") }
        #expect(
            TemplateCheck(sources: ["x": "{{#a}}"]).check("x", Model(title: "", items: [], owner: nil, open: false)).missing
                == ["x: the template does not parse"])
    }

    /// A page whose model lost a name answers 500 in a debug build, naming it, instead of a page
    /// with a hole in it.
    @Test func aBoardPageWithAModelMissingANameIsAnError() throws {
        struct Renamed {
            var chrome: String
            var csrf: String
            var pending: String
            var nextPage: String
        }
        let pages = try Pages()
        let renamed = Renamed(chrome: "", csrf: "c", pending: "p", nextPage: "/board")
        #expect(pages.render("code", renamed).status == .internalServerError)
        #expect(TemplateCheck(sources: pages.sources).check("code", renamed).missing.contains("code: next"))
    }

    /// Every template the board has is rendered with its model and checked: the pages through the
    /// router as a dispatcher, a technician and a stranger would see them; the second-factor and
    /// setup pages with their models directly.
    @Test func everyTemplateIsRenderedWithItsModel() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                let ticket = try await client.post(
                    "/api/v1/tickets", #"{"title": "Printer jams", "severity": 3, "customerId": 1, "hostId": 1}"#)
                let id = try #require(ticket.json["id"] as? Int)
                #expect(try await client.patch("/api/v1/tickets/\(id)", #"{"assigneeId": \#(t.technicianId)}"#).status == .ok)
                #expect(try await client.post("/api/v1/webhooks", #"{"url": "http://127.0.0.1:9/x"}"#).status == .created)
                var admin = BoardTests.Visitor(client: client.client)
                #expect(try await admin.get("/board/login").status == .ok)
                #expect(try await admin.logIn(t.accounts[.admin]!).status == .seeOther)
                for path in [
                    "/board", "/board/tickets/\(id)", "/board/tickets/new", "/board/queues", "/board/mail", "/board/users",
                    "/board/account", "/board/inventory", "/board/customers/1", "/board/sites/1", "/board/hosts/1",
                    "/board/technicians/\(t.technicianId)", "/board/notifications", "/board/webhooks", "/board/webhooks/1",
                    "/board/alerts",
                ] {
                    let page = try await admin.get(path)
                    #expect(page.status == .ok, "\(path): \(page.html.prefix(300))")
                }
                #expect(try await admin.get("/board/tickets/999999").status == .notFound)
                var tess = BoardTests.Visitor(client: client.client)
                #expect(try await tess.logIn(t.accounts[.technician]!).status == .seeOther)
                #expect(try await tess.get("/board/my").status == .ok)
            }
        }
        let clock = BoardClock(zone: .gmt, now: Date())
        let chrome = Chrome(session: nil, clock: clock)
        let pages = try Pages()
        #expect(pages.render("code", SignIn.CodePage(chrome: chrome, csrf: "c", pending: "p", next: "/board")).status == .ok)
        #expect(
            pages.render(
                "setup",
                SignIn.SetupPage(
                    chrome: chrome, csrf: "c", code: "K", login: "", displayName: "", email: "",
                    minimumLength: 12)
            ).status == .ok)
        let unseen = Set(pages.sources.keys).subtracting(TemplateCoverage.shared.templates)
        #expect(unseen.isEmpty, "never rendered: \(unseen.sorted())")
    }
}
