import Foundation
import Testing
import Yams

@testable import TriageAPI
@testable import TriageBoard
@testable import TriageCoordinator
@testable import TriageDomain
@testable import TriageEdge
@testable import TriageMailTransport
@testable import TriageStorage

/// The OpenAPI document against the router, and what operators read: /metrics and /healthz.
@Suite struct OperationsTests {
    @Test func theOpenAPIDocumentDescribesExactlyTheRoutesTheRouterHas() async throws {
        try await TestCoordinator.with(inventory: false) { t in
            let router = try CoordinatorServer.router(
                coordinator: t.coordinator, configuration: t.configuration,
                metrics: CoordinatorMetrics())
            // The board's pages (and / that leads to them, and the first start's setup page) are for browsers, not part of the API.
            let routed = Set(
                router.routes.map { "\($0.method.rawValue.lowercased()) \($0.path.description)" }
                    .filter { !$0.hasSuffix(" /") && !$0.contains(" /board") && !$0.hasSuffix(" /setup") })
            let document = try #require(try Yams.load(yaml: OpenAPIDocument.yaml) as? [String: Any])
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options"]
            let documented = Set(paths.flatMap { path, item in item.keys.filter(methods.contains).map { "\($0) \(path)" } })
            #expect(routed.subtracting(documented).sorted() == [], "routes missing from the document")
            #expect(documented.subtracting(routed).sorted() == [], "documented routes that do not exist")
            #expect(routed.count >= 29)

            // Every $ref points at something that exists.
            let refs = OpenAPIDocument.yaml.matches(of: /\$ref: "#\/components\/(\w+)\/(\w+)"/).map { ($0.1, $0.2) }
            let components = try #require(document["components"] as? [String: [String: Any]])
            for (section, name) in refs {
                #expect(components[String(section)]?[String(name)] != nil, "dangling $ref \(section)/\(name)")
            }

            // The event kinds it lists are exactly those the coordinator writes.
            let event = try #require(components["schemas"]?["TicketEvent"] as? [String: Any])
            let type = try #require((event["properties"] as? [String: Any])?["type"] as? [String: Any])
            #expect(type["enum"] as? [String] == EventKind.allCases.map(\.rawValue))
            // The webhooks' event types are those the coordinator sends, and the document describes both payloads.
            let hookTypes = try #require(components["schemas"]?["WebhookEventType"] as? [String: Any])
            #expect(Set(hookTypes["enum"] as? [String] ?? []) == WebhookEvent.types)
            let hooks = try #require(document["webhooks"] as? [String: Any])
            #expect(Set(hooks.keys) == ["ticketEvent", "testEvent"])
        }
    }

    @Test func metricsCountRequestsByRouteAndStatusAndTicketsByStatus() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                _ = try await client.post("/api/v1/tickets", #"{"title": "a"}"#)
                _ = try await client.post("/api/v1/tickets", #"{"title": "b"}"#)
                let closed = try await client.post("/api/v1/tickets", #"{"title": "c"}"#).id
                _ = try await client.patch("/api/v1/tickets/\(closed)", #"{"status": "closed"}"#)
                _ = try await client.get("/api/v1/tickets/999")
                let health = try await client.get("/healthz", as: nil)
                #expect(health.json["status"] as? String == "ok")

                let metrics = try await client.get("/metrics", as: nil)
                #expect(metrics.headers[.contentType]?.hasPrefix("text/plain") == true)
                let lines = Set(metrics.body.split(separator: "\n").map(String.init))
                #expect(lines.contains(#"triage_http_requests_total{route="/api/v1/tickets",method="POST",status="201"} 3"#))
                #expect(lines.contains(#"triage_http_requests_total{route="/api/v1/tickets/{id}",method="GET",status="404"} 1"#))
                #expect(lines.contains(#"triage_tickets{status="new"} 2.0"#))
                #expect(lines.contains(#"triage_tickets{status="closed"} 1.0"#))
                #expect(lines.contains(#"triage_tickets{status="in_progress"} 0.0"#))
                #expect(
                    lines.contains {
                        $0.hasPrefix(#"triage_http_request_duration_seconds_bucket{route="/api/v1/tickets",method="POST",le="0.005"}"#)
                    })
            }
        }
    }
}
