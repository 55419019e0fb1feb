import Foundation

/// The events webhooks carry (docs/webhooks.md), in the Standard Webhooks shape:
/// `{"type": "ticket.assigned", "timestamp": "…", "data": {"ticket": {…}, "event": {…}}}`. Each
/// entry of a ticket's history is one event, typed `ticket.` and its kind; `webhook.test` is what
/// "send a test event" sends. The types are stable: they are the history's kinds.
public enum WebhookEvent {
    public static let testType = "webhook.test"
    public static let types: Set<String> = Set(EventKind.allCases.map { "ticket." + $0.rawValue }).union([testType])

    /// The body of a ticket event, as signed and sent.
    package static func ticketPayload(_ ticket: Ticket, event: TicketEvent, at: Date) throws -> [UInt8] {
        let payload = Payload(
            type: "ticket." + event.kind.rawValue, timestamp: at,
            data: .init(
                ticket: .init(
                    id: ticket.id, title: ticket.title, status: ticket.status.rawValue, severity: ticket.severity, tier: ticket.tier,
                    customerId: ticket.customerId, hostId: ticket.hostId, assigneeId: ticket.assigneeId,
                    responseDueAt: ticket.responseDueAt, resolveDueAt: ticket.resolveDueAt),
                event: .init(id: event.id, type: event.kind.rawValue, actor: event.actor.description, at: event.at, data: event.data)))
        return Array(try encoder.encode(payload))
    }

    package static func testPayload(endpoint: Int, at: Date) throws -> [UInt8] {
        Array(
            try encoder.encode(
                TestPayload(type: testType, timestamp: at, data: .init(endpointId: endpoint, message: "a test event from Triage"))))
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(InternetTime.format(date, milliseconds: true))
        }
        return encoder
    }()

    struct Payload: Encodable {
        struct TicketSummary: Encodable {
            var id: Int
            var title: String
            var status: String
            var severity: Int
            var tier: Int
            var customerId: Int?
            var hostId: Int?
            var assigneeId: Int?
            var responseDueAt: Date
            var resolveDueAt: Date
        }

        struct Event: Encodable {
            var id: Int
            var type: String
            var actor: String
            var at: Date
            var data: JSONValue
        }

        struct Data: Encodable {
            var ticket: TicketSummary
            var event: Event
        }

        var type: String
        var timestamp: Date
        var data: Data
    }

    struct TestPayload: Encodable {
        struct Data: Encodable {
            var endpointId: Int
            var message: String
        }

        var type: String
        var timestamp: Date
        var data: Data
    }
}
