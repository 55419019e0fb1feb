import Foundation
import HTTPTypes

@testable import TriageDomain

/// The board role matrix's cases: each /board route, what it is asked, and what admin,
/// dispatcher and technician get.
extension BoardRoleMatrixTests {
    static let cases: [Case] = {
        let inventoryForm: @Sendable (Fixture, Role) -> [(String, String)] = { _, _ in [("name", "Beta GmbH")] }
        return [
            Case("GET /board", { _, _ in "/board" }, everyone),
            Case("GET /board/my", { _, _ in "/board/my" }, [.forbidden, .forbidden, .ok]),
            Case("GET /board/queues", { _, _ in "/board/queues?severity=1&q=web1+down" }, everyone),
            Case("GET /board/search", { _, _ in "/board/search?q=web1+down" }, everyone),
            Case("GET /board/queues/export", { _, _ in "/board/queues/export?severity=1&assignee=none" }, everyone),
            Case(
                "POST /board/queues/views", { _, _ in "/board/queues/views" },
                form: { _, role in [("name", "mine \(role.rawValue)"), ("query", "severity=1")] }, redirectForAll),
            Case(
                "POST /board/queues/views", { _, _ in "/board/queues/views" },
                form: { _, role in [("name", "shared \(role.rawValue)"), ("query", "assignee=none"), ("shared", "on")] }, desk),
            // Each ticket through its own operation: a technician's refusals are said per ticket (QueueTableTests).
            Case(
                "POST /board/queues/bulk", { _, _ in "/board/queues/bulk" },
                form: { f, _ in [("ticket-\(f.mine)", "on"), ("bulkAction", "tag"), ("bulkTag", "bulk")] }, everyone),
            Case("POST /board/queues/views/{id}/delete", { f, role in "/board/queues/views/\(f.sharedViews[role]!)/delete" }, desk),
            Case("GET /board/tickets/{id}", { f, _ in "/board/tickets/\(f.theirs)" }, everyone),
            Case("GET /board/tickets/{id}/files/{sha256}", { f, _ in "/board/tickets/\(f.theirs)/files/\(f.fileSha)" }, everyone),
            Case("GET /board/mail", { _, _ in "/board/mail" }, [.ok, .ok, .forbidden]),
            Case(
                "POST /board/mail/{id}/release", { f, role in "/board/mail/\(f.toRelease[role]!)/release" },
                form: { f, _ in [("customerId", "\(f.t.customer)")] }, desk),
            Case("POST /board/mail/{id}/discard", { f, role in "/board/mail/\(f.toDiscard[role]!)/discard" }, desk),
            Case("GET /board/tickets/new", { _, _ in "/board/tickets/new?q=Acme" }, [.ok, .ok, .forbidden]),
            Case(
                "POST /board/tickets", { _, _ in "/board/tickets" },
                form: { _, _ in [("title", "Printer jammed"), ("severity", "3"), ("channel", "phone")] }, desk),
            Case("GET /board/inventory", { _, _ in "/board/inventory" }, everyone),
            Case("GET /board/customers/{id}", { f, _ in "/board/customers/\(f.t.customer)" }, everyone),
            Case("GET /board/sites/{id}", { f, _ in "/board/sites/\(f.t.site)" }, everyone),
            Case("GET /board/hosts/{id}", { f, _ in "/board/hosts/\(f.t.host)" }, everyone),
            Case("GET /board/technicians/{id}", { f, _ in "/board/technicians/\(f.t.technician)" }, everyone),
            Case("POST /board/inventory/{kind}", { _, _ in "/board/inventory/customer" }, form: inventoryForm, adminRedirect),
            Case(
                "POST /board/inventory/{kind}/{id}", { f, _ in "/board/inventory/customer/\(f.spareCustomer)" }, form: inventoryForm,
                adminRedirect),
            Case(
                "POST /board/inventory/{kind}/{id}/delete", { f, _ in "/board/inventory/customer/\(f.spareCustomer)/delete" }, adminRedirect
            ),
            Case(
                "POST /board/hosts/{id}/diagnoses", { f, _ in "/board/hosts/\(f.t.host)/diagnoses" },
                form: { f, role in [("ticket", "\(f.diagnoseOnHost[role]!)")] },
                desk),
            Case(
                "POST /board/tickets/{id}/visits", { f, _ in "/board/tickets/\(f.hostTicket)/visits" },
                form: { f, role in
                    let start = f.now + (role == .admin ? 2 : 3) * 86_400
                    return [
                        ("technicianId", "\(f.fieldTechnician)"), ("start", start.formatted(.iso8601)),
                        ("end", (start + 3600).formatted(.iso8601)),
                    ]
                }, desk),
            Case(
                "POST /board/visits/{id}/status", { f, role in "/board/visits/\(f.visits[role]!)/status" },
                form: { _, _ in [("status", "en_route")] },
                redirectForAll),
            Case(
                "POST /board/tickets/{id}/time", { f, _ in "/board/tickets/\(f.mine)/time" },
                form: { _, _ in [("minutes", "25"), ("note", "call"), ("billable", "on")] }, redirectForAll),
            Case("GET /board/time", { _, _ in "/board/time?month=2026-12" }, [.ok, .ok, .forbidden]),
            Case(
                "POST /board/tickets/{id}/take", { f, role in "/board/tickets/\(f.closed[role]!)/take" },
                [.forbidden, .forbidden, .conflict]),
            Case(
                "POST /board/tickets/{id}/merge", { f, _ in "/board/tickets/\(f.theirs)/merge" }, form: { _, _ in [("into", "999999")] },
                [.unprocessableContent, .unprocessableContent, .forbidden]),
            Case(
                "POST /board/tickets/{id}/links", { f, _ in "/board/tickets/\(f.theirs)/links" },
                form: { f, _ in [("other", "#\(f.mine)"), ("relation", "related")] }, [.seeOther, .seeOther, .forbidden]),
            // The dispatcher (asked before the admin) unlinks; the admin then finds no link.
            Case(
                "POST /board/tickets/{id}/links/{other}/delete", { f, _ in "/board/tickets/\(f.theirs)/links/\(f.mine)/delete" },
                [.notFound, .seeOther, .forbidden]),
            Case("GET /board/replies", { _, _ in "/board/replies" }, everyone),
            // Alertmanager's unknown hosts are the admin's to map; a host nobody has is a 404 on the page.
            Case("GET /board/alerts", { _, _ in "/board/alerts" }, adminPage),
            Case(
                "POST /board/alerts/map", { _, _ in "/board/alerts/map" }, form: { _, _ in [("value", "10.0.0.9"), ("host", "999999")] },
                [.notFound, .forbidden, .forbidden]),
            // Webhooks are the admin's; an id nobody has is the admin's 404.
            Case("GET /board/webhooks", { _, _ in "/board/webhooks" }, adminPage),
            Case(
                "POST /board/webhooks", { _, _ in "/board/webhooks" }, form: { _, _ in [("url", "https://hooks.example/triage")] },
                adminPage),
            Case("GET /board/webhooks/{id}", { _, _ in "/board/webhooks/999999" }, [.notFound, .forbidden, .forbidden]),
            Case(
                "POST /board/webhooks/{id}", { _, _ in "/board/webhooks/999999" }, form: { _, _ in [("url", "https://x.example/")] },
                [.notFound, .forbidden, .forbidden]),
            Case("POST /board/webhooks/{id}/delete", { _, _ in "/board/webhooks/999999/delete" }, [.notFound, .forbidden, .forbidden]),
            Case("POST /board/webhooks/{id}/test", { _, _ in "/board/webhooks/999999/test" }, [.notFound, .forbidden, .forbidden]),
            Case("POST /board/webhooks/{id}/secrets", { _, _ in "/board/webhooks/999999/secrets" }, [.notFound, .forbidden, .forbidden]),
            Case(
                "POST /board/webhooks/{id}/secrets/retire", { _, _ in "/board/webhooks/999999/secrets/retire" },
                [.notFound, .forbidden, .forbidden]),
            Case(
                "POST /board/webhooks/{id}/deliveries/{deliveryId}/redeliver", { _, _ in "/board/webhooks/999999/deliveries/1/redeliver" },
                [.notFound, .forbidden, .forbidden]),
            // Notifications are each person's own: everyone reads and sets theirs.
            Case("GET /board/notifications", { _, _ in "/board/notifications" }, everyone),
            Case("GET /board/notifications/unread", { _, _ in "/board/notifications/unread" }, everyone),
            Case("POST /board/notifications/read", { _, _ in "/board/notifications/read" }, redirectForAll),
            Case(
                "POST /board/notifications/settings", { _, _ in "/board/notifications/settings" },
                form: { _, _ in [("inapp_assigned", "on"), ("email_assigned", "now"), ("digest_at", "07:30")] }, redirectForAll),
            Case(
                "POST /board/notifications/settings", { _, _ in "/board/notifications/settings" },
                form: { _, _ in [("digest_at", "25:00"), ("quiet_from", "22:00")] },
                [.unprocessableContent, .unprocessableContent, .unprocessableContent]),
            // Tess's own visit (hers to see); moving it is the desk's: refused here (the status cases above moved it on), nothing moves.
            Case("GET /board/visits/{id}", { f, role in "/board/visits/\(f.visits[role]!)" }, everyone),
            Case(
                "POST /board/visits/{id}/reschedule", { f, role in "/board/visits/\(f.visits[role]!)/reschedule" },
                form: { f, _ in [("day", "2000-01-01"), ("start", "09:00"), ("end", "10:00")] }, [.conflict, .conflict, .forbidden]),
            Case(
                "POST /board/replies", { _, _ in "/board/replies" },
                form: { _, role in [("name", "hello \(role.rawValue)"), ("body", "Hello {requester},")] },
                redirectForAll),
            Case(
                "POST /board/replies", { _, _ in "/board/replies" },
                form: { _, role in [("name", "shared \(role.rawValue)"), ("body", "Hi"), ("shared", "on")] }, desk),
            Case("POST /board/replies/{id}/delete", { f, role in "/board/replies/\(f.sharedReplies[role]!)/delete" }, desk),
            Case("GET /board/time/export", { _, _ in "/board/time/export?month=2026-12" }, [.ok, .ok, .forbidden]),
            Case(
                "POST /board/tickets/{id}/comments", { f, _ in "/board/tickets/\(f.mine)/comments" }, form: { _, _ in [("body", "on it")] },
                redirectForAll),
            Case(
                "POST /board/tickets/{id}/status", { f, _ in "/board/tickets/\(f.theirs)/status" },
                form: { _, _ in [("status", "in_progress")] },
                desk),
            Case(
                "POST /board/tickets/{id}/reopen", { f, role in "/board/tickets/\(f.closed[role]!)/reopen" },
                form: { _, _ in [("reason", "again")] },
                desk),
            Case("POST /board/tickets/{id}/acknowledge", { f, _ in "/board/tickets/\(f.theirs)/acknowledge" }, desk),
            Case(
                "POST /board/tickets/{id}/escalate", { f, _ in "/board/tickets/\(f.theirs)/escalate" },
                form: { _, _ in [("to", "lead"), ("reason", "stuck")] },
                desk),
            Case(
                "POST /board/tickets/{id}/vendor-case", { f, _ in "/board/tickets/\(f.theirs)/vendor-case" },
                form: { _, _ in [("vendor", "Dell")] },
                desk),
            Case(
                "POST /board/tickets/{id}/details", { f, _ in "/board/tickets/\(f.theirs)/details" },
                form: { _, _ in [("tags", "printer")] }, desk),
            Case("POST /board/tickets/{id}/diagnoses", { f, role in "/board/tickets/\(f.diagnoseOnTicket[role]!)/diagnoses" }, desk),
            Case(
                "POST /board/tickets/{id}/assign", { f, _ in "/board/tickets/\(f.theirs)/assign" },
                form: { _, _ in [("assignee", "rules")] }, desk),
            Case("GET /board/account", { _, _ in "/board/account" }, everyone),
            Case(
                "POST /board/account/password", { _, _ in "/board/account/password" },
                form: { _, _ in [("current", "not my password"), ("password", "a new long password"), ("confirm", "a new long password")] },
                [.unprocessableContent, .unprocessableContent, .unprocessableContent]),
            Case("POST /board/account/second-factor/start", { _, _ in "/board/account/second-factor/start" }, everyone),
            Case(
                "POST /board/account/second-factor/confirm", { _, _ in "/board/account/second-factor/confirm" },
                form: { _, _ in [("code", "000000")] },
                [.unprocessableContent, .unprocessableContent, .unprocessableContent]),
            Case(
                "POST /board/account/second-factor/remove", { _, _ in "/board/account/second-factor/remove" },
                form: { _, _ in [("password", "wrong")] },
                [.unprocessableContent, .unprocessableContent, .unprocessableContent]),
            Case("POST /board/account/tokens", { _, _ in "/board/account/tokens" }, form: { _, _ in [("name", "script")] }, everyone),
            Case("POST /board/account/tokens/{id}/revoke", { f, role in "/board/account/tokens/\(f.ownToken[role]!)/revoke" }, everyone),
            Case(
                "POST /board/account/tokens/{id}/revoke", { f, _ in "/board/account/tokens/\(f.rootsToken)/revoke" },
                [.ok, .forbidden, .forbidden]),
            Case("GET /board/users", { _, _ in "/board/users" }, adminPage),
            Case(
                "POST /board/users", { _, _ in "/board/users" },
                form: { _, role in [("login", "new-\(role.rawValue)"), ("role", "dispatcher"), ("password", "a long enough password")] },
                adminPage),
            Case(
                "POST /board/users/{id}/active", { f, _ in "/board/users/\(f.otherUser)/active" }, form: { _, _ in [("active", "true")] },
                adminPage),
            Case(
                "POST /board/users/{id}/password", { f, _ in "/board/users/\(f.otherUser)/password" },
                form: { _, _ in [("password", "an admin sets this one")] }, adminPage),
            Case("POST /board/users/{id}/second-factor/remove", { f, _ in "/board/users/\(f.otherUser)/second-factor/remove" }, adminPage),
            Case(
                "POST /board/users/agent-tokens", { _, _ in "/board/users/agent-tokens" },
                form: { _, _ in [("host", "web1"), ("name", "web1-agent-2")] },
                adminPage),
            Case("POST /board/users/tokens/{id}/revoke", { f, _ in "/board/users/tokens/\(f.rootsToken)/revoke" }, adminPage),
            Case("POST /board/logout", { _, _ in "/board/logout" }, redirectForAll),
        ]
    }()
}
