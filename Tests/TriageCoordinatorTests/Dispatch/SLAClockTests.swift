import Foundation
import Testing

@testable import TriageAPI
@testable import TriageBoard
@testable import TriageCoordinator
@testable import TriageDomain
@testable import TriageEdge
@testable import TriageMailTransport
@testable import TriageStorage

/// Deadline arithmetic across business-hour edges, weekends, holidays, a DST change and pauses.
@Suite struct SLAClockTests {
    /// Mon–Fri 08:00–17:00 in Berlin; 2026-12-25 is a holiday. DST starts 2026-03-29 (02:00 → 03:00).
    static let berlin = BusinessCalendar(timeZone: "Europe/Berlin", holidays: ["2026-12-25"])
    static let business = SLAClock(hours: .business, calendar: berlin)
    static let always = SLAClock(hours: .always, calendar: berlin)

    static func utc(_ text: String) -> Date { JSONBody.parseDate(text)! }

    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let start: String
        let minutes: Double
        let pauses: [(String, String)]
        let due: String
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "inside one day", start: "2026-11-23T09:00:00Z", minutes: 120, pauses: [], due: "2026-11-23T11:00:00Z"),
        // 16:00 Berlin Friday (15:00Z) + 4 h: 1 h Friday, 3 h from Monday 08:00 (07:00Z).
        Case(name: "over a weekend", start: "2026-11-27T15:00:00Z", minutes: 240, pauses: [], due: "2026-11-30T10:00:00Z"),
        Case(name: "opened on Saturday", start: "2026-11-28T10:00:00Z", minutes: 60, pauses: [], due: "2026-11-30T08:00:00Z"),
        Case(name: "opened before opening", start: "2026-11-23T05:00:00Z", minutes: 30, pauses: [], due: "2026-11-23T07:30:00Z"),
        Case(name: "ends exactly at closing", start: "2026-11-23T15:00:00Z", minutes: 60, pauses: [], due: "2026-11-23T16:00:00Z"),
        Case(name: "opened after closing", start: "2026-11-23T16:30:00Z", minutes: 15, pauses: [], due: "2026-11-24T07:15:00Z"),
        // Thursday 24 Dec 16:00 Berlin + 2 h: 1 h Thursday, Friday 25th is a holiday, then Monday 28th.
        Case(name: "over a holiday", start: "2026-12-24T15:00:00Z", minutes: 120, pauses: [], due: "2026-12-28T08:00:00Z"),
        // Friday 27 March 16:00 CET (15:00Z) + 2 h: 1 h Friday, Monday 30 March opens 08:00 CEST = 06:00Z.
        Case(name: "across the DST change", start: "2026-03-27T15:00:00Z", minutes: 120, pauses: [], due: "2026-03-30T07:00:00Z"),
        Case(name: "3 business days", start: "2026-11-23T07:00:00Z", minutes: 3 * 540, pauses: [], due: "2026-11-25T16:00:00Z"),
        // Waiting for the customer Monday 10:00–14:00 Berlin: 4 business hours later.
        Case(
            name: "a pause inside hours", start: "2026-11-23T07:00:00Z", minutes: 120,
            pauses: [("2026-11-23T08:00:00Z", "2026-11-23T12:00:00Z")], due: "2026-11-23T13:00:00Z"),
        // A pause over the weekend costs no business time.
        Case(
            name: "a pause over the weekend", start: "2026-11-27T15:00:00Z", minutes: 240,
            pauses: [("2026-11-27T16:00:00Z", "2026-11-30T07:00:00Z")], due: "2026-11-30T10:00:00Z"),
        Case(
            name: "a pause that has not ended", start: "2026-11-23T07:00:00Z", minutes: 120,
            pauses: [("2026-11-23T08:00:00Z", "2100-01-01T00:00:00Z")], due: "4001-01-01T00:00:00Z"),
    ]

    @Test(arguments: cases)
    func businessDeadlines(_ check: Case) {
        let pauses = check.pauses.map { DateInterval(start: Self.utc($0.0), end: Self.utc($0.1)) }
        let due = Self.business.due(from: Self.utc(check.start), minutes: check.minutes, pauses: pauses)
        if check.due.hasPrefix("4001") {
            #expect(due > Self.utc("2099-01-01T00:00:00Z"))
        } else {
            #expect(due == Self.utc(check.due), "\(check.name): \(due)")
            // Elapsed working time up to the deadline is the target, whatever the calendar did.
            #expect(abs(Self.business.elapsedMinutes(from: Self.utc(check.start), to: due, pauses: pauses) - check.minutes) < 0.001)
        }
    }

    @Test func aroundTheClockCountsEveryMinuteButPauses() {
        let start = Self.utc("2026-11-27T15:00:00Z")
        #expect(Self.always.due(from: start, minutes: 240) == Self.utc("2026-11-27T19:00:00Z"))
        let pause = DateInterval(start: Self.utc("2026-11-27T16:00:00Z"), end: Self.utc("2026-11-27T17:30:00Z"))
        #expect(Self.always.due(from: start, minutes: 240, pauses: [pause]) == Self.utc("2026-11-27T20:30:00Z"))
        #expect(Self.always.elapsedMinutes(from: start, to: Self.utc("2026-11-27T20:30:00Z"), pauses: [pause]) == 240)
    }

    /// Whole-day hours on the days the clocks change: 23 and 25 hours of business time, not 24.
    @Test func wholeDaysFollowTheirLocalLengthAcrossDST() {
        let sundays = SLAClock(
            hours: .business,
            calendar: BusinessCalendar(
                timeZone: "Europe/Berlin", weekdays: [7], opens: "00:00", closes: "24:00"))
        // Sunday 29 March 2026 runs from 23:00Z Saturday to 22:00Z: 23 hours.
        let spring = Self.utc("2026-03-28T23:00:00Z")
        #expect(sundays.elapsedMinutes(from: spring, to: Self.utc("2026-04-06T00:00:00Z")) == (23 + 24) * 60)
        #expect(sundays.due(from: spring, minutes: 23 * 60 + 30) == Self.utc("2026-04-04T22:30:00Z"))
        // Sunday 25 October 2026 runs from 22:00Z Saturday to 23:00Z: 25 hours.
        let autumn = Self.utc("2026-10-24T22:00:00Z")
        #expect(sundays.elapsedMinutes(from: autumn, to: Self.utc("2026-10-26T00:00:00Z")) == 25 * 60)
        // Opening at 09:00 on the DST Sunday is 07:00Z, on the Sunday before it 08:00Z.
        let mornings = SLAClock(
            hours: .business,
            calendar: BusinessCalendar(
                timeZone: "Europe/Berlin", weekdays: [7], opens: "09:00", closes: "10:00"))
        #expect(mornings.due(from: Self.utc("2026-03-22T12:00:00Z"), minutes: 30) == Self.utc("2026-03-29T07:30:00Z"))
        #expect(mornings.due(from: Self.utc("2026-03-21T12:00:00Z"), minutes: 30) == Self.utc("2026-03-22T08:30:00Z"))
    }

    /// Other zones' own DST changes: New York (2026-03-08 and 11-01, whole hours) and Adelaide
    /// (+09:30/+10:30, 2026-04-05 and 10-04, a half-hour offset). Mon–Fri 08:00–17:00 local.
    static let zoneCases: [(zone: String, start: String, due: String)] = [
        // Friday 16:00 EST + 2 h: 1 h Friday, Monday 08:00 EDT (12:00Z) + 1 h.
        ("America/New_York", "2026-03-06T21:00:00Z", "2026-03-09T13:00:00Z"),
        // Friday 16:00 EDT + 2 h: 1 h Friday, Monday 08:00 EST (13:00Z) + 1 h.
        ("America/New_York", "2026-10-30T20:00:00Z", "2026-11-02T14:00:00Z"),
        // Friday 16:00 ACDT (05:30Z) + 2 h: 1 h Friday, Monday 08:00 ACST (Sunday 22:30Z) + 1 h.
        ("Australia/Adelaide", "2026-04-03T05:30:00Z", "2026-04-05T23:30:00Z"),
        // Friday 16:00 ACST (06:30Z) + 2 h: 1 h Friday, Monday 08:00 ACDT (Sunday 21:30Z) + 1 h.
        ("Australia/Adelaide", "2026-10-02T06:30:00Z", "2026-10-04T22:30:00Z"),
    ]

    @Test(arguments: zoneCases.indices)
    func deadlinesCrossTheirOwnZonesDSTChanges(_ index: Int) {
        let (zone, start, due) = Self.zoneCases[index]
        let clock = SLAClock(hours: .business, calendar: BusinessCalendar(timeZone: zone))
        #expect(clock.due(from: Self.utc(start), minutes: 120) == Self.utc(due), "\(zone) \(start)")
        #expect(abs(clock.elapsedMinutes(from: Self.utc(start), to: Self.utc(due)) - 120) < 0.001)
    }

    /// The day the clocks change is 23 hours long in New York and in Adelaide alike.
    @Test func shortDaysInOtherZones() {
        for (zone, sunday, monday) in [
            ("America/New_York", "2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z"),
            ("Australia/Adelaide", "2026-10-03T14:30:00Z", "2026-10-04T13:30:00Z"),
        ] {
            let sundays = SLAClock(
                hours: .business, calendar: BusinessCalendar(timeZone: zone, weekdays: [7], opens: "00:00", closes: "24:00"))
            #expect(sundays.elapsedMinutes(from: Self.utc(sunday), to: Self.utc(monday)) == 23 * 60, "\(zone)")
        }
    }

    @Test func calendarsAreValidated() {
        #expect(throws: CoordinatorError.self) { try BusinessCalendar(timeZone: "Nowhere/Land").validate() }
        #expect(throws: CoordinatorError.self) { try BusinessCalendar(opens: "18:00", closes: "08:00").validate() }
        #expect(throws: CoordinatorError.self) { try BusinessCalendar(holidays: ["25.12.2026"]).validate() }
        #expect(throws: CoordinatorError.self) { try BusinessCalendar(weekdays: []).validate() }
        #expect(Self.berlin.minutesPerDay == 540)
    }
}
