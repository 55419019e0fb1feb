import TriageDomain

/// How long and how much a client may hold the server (`http:` in the configuration file).
///
/// ```yaml
/// http: {idleTimeoutSeconds: 75, bodyTimeoutSeconds: 30, maxConnections: 1024, unauthenticatedBodyBytes: 8192,
///        trustedProxies: [127.0.0.1, "::1"]}
/// ```
public struct HTTPPolicy: Codable, Sendable, Equatable {
    /// A connection with no request in progress, or whose request head is not complete, is closed
    /// after this long without a complete part (slowloris headers end here). Longer than a load
    /// balancer's upstream keep-alive (nginx: 60 s), so the balancer closes first.
    public var idleTimeoutSeconds = 75
    /// A request's whole body must arrive within this many seconds of its head (else 408 and close).
    public var bodyTimeoutSeconds = 30
    /// Connections open at once; past it a new one is closed at once and the log says so.
    public var maxConnections = 1024
    /// A request without credentials (no bearer token, no board session) is read up to this many
    /// bytes only: it can be nothing but a login form or a 401.
    public var unauthenticatedBodyBytes = 8 << 10
    /// Peers whose X-Forwarded-For names the client (a reverse proxy on the same machine by
    /// default): failed sign-ins are counted per client address, not per proxy.
    public var trustedProxies = ["127.0.0.1", "::1"]

    public init() {}

    public func validate() throws {
        if !(1...3600).contains(idleTimeoutSeconds) { throw CoordinatorError(.configuration, "http.idleTimeoutSeconds must be 1…3600") }
        if !(1...3600).contains(bodyTimeoutSeconds) { throw CoordinatorError(.configuration, "http.bodyTimeoutSeconds must be 1…3600") }
        if !(1...1_000_000).contains(maxConnections) { throw CoordinatorError(.configuration, "http.maxConnections must be 1…1000000") }
        if !(1024...(1 << 20)).contains(unauthenticatedBodyBytes) {
            throw CoordinatorError(.configuration, "http.unauthenticatedBodyBytes must be 1024…1048576")
        }
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case idleTimeoutSeconds, bodyTimeoutSeconds, maxConnections, unauthenticatedBodyBytes, trustedProxies
    }

    public init(from decoder: any Decoder) throws {
        try ConfigSection.refuseUnknownKeys(in: decoder, section: "http", known: CodingKeys.allCases.map(\.stringValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        idleTimeoutSeconds = try c.decodeIfPresent(Int.self, forKey: .idleTimeoutSeconds) ?? idleTimeoutSeconds
        bodyTimeoutSeconds = try c.decodeIfPresent(Int.self, forKey: .bodyTimeoutSeconds) ?? bodyTimeoutSeconds
        maxConnections = try c.decodeIfPresent(Int.self, forKey: .maxConnections) ?? maxConnections
        unauthenticatedBodyBytes = try c.decodeIfPresent(Int.self, forKey: .unauthenticatedBodyBytes) ?? unauthenticatedBodyBytes
        trustedProxies = try c.decodeIfPresent([String].self, forKey: .trustedProxies) ?? trustedProxies
    }
}
