import Foundation
import Synchronization

/// A technician as assignment checks them, with the time zone and shifts parsed once.
package struct RosterMember: Sendable {
    package let technician: Technician
    package let zone: TimeZone?
    /// Shift start and end in minutes from local midnight, by ISO weekday, earliest first.
    package let shifts: [Int: [Range<Int>]]
    package let absences: [DateInterval]

    package init(_ technician: Technician) {
        self.technician = technician
        let fields = technician.fields
        zone = TimeZone(identifier: fields.timeZone)
        var shifts: [Int: [Range<Int>]] = [:]
        for shift in fields.shifts {
            // Stored shifts were validated on the way in; one that does not parse never counts.
            guard let start = try? Validate.clockMinutes(shift.start, "shift"),
                let end = try? Validate.clockMinutes(shift.end, "shift"), start < end
            else { continue }
            shifts[shift.weekday, default: []].append(start..<end)
        }
        self.shifts = shifts.mapValues { $0.sorted { $0.lowerBound < $1.lowerBound } }
        absences = fields.absences.map { DateInterval(start: $0.from, end: max($0.from, $0.to)) }
    }

    /// When they are on shift within `window`, absences taken out.
    package func shiftStretches(within window: DateInterval, _ days: inout LocalDays) -> [DateInterval] {
        guard let zone else { return [] }
        return Intervals.subtract(absences, from: Intervals.weekly(shifts, days.of(zone, window), within: window))
    }
}

/// The active technicians, decoded once per change to them rather than once per decision: the
/// store replaces a version token in the same transaction as every technician write, and a
/// decision reloads only when the token it reads is not the cached one. The token is read before
/// the technicians, so a concurrent change can only make the cache newer than its token.
package final class RosterCache: Sendable {
    private let cached = Mutex<(version: String, members: [RosterMember])?>(nil)

    package func members(in session: any DispatchRecords) async throws -> [RosterMember] {
        let version = try await session.techniciansVersion()
        if let hit = cached.withLock({ $0 }), hit.version == version { return hit.members }
        let members = try await session.activeTechnicians().map(RosterMember.init)
        cached.withLock { $0 = (version, members) }
        return members
    }
}
