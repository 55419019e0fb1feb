import Foundation
import TriageDomain
import TriageEdge

/// The dispatch board (issue 7). YAML `board:`.
///
/// ```yaml
/// board:
///   timeZone: Europe/Berlin   # days and times on the board; default: the SLA business calendar's
///   sessionHours: 12          # a login lasts this long
///   refreshSeconds: 60        # the board reloads itself this often when the person ticks "Update"; 0 = no such choice
/// ```
public struct BoardPolicy: Codable, Sendable, Equatable {
    public var timeZone: String?
    public var sessionHours = 12
    public var refreshSeconds = 60

    public init() {}

    public func validate() throws {
        if let timeZone, TimeZone(identifier: timeZone) == nil {
            throw CoordinatorError(.configuration, "board.timeZone \(timeZone) is not an IANA time zone")
        }
        if !(1...720).contains(sessionHours) { throw CoordinatorError(.configuration, "board.sessionHours must be 1…720") }
        if !(0...3600).contains(refreshSeconds) { throw CoordinatorError(.configuration, "board.refreshSeconds must be 0…3600") }
    }

    private enum CodingKeys: String, CodingKey, CaseIterable { case timeZone, sessionHours, refreshSeconds }

    public init(from decoder: any Decoder) throws {
        try ConfigSection.refuseUnknownKeys(in: decoder, section: "board", known: CodingKeys.allCases.map(\.stringValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        timeZone = try c.decodeIfPresent(String.self, forKey: .timeZone)
        sessionHours = try c.decodeIfPresent(Int.self, forKey: .sessionHours) ?? sessionHours
        refreshSeconds = try c.decodeIfPresent(Int.self, forKey: .refreshSeconds) ?? refreshSeconds
    }
}
