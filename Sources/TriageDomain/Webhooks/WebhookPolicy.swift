import Foundation

/// How webhooks are sent (`webhooks:` in the configuration file; docs/webhooks.md).
///
/// ```yaml
/// webhooks:
///   retrySeconds: [30, 120, 600, 1800, 3600, 7200, 14400, 21600]   # the waits after each failed attempt; the last repeats
///   giveUpHours: 24            # a delivery still failing this long after its event fails
///   timeoutSeconds: 10         # one attempt, connecting to the end of the answer
///   leaseSeconds: 60           # how long an instance holds a delivery it sends (longer than a timeout)
///   intervalSeconds: 1         # how often each instance looks for due deliveries
/// ```
public struct WebhookPolicy: Decodable, Sendable, Equatable {
    public var retrySeconds = [30, 120, 600, 1800, 3600, 7200, 14400, 21600]
    public var giveUpHours = 24.0
    public var timeoutSeconds = 10
    public var leaseSeconds = 60
    public var intervalSeconds = 1

    public init() {}

    public func validate() throws {
        if retrySeconds.isEmpty || retrySeconds.contains(where: { $0 < 1 }) {
            throw CoordinatorError(.configuration, "webhooks.retrySeconds must be a list of waits of at least 1 s")
        }
        if giveUpHours <= 0 { throw CoordinatorError(.configuration, "webhooks.giveUpHours must be more than 0") }
        if !(1...120).contains(timeoutSeconds) { throw CoordinatorError(.configuration, "webhooks.timeoutSeconds must be 1…120") }
        if leaseSeconds < timeoutSeconds * 2 {
            throw CoordinatorError(.configuration, "webhooks.leaseSeconds must be at least twice webhooks.timeoutSeconds")
        }
        if !(1...3600).contains(intervalSeconds) { throw CoordinatorError(.configuration, "webhooks.intervalSeconds must be 1…3600") }
    }

    /// The wait after `attempts` failed attempts.
    package func retryDelay(afterAttempt attempts: Int) -> TimeInterval {
        Double(retrySeconds[min(max(attempts - 1, 0), retrySeconds.count - 1)])
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case retrySeconds, giveUpHours, timeoutSeconds, leaseSeconds, intervalSeconds
    }

    public init(from decoder: any Decoder) throws {
        try ConfigSection.refuseUnknownKeys(in: decoder, section: "webhooks", known: CodingKeys.allCases.map(\.stringValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        retrySeconds = try c.decodeIfPresent([Int].self, forKey: .retrySeconds) ?? retrySeconds
        giveUpHours = try c.decodeIfPresent(Double.self, forKey: .giveUpHours) ?? giveUpHours
        timeoutSeconds = try c.decodeIfPresent(Int.self, forKey: .timeoutSeconds) ?? timeoutSeconds
        leaseSeconds = try c.decodeIfPresent(Int.self, forKey: .leaseSeconds) ?? leaseSeconds
        intervalSeconds = try c.decodeIfPresent(Int.self, forKey: .intervalSeconds) ?? intervalSeconds
    }
}

/// How a webhook leaves: an HTTP POST, and its answer's status. The coordinator's adapter is
/// `HTTPWebhookTransport` (TriageCoordinator, over TriageHTTP).
public protocol WebhookTransport: Sendable {
    /// The answer's status; throws `WebhookTransportError` when there was no answer.
    func post(url: String, headers: [(String, String)], body: [UInt8], timeout: Duration) async throws -> Int
}

public struct WebhookTransportError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
