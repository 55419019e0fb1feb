import Foundation

/// Where signed events go (docs/webhooks.md): a URL, which event types it wants, and up to two
/// secrets at once, so a receiver can move to a new one while the old still verifies.
public struct WebhookEndpoint: Codable, Sendable, Equatable {
    public var id: Int
    public var url: String
    public var description: String
    /// Event types it receives (`ticket.sla_breach`, …); empty: every type.
    public var events: [String]
    public var enabled: Bool
    /// Why it stopped receiving: "410 Gone from the receiver at …", or a person disabling it.
    public var disabledReason: String?
    /// The secrets it is signed with, newest first (their values are shown once, when made).
    public var secrets: [WebhookSecretInfo]
    public var createdAt: Date
    public var updatedAt: Date

    package init(
        id: Int = 0, url: String, description: String, events: [String], enabled: Bool = true, disabledReason: String? = nil,
        secrets: [WebhookSecretInfo] = [], createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.url = url
        self.description = description
        self.events = events
        self.enabled = enabled
        self.disabledReason = disabledReason
        self.secrets = secrets
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Whether it wants events of `type`.
    public func wants(_ type: String) -> Bool { events.isEmpty || events.contains(type) || type == WebhookEvent.testType }
}

/// A secret as lists show it: when it was made and how it starts (`whsec_AbC…`), never its value.
public struct WebhookSecretInfo: Codable, Sendable, Equatable {
    public var createdAt: Date
    public var hint: String

    package init(createdAt: Date, hint: String) {
        self.createdAt = createdAt
        self.hint = hint
    }
}

/// What an admin gives for an endpoint; on a change, what is left out stays.
public struct WebhookEndpointInput: Codable, Sendable, Equatable {
    public var url: String?
    public var description: String?
    public var events: [String]?
    public var enabled: Bool?

    public enum CodingKeys: String, CodingKey, CaseIterable { case url, description, events, enabled }

    public init(url: String? = nil, description: String? = nil, events: [String]? = nil, enabled: Bool? = nil) {
        self.url = url
        self.description = description
        self.events = events
        self.enabled = enabled
    }

    package func validate(creating: Bool) throws {
        var problems: [CoordinatorError.FieldProblem] = []
        if let url {
            let lower = url.lowercased()
            if !(lower.hasPrefix("https://") || lower.hasPrefix("http://")) || url.count > 2000 || url.contains(where: \.isWhitespace)
                || URL(string: url)?.host == nil
            {
                problems.append(CoordinatorError.FieldProblem(field: "url", problem: "must be an http:// or https:// URL"))
            }
        } else if creating {
            problems.append(CoordinatorError.FieldProblem(field: "url", problem: "is required"))
        }
        if let description, description.count > 200 {
            problems.append(CoordinatorError.FieldProblem(field: "description", problem: "at most 200 characters"))
        }
        for type in events ?? [] where !WebhookEvent.types.contains(type) {
            problems.append(
                CoordinatorError.FieldProblem(
                    field: "events",
                    problem: "\(type) is not an event type (ticket.<history kind>, e.g. ticket.sla_breach; see the API's webhooks)"))
        }
        if !problems.isEmpty { throw CoordinatorError.invalid(problems) }
    }
}
