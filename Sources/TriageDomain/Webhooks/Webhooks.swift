import Foundation

/// Signed events out (docs/webhooks.md): endpoints an admin keeps, one delivery per event and
/// endpoint written in the transaction of the ticket change (so none is lost), sent at least once
/// under a lease by one instance of several, retried with back-off, logged attempt by attempt.
public struct Webhooks: Room {
    let core: Core
    public typealias Storage = WebhookRecords & TicketRecords
    public typealias Records = any Storage
    static func narrow(_ session: any StoreSession) -> Records { session }

    /// A new endpoint and its first secret, whose value is shown only here.
    public func create(_ input: WebhookEndpointInput, by principal: Principal) async throws -> (WebhookEndpoint, secret: String) {
        try Access.manageWebhooks(principal)
        try input.validate(creating: true)
        let at = now()
        let secret = WebhookSigner.newSecret()
        let sealed = try seal(secret, at: at)
        let endpoint = WebhookEndpoint(
            url: input.url ?? "", description: input.description ?? "", events: Self.sorted(input.events ?? []),
            enabled: input.enabled ?? true, createdAt: at, updatedAt: at)
        var stored = try await write { try await $0.insertWebhookEndpoint(endpoint, secrets: [sealed]) }
        stored.secrets = [sealed.info]
        return (stored, secret)
    }

    public func endpoints(by principal: Principal) async throws -> [WebhookEndpoint] {
        try Access.manageWebhooks(principal)
        return try await read { try await $0.webhookEndpoints(enabledOnly: false) }
    }

    public func endpoint(_ id: Int, by principal: Principal) async throws -> WebhookEndpoint {
        try Access.manageWebhooks(principal)
        return try await read { try await Self.find(id, in: $0).0 }
    }

    /// Changes what is given; enabling again clears why it was disabled.
    public func update(_ id: Int, _ input: WebhookEndpointInput, by principal: Principal) async throws -> WebhookEndpoint {
        try Access.manageWebhooks(principal)
        try input.validate(creating: false)
        let at = now()
        return try await write { session in
            var (endpoint, _) = try await Self.find(id, in: session)
            if let url = input.url { endpoint.url = url }
            if let description = input.description { endpoint.description = description }
            if let events = input.events { endpoint.events = Self.sorted(events) }
            if let enabled = input.enabled, enabled != endpoint.enabled {
                endpoint.enabled = enabled
                endpoint.disabledReason = enabled ? nil : "disabled by \(principal.actor)"
            }
            endpoint.updatedAt = at
            try await session.updateWebhookEndpoint(endpoint, secrets: nil)
            return endpoint
        }
    }

    public func delete(_ id: Int, by principal: Principal) async throws {
        try Access.manageWebhooks(principal)
        try await write { session in
            _ = try await Self.find(id, in: session)
            try await session.deleteWebhookEndpoint(id)
        }
    }

    /// Rotation: a new secret signs beside the newest old one (receivers that know either accept),
    /// until `retire` drops the old. Returns the new value, shown only here.
    public func rotateSecret(_ id: Int, by principal: Principal) async throws -> (WebhookEndpoint, secret: String) {
        try Access.manageWebhooks(principal)
        let at = now()
        let secret = WebhookSigner.newSecret()
        let sealed = try seal(secret, at: at)
        let endpoint = try await write { session in
            var (endpoint, secrets) = try await Self.find(id, in: session)
            let kept = [sealed] + secrets.prefix(1)
            endpoint.secrets = kept.map(\.info)
            endpoint.updatedAt = at
            try await session.updateWebhookEndpoint(endpoint, secrets: kept)
            return endpoint
        }
        return (endpoint, secret)
    }

