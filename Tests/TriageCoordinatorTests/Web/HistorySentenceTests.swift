import Foundation
import Testing

@testable import TriageAPI
@testable import TriageBoard
@testable import TriageCoordinator
@testable import TriageDomain
@testable import TriageEdge
@testable import TriageMailTransport
@testable import TriageStorage

/// Every kind of history entry reads as a sentence: names for ids, times in the board's zone, no
/// JSON keys, no report UUIDs. A kind added without a sample here (or without words) fails.
@Suite struct HistorySentenceTests {
    static let at = Date(timeIntervalSince1970: 1_795_000_000)
    static let report = UUID(uuidString: "5E1F3C2A-0000-4000-8000-000000000001")!
    static let checked = CheckedItem(plugin: "disk", item: "/var", status: "critical", summary: "97% full", flapping: nil)
    static let visit = VisitTime(visitId: 3, technicianId: 2, siteId: 1, start: at, end: at + 3600, technician: nil, deadline: nil)

    static let samples: [HistoryEntry] = [
        .created(TicketCreated(title: "Mail server down", severity: 1, tier: 1, channel: .phone, customerId: 1, hostId: nil)),
        .updated(FieldChanges(title: Change(from: "a", to: "Mail down"), tags: Change(from: [], to: ["mail"]))),
        .comment(Comment(body: "We are on it.", visibility: .public)),
        .acknowledged(Acknowledged(responseDueAt: at)),
        .reopened(StatusChange(from: .resolved, to: .assigned, reason: "it broke again")),
        .statusChanged(StatusChange(from: .assigned, to: .inProgress, reason: nil)),
        .severityChanged(Change(from: 3, to: 1)),
        .tierChanged(Change(from: 1, to: 2)),
        .assigned(
            AssignmentMade(
                trigger: "created", reason: "tier 2 for a tier 1 ticket, on shift, load 1 of 8", eligible: 2,
                runnerUp: .init(technicianId: 1, name: "Ben", qualifies: "load 3 of 8"), assigneeId: 2, previousAssigneeId: nil)),
        .unassigned(Unassigned(previousAssigneeId: 2)),
        .unassignable(
            AssignmentMade(
                trigger: nil, reason: "nobody on shift has the skill storage", eligible: 0, runnerUp: nil,
                assigneeId: nil, previousAssigneeId: nil)),
        .assignmentKept(
            AssignmentMade(trigger: nil, reason: "still eligible", eligible: 2, runnerUp: nil, assigneeId: 2, previousAssigneeId: 2)),
        .escalated(Escalation(kind: .functional, from: 1, to: 2, notified: nil, reason: "needs storage skills", reportId: report)),
        .vendorCaseOpened(VendorCaseOpened(vendor: "Dell", externalRef: "SR-1", status: "open", vendorSeverity: nil, vendorDueAt: at)),
        .vendorCaseUpdated(
            VendorCaseUpdated(
                vendor: "Dell", externalRef: nil, status: Change(from: "open", to: "part shipped"),
                vendorSeverity: nil, vendorDueAt: nil)),
        .vendorCaseSuggested(VendorSuggested(vendor: "Dell", reasons: ["the RAID controller reports a fault"], reportId: report)),
        .diagnosticAttached(
            DiagnosticAttached(
                reportId: report, host: "web1", status: "critical", problems: ["disk /var: critical"],
                onsite: true, vendors: ["Dell"], tier: 2, applied: true, waiting: nil, job: 4)),
        .diagnosisApplied(DiagnosisApplied(reportId: report, postedBy: .agent("web1-agent"))),
        .diagnosisJob(JobStep(job: 4, state: .queued, lease: nil, checks: ["disk"], reportId: nil, message: nil)),
        .flagged(Flagged(flag: "onsite", reasons: ["the disk is failing"], reportId: report)),
        .skillsRequired(SkillsRequired(added: ["storage"], requiredSkills: ["linux", "storage"], reportId: report)),
        .slaWarning(SLATarget(target: "respond", dueAt: at)),
        .slaBreach(SLATarget(target: "resolve", dueAt: at)),
        .visitBooked(visit),
        .visitRescheduled(
            VisitMoved(
                visitId: 3, from: visit,
                to: VisitTime(
                    visitId: 3, technicianId: 2, siteId: 1, start: at + 86_400,
                    end: at + 90_000, technician: "Vera", deadline: nil))),
        .visitStep(.visitEnRoute, VisitStep(visitId: 3, from: .booked, technicianId: 2, notes: nil)),
        .visitStep(.visitOnSite, VisitStep(visitId: 3, from: .enRoute, technicianId: 2, notes: nil)),
        .visitStep(.visitDone, VisitStep(visitId: 3, from: .onSite, technicianId: 2, notes: "replaced the disk")),
        .visitStep(.visitCancelled, VisitStep(visitId: 3, from: .booked, technicianId: 2, notes: nil)),
        .problem(Problems(items: [checked], duringVisit: nil)),
        .problemChanged(checked),
        .recovered(checked),
        .flapping(checked),
        .flappingStopped(checked),
        .hostSilent(HostSilent(lastReportAt: at, intervalSeconds: 60)),
        .hostReporting(HostReporting(lastReportAt: at)),
        .mailReceived(
            MailReceived(
                from: "yuki@acme.example", fromName: "Yuki Tanaka", to: ["support@triage.test"], cc: [], subject: "VPN down",
                body: "It is down.", messageId: "a1@acme.example", attachments: [], automatic: "Auto-Submitted: auto-replied",
                relatedTo: nil, fromHTML: nil, raw: String(repeating: "b", count: 64))),
        .mailDelivery(
            MailDelivery(messageId: "triage.1.a.b@triage.test", recipients: ["yuki@acme.example"], state: .sent, attempts: 2, error: nil)),
        .merged(TicketMerge(from: 5, into: 3, title: "Printer", moved: 4, cc: ["boss@acme.example"])),
        .linked(TicketLinkChange(ticketId: 7, relation: .parent)), .unlinked(TicketLinkChange(ticketId: 7, relation: .related)),
    ]

    @Test func everyKindReadsAsASentenceWithNamesAndNoKeys() {
        #expect(
            Set(Self.samples.map(\.kind)) == Set(EventKind.allCases),
            "kinds without a sample: \(Set(EventKind.allCases).subtracting(Self.samples.map(\.kind)))")
        let words = HistorySentence(
            technicians: [1: "Ben", 2: "Vera"], clock: BoardClock(zone: TimeZone(identifier: "Europe/Berlin")!, now: Self.at))
        for entry in Self.samples {
            let sentence = words.sentence(entry)
            #expect(sentence.count > 12 && sentence.first?.isUppercase == true, "\(entry.kind): \(sentence)")
            for key in [
                "{", "}", "Id:", "Id\"", "technicianId", "runnerUp", "reportId", "_", Self.report.uuidString, "1795000000", "2026-11-18T",
            ] {
                #expect(!sentence.contains(key), "\(entry.kind) shows \(key): \(sentence)")
            }
        }
        #expect(
            words.sentence(Self.samples[8]).contains("Assigned to Vera") && words.sentence(Self.samples[8]).contains("Next in line: Ben"))
        #expect(
            words.sentence(.visitStep(.visitEnRoute, VisitStep(visitId: 3, from: .booked, technicianId: 2, notes: nil)))
                == "Vera is on the way.")
        #expect(
            words.sentence(.statusChanged(StatusChange(from: .inProgress, to: .waitingCustomer, reason: nil)))
                == "Status in progress → waiting customer.")
    }
}
