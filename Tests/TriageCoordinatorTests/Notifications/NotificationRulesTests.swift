import Foundation
import Testing

@testable import TriageDomain

/// The pure parts of notifications: who each history entry tells, the `@login`s in a text, when
/// quiet hours let mail go and when the digest comes, and what a person's choices may not be.
@Suite struct NotificationRulesTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)

    static func ticket(assignee: Int?) -> Ticket {
        Ticket(
            id: 42, title: "Mail server down", description: "", customerId: 1, hostId: nil, severity: 1, tier: 1,
            status: assignee == nil ? .new : .assigned, channel: .api, assigneeId: assignee, assignedAt: nil, tags: [], requiredSkills: [],
            responseDueAt: now, resolveDueAt: now, responseWarnAt: now, resolveWarnAt: now, firstResponseAt: nil, resolvedAt: nil,
            closedAt: nil, flags: TicketFlags(), dedupeKey: nil, createdBy: .system(.health), createdAt: now, updatedAt: now)
    }

    static func told(_ ticket: Ticket, _ entries: [HistoryEntry]) -> [String] {
        NotificationRules.addressed(ticket, entries: entries).map { "\($0.kind.rawValue) → \($0.to) [\($0.entry)]" }
    }

    @Test func eachEntryTellsWhomItConcerns() {
        let mine = Self.ticket(assignee: 7)
        let nobodys = Self.ticket(assignee: nil)
        let sla = SLATarget(target: "respond", dueAt: Self.now)
        let visit = VisitTime(visitId: 1, technicianId: 9, siteId: 1, start: Self.now, end: Self.now + 3600)
        var moved = visit
        moved.technicianId = 7
        let mail = MailReceived(
            from: "yuki@acme.example", fromName: "Yuki", to: [], cc: [], subject: "Re: x", body: "Still broken", messageId: nil,
            attachments: [], raw: "0")
        var automatic = mail
        automatic.automatic = "out of office"
        let cases: [([HistoryEntry], Ticket, [String])] = [
            ([.assigned(AssignmentMade(reason: "on shift", assigneeId: 7))], mine, ["assigned → technician(7) [0]"]),
            ([.unassignable(AssignmentMade(reason: "nobody at tier 3"))], nobodys, ["unassignable → desk [0]"]),
            ([.escalated(Escalation(kind: .hierarchical, notified: "lead", reason: "furious"))], mine, ["escalated → desk [0]"]),
            // A functional escalation tells nobody by itself: the assignment it runs does.
            ([.escalated(Escalation(kind: .functional, from: 1, to: 2, reason: "BGP"))], mine, []),
            ([.slaWarning(sla)], mine, ["sla_warning → technician(7) [0]"]),
            ([.slaBreach(sla)], nobodys, ["sla_breach → desk [0]"]),
            ([.visitBooked(visit)], mine, ["visit → technician(9) [0]"]),
            (
                [.visitRescheduled(VisitMoved(visitId: 1, from: visit, to: moved))], mine,
                ["visit → technician(7) [0]", "visit → technician(9) [0]"]
            ),
            (
                [.visitStep(.visitCancelled, VisitStep(visitId: 1, from: .booked, technicianId: 9, notes: "fixed remotely"))], mine,
                ["visit → technician(9) [0]"]
            ),
            ([.visitStep(.visitOnSite, VisitStep(visitId: 1, from: .enRoute, technicianId: 9))], mine, []),
            (
                [.statusChanged(StatusChange(from: .new, to: .inProgress)), .mailReceived(mail)], mine,
                ["customer_replied → technician(7) [1]"]
            ),
            // Nobody's ticket, an out-of-office, or the mail that opened the ticket: no one to tell.
            ([.mailReceived(mail)], nobodys, []),
            ([.mailReceived(automatic)], mine, []),
            ([.created(TicketCreated(title: "x", severity: 1, tier: 1, channel: .email)), .mailReceived(mail)], mine, []),
            (
                [.comment(Comment(body: "@Tina can you look? @ben. Mail anna@acme.example, not @tina again", visibility: .internal))], mine,
                ["mentioned → login(\"tina\") [0]", "mentioned → login(\"ben\") [0]"]
            ),
            ([.comment(Comment(body: "Thanks", visibility: .public))], mine, []),
        ]
        for (entries, ticket, expected) in cases {
            #expect(Self.told(ticket, entries) == expected, "\(entries.map(\.kind))")
        }
        let texts = NotificationRules.addressed(
            mine, entries: [.slaBreach(sla), .assigned(AssignmentMade(reason: "on shift", assigneeId: 7))])
        #expect(texts.map(\.text) == ["The response target was missed: it was due {time}", "Assigned to you: on shift"])
        #expect(texts[0].time == Self.now)
    }

    @Test func mentionsAreLoginsAfterAnAtThatStartsAWord() {
        #expect(NotificationRules.mentions(in: "@tess: see (@otto) and @max-mustermann.") == ["tess", "otto", "max-mustermann"])
        #expect(NotificationRules.mentions(in: "write to anna@acme.example or a.b@c") == [])
        #expect(NotificationRules.mentions(in: "@ alone, @@, and @TESS twice @tess") == ["tess"])
    }

    static func settings(_ from: String?, _ to: String?, digest: String = "08:00") -> NotificationSettings {
        NotificationSettings(quietFrom: from, quietTo: to, digestAt: digest)
    }

    static func utc(_ text: String) -> Date { InternetTime.parse(text)! }

    @Test func quietHoursHoldMailUntilTheyEndAndTheDigestComesAtItsTime() throws {
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        let night = Self.settings("22:00", "07:00")
        // 23:30 in Berlin (22:30 UTC in winter): held until 07:00 Berlin, 06:00 UTC.
        #expect(night.mailTime(at: Self.utc("2026-12-07T22:30:00Z"), in: berlin) == Self.utc("2026-12-08T06:00:00Z"))
        // 02:00 Berlin: the same morning.
        #expect(night.mailTime(at: Self.utc("2026-12-08T01:00:00Z"), in: berlin) == Self.utc("2026-12-08T06:00:00Z"))
        // 07:00 and 21:59 Berlin are not quiet.
        for awake in ["2026-12-08T06:00:00Z", "2026-12-08T20:59:00Z"] {
            #expect(night.mailTime(at: Self.utc(awake), in: berlin) == Self.utc(awake))
        }
        // A window inside one day (a lunch break), and none at all.
        let lunch = Self.settings("12:00", "13:00")
        #expect(lunch.mailTime(at: Self.utc("2026-12-08T12:30:00Z"), in: .gmt) == Self.utc("2026-12-08T13:00:00Z"))
        #expect(Self.settings(nil, nil).mailTime(at: Self.utc("2026-12-08T03:00:00Z"), in: .gmt) == Self.utc("2026-12-08T03:00:00Z"))
        // The digest: today's 08:00 when it is still to come, else tomorrow's; across the spring clock change.
        #expect(night.nextDigest(after: Self.utc("2026-12-08T05:00:00Z"), in: berlin) == Self.utc("2026-12-08T07:00:00Z"))
        #expect(night.nextDigest(after: Self.utc("2026-12-08T07:00:00Z"), in: berlin) == Self.utc("2026-12-09T07:00:00Z"))
        #expect(night.nextDigest(after: Self.utc("2027-03-28T00:30:00Z"), in: berlin) == Self.utc("2027-03-28T06:00:00Z"))
    }

    @Test func choicesThatCannotBeKeptAreRefusedByField() throws {
        func problems(_ settings: NotificationSettings, _ role: Role = .technician) -> [String] {
            do {
                try settings.validate(for: role)
                return []
            } catch let error as CoordinatorError {
                return error.problems.map(\.field)
            } catch { return ["?"] }
        }
        #expect(problems(Self.settings("22:00", "07:00")) == [])
        #expect(problems(Self.settings("22:00", nil)) == ["quietTo"])
        #expect(problems(Self.settings("9:00", "10:00", digest: "25:00")) == ["digestAt", "quietFrom"])
        #expect(problems(Self.settings("10:00", "10:00")) == ["quietTo"])
        #expect(problems(NotificationSettings(timeZone: "Mars/Olympus")) == ["timeZone"])
        let desk = NotificationSettings(kinds: [.unassignable: .init(inApp: true, email: .now)])
        #expect(problems(desk) == ["kinds.unassignable"])
        #expect(problems(desk, .dispatcher) == [])
        #expect(NotificationSettings().choice(.assigned) == .init(inApp: true, email: .now))
        #expect(NotificationSettings().choice(.customerReplied) == .init(inApp: true, email: .off))
    }
}
