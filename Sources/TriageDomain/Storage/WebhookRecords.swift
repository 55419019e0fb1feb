import Foundation

/// Webhook endpoints, their deliveries and each attempt (docs/webhooks.md). Secrets are stored
/// sealed (`SecretSealer`); the store never sees their values.
public protocol WebhookRecords: Sendable {
    func insertWebhookEndpoint(_ endpoint: WebhookEndpoint, secrets: [SealedWebhookSecret]) async throws -> WebhookEndpoint
    /// Its fields, and its secrets when given.
    func updateWebhookEndpoint(_ endpoint: WebhookEndpoint, secrets: [SealedWebhookSecret]?) async throws
    func webhookEndpoint(_ id: Int) async throws -> (WebhookEndpoint, [SealedWebhookSecret])?
    func webhookEndpoints(enabledOnly: Bool) async throws -> [WebhookEndpoint]
    /// The endpoint and every delivery of it.
    func deleteWebhookEndpoint(_ id: Int) async throws
    /// In one statement; their ids, in order.
    @discardableResult
    func insertWebhookDeliveries(_ deliveries: [WebhookDelivery]) async throws -> [Int]
    /// Deliveries of enabled endpoints due at `now`: waiting, retrying, or taken under a lease that ended.
    func dueWebhookDeliveries(at now: Date, limit: Int) async throws -> [WebhookDelivery]
    /// Compare and set: writes `delivery` only while the stored one is still in `state` under
    /// `holder` after `attempts` attempts — a copy read before another instance tried it matches no more.
    func updateWebhookDelivery(_ delivery: WebhookDelivery, ifState state: WebhookDelivery.State, holder: String?, attempts: Int)
        async throws -> Bool
    func webhookDelivery(_ id: Int) async throws -> WebhookDelivery?
    /// Newest first, before the id `before`.
    func webhookDeliveries(endpointId: Int, before: Int?, limit: Int) async throws -> [WebhookDelivery]
    func insertWebhookAttempt(_ attempt: WebhookAttempt) async throws
    func webhookAttempts(deliveryId: Int) async throws -> [WebhookAttempt]
}

/// A secret as stored: sealed, with when it was made and how it starts.
public struct SealedWebhookSecret: Codable, Sendable, Equatable {
    public var sealed: String
    public var createdAt: Date
    public var hint: String

    package init(sealed: String, createdAt: Date, hint: String) {
        self.sealed = sealed
        self.createdAt = createdAt
        self.hint = hint
    }

    /// How lists show it: when it was made and how it starts.
    package var info: WebhookSecretInfo { WebhookSecretInfo(createdAt: createdAt, hint: hint) }
}