    /// Ends rotation: only the newest secret signs.
    public func retireOldSecret(_ id: Int, by principal: Principal) async throws -> WebhookEndpoint {
        try Access.manageWebhooks(principal)
        let at = now()
        return try await write { session in
            var (endpoint, secrets) = try await Self.find(id, in: session)
            guard secrets.count > 1 else { throw CoordinatorError(.conflict, "webhook \(id) has one secret: nothing to retire") }
            endpoint.secrets = secrets.prefix(1).map(\.info)
            endpoint.updatedAt = at
            try await session.updateWebhookEndpoint(endpoint, secrets: Array(secrets.prefix(1)))
            return endpoint
        }
    }

    /// The delivery log: newest first.
    public func deliveries(endpoint id: Int, before: Int?, limit: Int, by principal: Principal) async throws -> Page<WebhookDelivery> {
        try Access.manageWebhooks(principal)
        return try await read { session in
            _ = try await Self.find(id, in: session)
            return Page(try await session.webhookDeliveries(endpointId: id, before: before, limit: limit + 1), limit: limit, id: \.id)
        }
    }

    /// One delivery and its attempts.
    public func delivery(_ id: Int, endpoint: Int, by principal: Principal) async throws -> (WebhookDelivery, [WebhookAttempt]) {
        try Access.manageWebhooks(principal)
        return try await read { session in
            guard let delivery = try await session.webhookDelivery(id), delivery.endpointId == endpoint else {
                throw CoordinatorError.notFound("delivery of webhook \(endpoint)", id)
            }
            return (delivery, try await session.webhookAttempts(deliveryId: id))
        }
    }

    /// Sends a delivered or failed message again, with the same `webhook-id` (the receiver can tell
    /// it is a repeat) and the back-off from its start; one still on its way is a 409.
    public func redeliver(_ id: Int, endpoint: Int, by principal: Principal) async throws -> WebhookDelivery {
        try Access.manageWebhooks(principal)
        let at = now()
        return try await write { session in
            guard var delivery = try await session.webhookDelivery(id), delivery.endpointId == endpoint else {
                throw CoordinatorError.notFound("delivery of webhook \(endpoint)", id)
            }
            guard delivery.state == .delivered || delivery.state == .failed else {
                throw CoordinatorError(.conflict, "delivery \(id) is \(delivery.state.rawValue): it is still on its way")
            }
            let (before, tried) = (delivery.state, delivery.attempts)
            (delivery.state, delivery.nextAttemptAt, delivery.createdAt, delivery.attempts) = (.pending, at, at, 0)
            (delivery.lastError, delivery.lastStatus, delivery.lastDurationMs, delivery.deliveredAt) = (nil, nil, nil, nil)
            guard try await session.updateWebhookDelivery(delivery, ifState: before, holder: nil, attempts: tried) else {
                throw CoordinatorError(.conflict, "delivery \(id) changed meanwhile: try again")
            }
            return delivery
        }
    }

    /// Queues a `webhook.test` event for the endpoint, whatever its filter; a disabled one is a 409.
    public func sendTest(_ id: Int, by principal: Principal) async throws -> WebhookDelivery {
        try Access.manageWebhooks(principal)
        let at = now()
        return try await write { session in
            guard try await Self.find(id, in: session).0.enabled else {
                throw CoordinatorError(.conflict, "webhook \(id) is disabled: enable it to send to it")
            }
            var delivery = WebhookDelivery(
                endpointId: id, type: WebhookEvent.testType, ticketId: nil, nextAttemptAt: at, createdAt: at,
                body: try WebhookEvent.testPayload(endpoint: id, at: at))
            delivery.id = try await session.insertWebhookDeliveries([delivery]).first ?? 0
            return delivery
        }
    }

    static func find(_ id: Int, in session: Records) async throws -> (WebhookEndpoint, [SealedWebhookSecret]) {
        guard let found = try await session.webhookEndpoint(id) else { throw CoordinatorError.notFound("webhook", id) }
        return found
    }

    private func seal(_ secret: String, at: Date) throws -> SealedWebhookSecret {
        SealedWebhookSecret(sealed: try sealer.seal(secret), createdAt: at, hint: String(secret.prefix(10)) + "…")
    }

    private static func sorted(_ events: [String]) -> [String] { Array(Set(events)).sorted() }
}
