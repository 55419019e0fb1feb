import Foundation

/// One event for one endpoint (docs/webhooks.md): its message id (`webhook-id`, the same on every
/// attempt and redelivery, so receivers can drop a repeat), the body as signed, and where it stands.
public struct WebhookDelivery: Encodable, Sendable, Equatable {
    public enum State: String, Codable, Sendable, CaseIterable {
        /// Waiting for its first attempt.
        case pending
        /// Taken by an instance under a lease; another takes it over when the lease ends unfinished.
        case sending
        /// An attempt failed for a reason that may pass (5xx, 408, 429, no answer); `nextAttemptAt` says when.
        case retrying
        /// The receiver answered 2xx.
        case delivered
        /// A 4xx other than 408 and 429, a 410 (the endpoint is then disabled), or still failing after `giveUpHours`.
        case failed
    }

    public var id: Int
    public var endpointId: Int
    /// `msg_` and a UUID.
    public var messageId: String
    public var type: String
    public var ticketId: Int?
    public var state: State
    public var attempts: Int
    public var nextAttemptAt: Date
    public var leaseHolder: String?
    public var leaseUntil: Date?
    /// The last answer's HTTP status, or nil when there was none.
    public var lastStatus: Int?
    public var lastError: String?
    public var lastDurationMs: Int?
    public var createdAt: Date
    public var deliveredAt: Date?
    /// The body exactly as signed (not in lists).
    public var body: [UInt8]

    private enum CodingKeys: String, CodingKey {
        case id, endpointId, messageId, type, ticketId, state, attempts, nextAttemptAt, lastStatus, lastError, lastDurationMs
        case createdAt, deliveredAt
    }

    package init(
        id: Int = 0, endpointId: Int, messageId: String = "msg_" + UUID().uuidString.lowercased(), type: String, ticketId: Int?,
        state: State = .pending, attempts: Int = 0, nextAttemptAt: Date, leaseHolder: String? = nil, leaseUntil: Date? = nil,
        lastStatus: Int? = nil, lastError: String? = nil, lastDurationMs: Int? = nil, createdAt: Date, deliveredAt: Date? = nil,
        body: [UInt8]
    ) {
        self.id = id
        self.endpointId = endpointId
        self.messageId = messageId
        self.type = type
        self.ticketId = ticketId
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.leaseHolder = leaseHolder
        self.leaseUntil = leaseUntil
        self.lastStatus = lastStatus
        self.lastError = lastError
        self.lastDurationMs = lastDurationMs
        self.createdAt = createdAt
        self.deliveredAt = deliveredAt
        self.body = body
    }
}

/// One attempt, for the delivery log.
public struct WebhookAttempt: Codable, Sendable, Equatable {
    public var deliveryId: Int
    public var at: Date
    public var status: Int?
    public var durationMs: Int
    public var error: String?
    /// Who sent it (`host:pid:…`): which instance, when several share the work.
    public var holder: String

    package init(deliveryId: Int, at: Date, status: Int?, durationMs: Int, error: String?, holder: String) {
        self.deliveryId = deliveryId
        self.at = at
        self.status = status
        self.durationMs = durationMs
        self.error = error
        self.holder = holder
    }
}

/// What an answer means for the delivery (pure).
package enum WebhookOutcome: Equatable {
    case delivered
    case retry(String)
    case fail(String)
    /// 410 Gone: the receiver says the endpoint is no more.
    case disable(String)

    /// From the answer's status, or from `error` when there was no answer.
    package static func of(status: Int?, error: String?) -> WebhookOutcome {
        guard let status else { return .retry(error ?? "no answer") }
        switch status {
        case 200..<300: return .delivered
        case 410: return .disable("410 Gone")
        case 408, 429: return .retry("\(status) from the receiver")
        case 400..<500: return .fail("\(status) from the receiver: not retried")
        default: return .retry("\(status) from the receiver")
        }
    }
}
