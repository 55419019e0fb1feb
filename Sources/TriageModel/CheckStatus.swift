/// The state of a check item, spelled the same everywhere: manifests, JSON, tables.
/// Ordered by severity so that the worst of several is their maximum.
public enum CheckStatus: String, Codable, Sendable, CaseIterable, Comparable {
    case ok
    case warning
    case unknown
    case critical

    /// The Monitoring Plugins exit code: 0 ok, 1 warning, 2 critical, 3 unknown.
    public var exitCode: Int32 {
        switch self {
        case .ok: 0
        case .warning: 1
        case .critical: 2
        case .unknown: 3
        }
    }

    /// The status a Monitoring Plugins exit code stands for; anything but 0–3 is unknown.
    public init(exitCode: Int32) {
        switch exitCode {
        case 0: self = .ok
        case 1: self = .warning
        case 2: self = .critical
        default: self = .unknown
        }
    }

    /// Severity order: ok < warning < unknown < critical. An unknown outranks a warning
    /// because nobody knows what is behind it; a critical outranks both.
    private var rank: Int {
        switch self {
        case .ok: 0
        case .warning: 1
        case .unknown: 2
        case .critical: 3
        }
    }

    public static func < (lhs: CheckStatus, rhs: CheckStatus) -> Bool { lhs.rank < rhs.rank }
}
