import Foundation
import SQLKit
import TriageDomain

/// Webhook endpoints, deliveries and attempts (docs/webhooks.md).
extension SQLSession {
    private static func endpoint(_ row: any SQLRow) throws -> (WebhookEndpoint, [SealedWebhookSecret]) {
        let r = SQLStoredRow(row: row)
        let secrets = try r.json("secrets", as: [SealedWebhookSecret].self)
        let endpoint = WebhookEndpoint(
            id: try r.required(r.int("id"), "id"), url: try r.required(r.text("url"), "url"), description: try r.text("description") ?? "",
            events: try r.json("events", as: [String].self), enabled: try r.bool("enabled"), disabledReason: try r.text("disabled_reason"),
            secrets: secrets.map(\.info),
            createdAt: try r.required(r.time("created_at"), "created_at"), updatedAt: try r.required(r.time("updated_at"), "updated_at"))
        return (endpoint, secrets)
    }

    private static func fields(_ endpoint: WebhookEndpoint) -> [(String, StoredValue)] {
        [
            ("url", .text(endpoint.url)), ("description", .text(endpoint.description)), ("events", .json(endpoint.events)),
            ("disabled_reason", .text(endpoint.disabledReason)), ("updated_at", .time(endpoint.updatedAt)),
        ]
    }

    func insertWebhookEndpoint(_ endpoint: WebhookEndpoint, secrets: [SealedWebhookSecret]) async throws -> WebhookEndpoint {
        let values = Self.fields(endpoint) + [("secrets", StoredValue.json(secrets)), ("created_at", .time(endpoint.createdAt))]
        let id = try await db.insert(into: "webhook_endpoints").columns(values.map(\.0) + ["enabled"])
            .values(values.map(\.1.sql) + [SQLBind(endpoint.enabled)])
            .returning("id").first(decodingColumn: "id", as: Int.self)
        guard let id else { throw CoordinatorError(.storage, "insert into webhook_endpoints returned no id") }
        var stored = endpoint
        stored.id = id
        return stored
    }

    func updateWebhookEndpoint(_ endpoint: WebhookEndpoint, secrets: [SealedWebhookSecret]?) async throws {
        let update = db.update("webhook_endpoints").set("enabled", to: SQLBind(endpoint.enabled))
        for (column, value) in Self.fields(endpoint) { update.set(SQLIdentifier(column), to: value.sql) }
        if let secrets { update.set("secrets", to: StoredValue.json(secrets).sql) }
        try await update.where("id", .equal, endpoint.id).run()
    }

    func webhookEndpoint(_ id: Int) async throws -> (WebhookEndpoint, [SealedWebhookSecret])? {
        try await db.select().column("*").from("webhook_endpoints").where("id", .equal, id).first().map(Self.endpoint)
    }

    func webhookEndpoints(enabledOnly: Bool) async throws -> [WebhookEndpoint] {
        let query = db.select().column("*").from("webhook_endpoints")
        if enabledOnly { query.where("enabled", .equal, SQLLiteral.boolean(true)) }
        return try await query.orderBy("id").all().map { try Self.endpoint($0).0 }
    }

    func deleteWebhookEndpoint(_ id: Int) async throws {
        try await db.raw(
            "DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries WHERE endpoint_id = \(bind: id))"
        ).run()
        try await db.delete(from: "webhook_deliveries").where("endpoint_id", .equal, id).run()
        try await db.delete(from: "webhook_endpoints").where("id", .equal, id).run()
    }

    private static let deliveryColumns = [
        "id", "endpoint_id", "message_id", "type", "ticket_id", "state", "attempts", "next_attempt_at", "lease_holder", "lease_until",
        "last_status", "last_error", "last_duration_ms", "created_at", "delivered_at",
    ]

    private static func delivery(_ row: any SQLRow, body: Bool) throws -> WebhookDelivery {
        let r = SQLStoredRow(row: row)
        let state = try r.required(r.text("state"), "state")
        return WebhookDelivery(
            id: try r.required(r.int("id"), "id"), endpointId: try r.required(r.int("endpoint_id"), "endpoint_id"),
            messageId: try r.required(r.text("message_id"), "message_id"), type: try r.required(r.text("type"), "type"),
            ticketId: try r.int("ticket_id"),
            state: try WebhookDelivery.State(rawValue: state).orThrow(CoordinatorError(.storage, "unknown delivery state \(state)")),
            attempts: try r.int("attempts") ?? 0, nextAttemptAt: try r.required(r.time("next_attempt_at"), "next_attempt_at"),
            leaseHolder: try r.text("lease_holder"), leaseUntil: try r.time("lease_until"), lastStatus: try r.int("last_status"),
            lastError: try r.text("last_error"), lastDurationMs: try r.int("last_duration_ms"),
            createdAt: try r.required(r.time("created_at"), "created_at"), deliveredAt: try r.time("delivered_at"),
            body: body ? [UInt8](try row.decode(column: "body", as: Data.self)) : [])
    }

