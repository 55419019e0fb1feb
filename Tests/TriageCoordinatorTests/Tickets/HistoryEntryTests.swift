import Foundation
import Testing

@testable import TriageAPI
@testable import TriageBoard
@testable import TriageCoordinator
@testable import TriageDomain
@testable import TriageEdge
@testable import TriageMailTransport
@testable import TriageStorage

/// The typed history: one payload type per kind, read back as written, and the wire shape the
/// API has always served (keys with null where they were shown empty, times as ISO text).
@Suite struct HistoryEntryTests {
    static let at = Date(timeIntervalSince1970: 1_795_000_000)
    static let report = UUID(uuidString: "0B2F4E4A-3F4B-4A5E-9F4B-2C1D0E9F8A7B")!
    static let item = CheckedItem(plugin: "disk", item: "/", status: "critical", summary: "97% used")
    static let step = VisitStep(visitId: 4, from: .booked, technicianId: 2, notes: nil)
    static let time = VisitTime(visitId: 4, technicianId: 2, siteId: 1, start: at, end: at + 3600)

    /// One of every kind.
    static let samples: [HistoryEntry] = [
        .created(TicketCreated(title: "VPN down", severity: 2, tier: 1, channel: .phone, customerId: nil, hostId: 7)),
        .updated(FieldChanges(title: Change(from: "a", to: "b"), customerId: Change(from: nil, to: 3))),
        .comment(Comment(body: "Called back", visibility: .internal)),
        .mailReceived(
            MailReceived(
                from: "yuki@acme.example", fromName: "Yuki Tanaka", to: ["support@triage.test"], cc: [], subject: "VPN down",
                body: "It is down.", messageId: "a1@acme.example",
                attachments: [
                    Attachment(name: "log.txt", contentType: "text/plain", size: 12, sha256: String(repeating: "a", count: 64))
                ],
                automatic: nil, relatedTo: 7, fromHTML: nil, raw: String(repeating: "b", count: 64))),
        .mailDelivery(
            MailDelivery(
                messageId: "triage.1.a.b@triage.test", recipients: ["yuki@acme.example"], state: .failed, attempts: 3,
                error: "the server refused RCPT TO <yuki@acme.example>: 550 5.1.1 no such user")),
        .acknowledged(Acknowledged(responseDueAt: at)),
        .reopened(StatusChange(from: .resolved, to: .assigned, reason: "came back")),
        .merged(TicketMerge(from: 5, into: 3, title: "Printer", moved: 4, cc: ["boss@acme.example"])),
        .linked(TicketLinkChange(ticketId: 7, relation: .parent)), .unlinked(TicketLinkChange(ticketId: 7, relation: .related)),
        .statusChanged(StatusChange(from: .new, to: .assigned)),
        .severityChanged(Change(from: 3, to: 1)),
        .tierChanged(Change(from: 1, to: 2)),
        .assigned(
            AssignmentMade(
                trigger: "created", reason: "lowest load", eligible: 2,
                runnerUp: .init(technicianId: 3, name: "Ben", qualifies: "tier 2"), assigneeId: 2)),
        .unassigned(Unassigned(previousAssigneeId: 2)),
        .unassignable(AssignmentMade(trigger: "created", reason: "nobody on shift", eligible: 0)),
        .assignmentKept(AssignmentMade(trigger: "escalated", reason: "still best", eligible: 1, assigneeId: 2)),
        .escalated(Escalation(kind: .functional, from: 1, to: 2, reason: "diagnosis", reportId: report)),
        .vendorCaseOpened(VendorCaseOpened(vendor: "Dell", externalRef: nil, status: "open", vendorSeverity: nil, vendorDueAt: at)),
        .vendorCaseUpdated(VendorCaseUpdated(vendor: "Dell", externalRef: Change(from: nil, to: "SR-1"))),
        .vendorCaseSuggested(VendorSuggested(vendor: "Dell", reasons: ["disk/sda: SMART"], reportId: report)),
        .diagnosticAttached(
            DiagnosticAttached(
                reportId: report, host: "web-01", status: "critical", problems: ["disk//: critical"],
                onsite: true, vendors: [], tier: nil, applied: false, waiting: "for the assignee")),
        .diagnosisApplied(DiagnosisApplied(reportId: report, postedBy: .agent("web-01"))),
        .diagnosisJob(JobStep(job: 3, state: .failed, lease: 2, checks: nil, reportId: nil, message: "HOST KEY MISMATCH")),
        .flagged(Flagged(flag: "onsite", reasons: ["disk/sda: SMART"], reportId: report)),
        .skillsRequired(SkillsRequired(added: ["storage"], requiredSkills: ["storage"], reportId: report)),
        .slaWarning(SLATarget(target: "respond", dueAt: at)),
        .slaBreach(SLATarget(target: "resolve", dueAt: at)),
        .visitBooked(time),
        .visitRescheduled(
            VisitMoved(
                visitId: 4, from: time,
                to: VisitTime(
                    visitId: 4, technicianId: 3, siteId: 1, start: at + 7200,
                    end: at + 10_800, technician: "Ben", deadline: "before the deadline"))),
        .visit(.enRoute, step), .visit(.onSite, step), .visit(.done, VisitStep(visitId: 4, from: .onSite, technicianId: 2, notes: "fan")),
        .visit(.cancelled, step),
        .problem(Problems(items: [item], duringVisit: 4)),
        .problemChanged(item), .recovered(item), .flapping(item), .flappingStopped(item),
        .hostSilent(HostSilent(lastReportAt: at, intervalSeconds: 60)),
        .hostReporting(HostReporting(lastReportAt: at)),
    ]

