import Foundation

/// How on-site visits are planned (issue 7). YAML `visits:`.
///
/// ```yaml
/// visits:
///   travelMinutes: 30          # between two different sites, when no region pair says otherwise
///   regionTravelMinutes:       # region to region, either direction
///     north: { south: 90 }
///   slotMinutes: 15            # proposals start on this grid
///   pastGraceMinutes: 15       # a visit may start this long ago (booked as the technician arrives), no earlier
///   horizonDays: 366           # nor further ahead than this
/// ```
public struct VisitPolicy: Codable, Sendable, Equatable {
    public var travelMinutes = 30
    public var regionTravelMinutes: [String: [String: Int]] = [:]
    public var slotMinutes = 15
    public var pastGraceMinutes = 15
    public var horizonDays = 366

    public init() {}

    /// The buffer between a visit at `a` and one at `b`: none at the same site, else the
    /// region pair's (either way round), else the default.
    public func travel(from a: SiteFields?, _ aId: Int?, to b: SiteFields?, _ bId: Int?) -> Int {
        if let aId, aId == bId { return 0 }
        if let from = a?.region, let to = b?.region {
            if let minutes = regionTravelMinutes[from]?[to] ?? regionTravelMinutes[to]?[from] { return minutes }
            if from == to, let minutes = regionTravelMinutes[from]?[from] { return minutes }
        }
        return travelMinutes
    }

    /// The longest buffer any pair can have: how far around a window booked visits matter.
    package var longestTravel: Int { ([travelMinutes] + regionTravelMinutes.values.flatMap(\.values)).max() ?? travelMinutes }

    public func validate() throws {
        if !(0...1440).contains(travelMinutes) { throw CoordinatorError(.configuration, "visits.travelMinutes must be 0…1440") }
        if !(1...240).contains(slotMinutes) { throw CoordinatorError(.configuration, "visits.slotMinutes must be 1…240") }
        if !(0...1440).contains(pastGraceMinutes) { throw CoordinatorError(.configuration, "visits.pastGraceMinutes must be 0…1440") }
        if !(1...3660).contains(horizonDays) { throw CoordinatorError(.configuration, "visits.horizonDays must be 1…3660") }
        for (from, row) in regionTravelMinutes {
            for (to, minutes) in row where !(0...1440).contains(minutes) {
                throw CoordinatorError(.configuration, "visits.regionTravelMinutes.\(from).\(to) must be 0…1440")
            }
        }
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case travelMinutes, regionTravelMinutes, slotMinutes, pastGraceMinutes, horizonDays
    }

    public init(from decoder: any Decoder) throws {
        try ConfigSection.refuseUnknownKeys(in: decoder, section: "visits", known: CodingKeys.allCases.map(\.stringValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        travelMinutes = try c.decodeIfPresent(Int.self, forKey: .travelMinutes) ?? travelMinutes
        regionTravelMinutes = try c.decodeIfPresent([String: [String: Int]].self, forKey: .regionTravelMinutes) ?? [:]
        slotMinutes = try c.decodeIfPresent(Int.self, forKey: .slotMinutes) ?? slotMinutes
        pastGraceMinutes = try c.decodeIfPresent(Int.self, forKey: .pastGraceMinutes) ?? pastGraceMinutes
        horizonDays = try c.decodeIfPresent(Int.self, forKey: .horizonDays) ?? horizonDays
    }

    /// A booking's window must start no earlier than the grace before `now` and no later than the horizon.
    package func checkBookable(_ window: DateInterval, now: Date) throws {
        let earliest = now.addingTimeInterval(-Double(pastGraceMinutes) * 60)
        if window.start < earliest {
            throw CoordinatorError.invalid(
                "start",
                "\(window.start.internetTime) is in the past; a visit starts at most "
                    + "\(pastGraceMinutes) min ago (visits.pastGraceMinutes)")
        }
        let latest = now.addingTimeInterval(Double(horizonDays) * 86_400)
        if window.start > latest {
            throw CoordinatorError.invalid(
                "start", "\(window.start.internetTime) is more than \(horizonDays) days ahead (visits.horizonDays)")
        }
    }
}