    private static func changing(_ delivery: WebhookDelivery) -> [(String, StoredValue)] {
        [
            ("state", .text(delivery.state.rawValue)), ("attempts", .int(delivery.attempts)),
            ("next_attempt_at", .time(delivery.nextAttemptAt)),
            ("lease_holder", .text(delivery.leaseHolder)), ("lease_until", .time(delivery.leaseUntil)),
            ("last_status", .int(delivery.lastStatus)),
            ("last_error", .text(delivery.lastError)), ("last_duration_ms", .int(delivery.lastDurationMs)),
            ("created_at", .time(delivery.createdAt)), ("delivered_at", .time(delivery.deliveredAt)),
        ]
    }

    @discardableResult
    func insertWebhookDeliveries(_ deliveries: [WebhookDelivery]) async throws -> [Int] {
        guard let first = deliveries.first else { return [] }
        let columns = ["endpoint_id", "message_id", "type", "ticket_id"] + Self.changing(first).map(\.0) + ["body"]
        let insert = db.insert(into: "webhook_deliveries").columns(columns.map { SQLIdentifier($0) })
        for delivery in deliveries {
            let head: [StoredValue] = [.int(delivery.endpointId), .text(delivery.messageId), .text(delivery.type), .int(delivery.ticketId)]
            insert.values((head + Self.changing(delivery).map(\.1)).map(\.sql) + [SQLBind(Data(delivery.body))])
        }
        return try await insert.returning("id").all(decodingColumn: "id", as: Int.self).sorted()
    }

    func dueWebhookDeliveries(at now: Date, limit: Int) async throws -> [WebhookDelivery] {
        let at = SQLBind(now.storedMilliseconds)
        return try await db.select().column(SQLColumn(SQLLiteral.all, table: SQLIdentifier("d"))).from(
            SQLAlias(SQLIdentifier("webhook_deliveries"), as: SQLIdentifier("d"))
        )
        .join(
            SQLAlias(SQLIdentifier("webhook_endpoints"), as: SQLIdentifier("e")), method: SQLJoinMethod.inner,
            on: SQLColumn("id", table: "e"), .equal, SQLColumn("endpoint_id", table: "d")
        )
        .where(SQLColumn("enabled", table: "e"), .equal, SQLLiteral.boolean(true))
        .where { due in
            due.where(SQLColumn("state", table: "d"), .in, SQLBind.group(["pending", "retrying"]))
                .where(SQLColumn("next_attempt_at", table: "d"), .lessThanOrEqual, at)
                .orWhere { lapsed in
                    lapsed.where(SQLColumn("state", table: "d"), .equal, SQLBind("sending"))
                        .where(SQLColumn("lease_until", table: "d"), .lessThan, at)
                }
        }
        .orderBy(SQLColumn("id", table: "d")).limit(limit).all().map { try Self.delivery($0, body: true) }
    }

    func updateWebhookDelivery(_ delivery: WebhookDelivery, ifState state: WebhookDelivery.State, holder: String?, attempts: Int)
        async throws -> Bool
    {
        let update = db.update("webhook_deliveries")
        for (column, value) in Self.changing(delivery) { update.set(SQLIdentifier(column), to: value.sql) }
        update.where("id", .equal, delivery.id).where("state", .equal, state.rawValue).where("attempts", .equal, attempts)
        if let holder { update.where("lease_holder", .equal, holder) } else { update.where("lease_holder", .is, SQLLiteral.null) }
        return try await update.returning("id").first() != nil
    }

    func webhookDelivery(_ id: Int) async throws -> WebhookDelivery? {
        try await db.select().column("*").from("webhook_deliveries").where("id", .equal, id).first().map {
            try Self.delivery($0, body: true)
        }
    }

    func webhookDeliveries(endpointId: Int, before: Int?, limit: Int) async throws -> [WebhookDelivery] {
        let query = db.select().columns(Self.deliveryColumns.map { SQLIdentifier($0) }).from("webhook_deliveries")
            .where("endpoint_id", .equal, endpointId)
        if let before { query.where("id", .lessThan, before) }
        return try await query.orderBy("id", .descending).limit(limit).all().map { try Self.delivery($0, body: false) }
    }

    func insertWebhookAttempt(_ attempt: WebhookAttempt) async throws {
        try await db.insert(into: "webhook_attempts").columns("delivery_id", "at", "status", "duration_ms", "error", "holder")
            .values(
                SQLBind(attempt.deliveryId), SQLBind(attempt.at.storedMilliseconds), StoredValue.int(attempt.status).sql,
                SQLBind(attempt.durationMs), StoredValue.text(attempt.error).sql, SQLBind(attempt.holder)
            ).run()
    }

    func webhookAttempts(deliveryId: Int) async throws -> [WebhookAttempt] {
        try await db.select().column("*").from("webhook_attempts").where("delivery_id", .equal, deliveryId).orderBy("id").all().map { row in
            let r = SQLStoredRow(row: row)
            return WebhookAttempt(
                deliveryId: deliveryId, at: try r.required(r.time("at"), "at"), status: try r.int("status"),
                durationMs: try r.int("duration_ms") ?? 0, error: try r.text("error"), holder: try r.text("holder") ?? "")
        }
    }
}
