import Foundation

/// How on-site visits are planned (issue 7). YAML `visits:`.
///
/// ```yaml
/// visits:
///   travelMinutes: 30          # between two different sites, when no region pair says otherwise
///   regionTravelMinutes:       # region to region, either direction
///     north: { south: 90 }
///   slotMinutes: 15            # proposals start on this grid
/// ```
public struct VisitPolicy: Codable, Sendable, Equatable {
    public var travelMinutes = 30
    public var regionTravelMinutes: [String: [String: Int]] = [:]
    public var slotMinutes = 15

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
    var longestTravel: Int { ([travelMinutes] + regionTravelMinutes.values.flatMap(\.values)).max() ?? travelMinutes }

    public func validate() throws {
        if !(0...1440).contains(travelMinutes) { throw CoordinatorError(.configuration, "visits.travelMinutes must be 0…1440") }
        if !(1...240).contains(slotMinutes) { throw CoordinatorError(.configuration, "visits.slotMinutes must be 1…240") }
        for (from, row) in regionTravelMinutes {
            for (to, minutes) in row where !(0...1440).contains(minutes) {
                throw CoordinatorError(.configuration, "visits.regionTravelMinutes.\(from).\(to) must be 0…1440")
            }
        }
    }

    private enum CodingKeys: String, CodingKey, CaseIterable { case travelMinutes, regionTravelMinutes, slotMinutes }

    public init(from decoder: any Decoder) throws {
        try ConfigSection.refuseUnknownKeys(in: decoder, section: "visits", known: CodingKeys.allCases.map(\.stringValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        travelMinutes = try c.decodeIfPresent(Int.self, forKey: .travelMinutes) ?? travelMinutes
        regionTravelMinutes = try c.decodeIfPresent([String: [String: Int]].self, forKey: .regionTravelMinutes) ?? [:]
        slotMinutes = try c.decodeIfPresent(Int.self, forKey: .slotMinutes) ?? slotMinutes
    }
}
