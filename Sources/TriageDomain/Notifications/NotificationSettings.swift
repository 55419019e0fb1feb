import Foundation

/// A person's choices (docs/notifications.md): per kind, in the workspace and by mail; quiet
/// hours that hold mail back; when the daily digest goes out; the time zone both are read in.
public struct NotificationSettings: Codable, Sendable, Equatable {
    public struct Choice: Codable, Sendable, Equatable, Hashable {
        /// In the workspace's bell and list.
        public var inApp: Bool
        public var email: EmailChoice

        public init(inApp: Bool, email: EmailChoice) {
            self.inApp = inApp
            self.email = email
        }
    }

    /// The kinds chosen; a kind not here has its default.
    public var kinds: [NotificationKind: Choice]
    /// Mail due between these clock times (`HH:MM`, may pass midnight) waits until `quietTo`, then goes in one mail.
    public var quietFrom: String?
    public var quietTo: String?
    /// When the digest of still-unread notifications goes out each day.
    public var digestAt: String
    /// nil: the technician's time zone, else the SLA calendar's.
    public var timeZone: String?

    public enum CodingKeys: String, CodingKey, CaseIterable { case kinds, quietFrom, quietTo, digestAt, timeZone }

    public init(
        kinds: [NotificationKind: Choice] = [:], quietFrom: String? = nil, quietTo: String? = nil, digestAt: String = "08:00",
        timeZone: String? = nil
    ) {
        self.kinds = kinds
        self.quietFrom = quietFrom
        self.quietTo = quietTo
        self.digestAt = digestAt
        self.timeZone = timeZone
    }

    /// Every field may be left out: what is missing keeps its standard.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kinds = [:]
        for (name, choice) in try c.decodeIfPresent([String: Choice].self, forKey: .kinds) ?? [:] {
            guard let kind = NotificationKind(rawValue: name) else {
                throw CoordinatorError.invalid(
                    "kinds.\(name)", "is not a kind of notification (\(NotificationKind.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            kinds[kind] = choice
        }
        quietFrom = try c.decodeIfPresent(String.self, forKey: .quietFrom)
        quietTo = try c.decodeIfPresent(String.self, forKey: .quietTo)
        digestAt = try c.decodeIfPresent(String.self, forKey: .digestAt) ?? "08:00"
        timeZone = try c.decodeIfPresent(String.self, forKey: .timeZone)
    }

    /// What each kind does until the person chooses: what is theirs to act on now comes by mail
    /// at once; the rest waits in the workspace or the digest.
    public static func standard(_ kind: NotificationKind) -> Choice {
        switch kind {
        case .assigned, .slaBreach, .escalated, .visit, .mentioned: Choice(inApp: true, email: .now)
        case .unassignable: Choice(inApp: true, email: .digest)
        case .slaWarning, .customerReplied: Choice(inApp: true, email: .off)
        }
    }

    public func choice(_ kind: NotificationKind) -> Choice { kinds[kind] ?? Self.standard(kind) }

    /// Refuses what cannot be kept: bad clock times, half a quiet window, an unknown zone, a kind the role never receives.
    package func validate(for role: Role) throws {
        var problems: [CoordinatorError.FieldProblem] = []
        func check(_ body: () throws -> Void) {
            do { try body() } catch let error as CoordinatorError { problems += error.problems } catch {}
        }
        check { _ = try Validate.clockMinutes(digestAt, "digestAt") }
        if let quietFrom { check { _ = try Validate.clockMinutes(quietFrom, "quietFrom") } }
        if let quietTo { check { _ = try Validate.clockMinutes(quietTo, "quietTo") } }
        if (quietFrom == nil) != (quietTo == nil) {
            problems.append(
                CoordinatorError.FieldProblem(field: quietFrom == nil ? "quietFrom" : "quietTo", problem: "quiet hours need both ends"))
        } else if let quietFrom, quietFrom == quietTo {
            problems.append(
                CoordinatorError.FieldProblem(field: "quietTo", problem: "quiet hours that start and end at \(quietFrom) are empty"))
        }
        if let timeZone { check { try Validate.timeZone(timeZone, "timeZone") } }
        let allowed = NotificationKind.kinds(for: role)
        for kind in kinds.keys where !allowed.contains(kind) {
            problems.append(
                CoordinatorError.FieldProblem(
                    field: "kinds.\(kind.rawValue)", problem: "only dispatchers and admins receive \(kind.rawValue)"))
        }
        if !problems.isEmpty { throw CoordinatorError.invalid(problems) }
    }

    /// When mail due at `at` may go: `at` itself, or the end of the quiet hours it falls in.
    public func mailTime(at: Date, in zone: TimeZone) -> Date {
        guard let quietFrom, let quietTo, let from = try? Validate.clockMinutes(quietFrom, ""),
            let to = try? Validate.clockMinutes(quietTo, "")
        else { return at }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.hour, .minute], from: at)
        let minute = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        let quiet = from < to ? (from..<to).contains(minute) : (minute >= from || minute < to)
        return quiet ? Self.next(to, after: at, calendar) : at
    }

    /// The first digest time after `at`.
    public func nextDigest(after at: Date, in zone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return Self.next((try? Validate.clockMinutes(digestAt, "")) ?? 8 * 60, after: at, calendar)
    }

    /// The next moment after `at` whose clock in `calendar`'s zone reads `minutes` past midnight.
    private static func next(_ minutes: Int, after at: Date, _ calendar: Calendar) -> Date {
        let day = calendar.startOfDay(for: at)
        for offset in 0...2 {
            guard let date = calendar.date(byAdding: .day, value: offset, to: day),
                let time = calendar.date(bySettingHour: minutes / 60 % 24, minute: minutes % 60, second: 0, of: date),
                let shifted = minutes == 24 * 60 ? calendar.date(byAdding: .day, value: 1, to: time) : time
            else { continue }
            if shifted > at { return shifted }
        }
        return at.addingTimeInterval(24 * 3600)
    }
}