    @Test func everyKindHasAPayloadThatReadsBackAsWritten() throws {
        #expect(Set(Self.samples.map(\.kind)) == Set(EventKind.allCases))
        #expect(Self.samples.count == EventKind.allCases.count)
        for sample in Self.samples {
            #expect(try HistoryEntry(kind: sample.kind, data: sample.data()) == sample, "\(sample.kind)")
        }
    }

    @Test func theWireShapeIsTheAPIsOwn() throws {
        let created = try HistoryEntry.created(TicketCreated(title: "t", severity: 3, tier: 1, channel: .api, customerId: nil, hostId: nil))
            .data()
        #expect(created == ["title": "t", "severity": 3, "tier": 1, "channel": "api", "customerId": .null, "hostId": .null])
        // A status change the system made says why; one a person made has no reason key.
        #expect(try HistoryEntry.statusChanged(StatusChange(from: .new, to: .assigned)).data() == ["from": "new", "to": "assigned"])
        #expect(
            try HistoryEntry.acknowledged(Acknowledged(responseDueAt: Self.at)).data()
                == ["responseDueAt": .string(Self.at.internetTime)])
        #expect(
            try HistoryEntry.vendorCaseUpdated(VendorCaseUpdated(vendor: "Dell", externalRef: Change(from: nil, to: "SR-1"))).data()
                == ["vendor": "Dell", "externalRef": ["from": .null, "to": "SR-1"]])
        #expect(
            try HistoryEntry.diagnosisApplied(DiagnosisApplied(reportId: Self.report, postedBy: .person(.technician, "ana"))).data()
                == ["reportId": .string(Self.report.uuidString), "postedBy": "technician:ana"])
    }

    @Test func aReportStampJoinsTheDataOfEveryEventItCaused() throws {
        let source = ReportSource(reportId: Self.report, postedBy: .agent("web-01"))
        let stamped = source.stamp([
            NewEvent(.recovered(Self.item)), NewEvent(.statusChanged(StatusChange(from: .assigned, to: .resolved))),
        ])
        for event in stamped {
            #expect(try event.data()["reportId"] == .string(Self.report.uuidString))
            #expect(try event.data()["postedBy"] == "agent:web-01")
        }
    }

    @Test func dataThatDoesNotFitItsKindIsRefused() {
        #expect(throws: (any Error).self) { try HistoryEntry(kind: .slaBreach, data: ["target": "resolve"]) }
        #expect(throws: (any Error).self) { try HistoryEntry(kind: .comment, data: ["body": "x", "visibility": "secret"]) }
    }

    @Test func actorsReadBackFromTheirText() {
        for actor: Actor in [.person(.dispatcher, "alice"), .agent("web-01"), .system(.sla), .person(.admin, "a:b")] {
            #expect(Actor(actor.description) == actor)
        }
        #expect(Actor("system:payroll") == nil)
        #expect(Actor("nobody") == nil)
        #expect(Actor("guest:x") == nil)
        #expect(Actor.agent("web-01").isPerson == false && Actor.person(.technician, "ana").isPerson)
    }
}
