import Foundation
import TriageDomain
import TriageEdge

/// A ticket's history entry as a sentence a person reads (docs/board.md, "A ticket's page"):
/// names instead of ids, times in the board's zone, no JSON keys, no report UUIDs. Every kind has
/// one (`HistorySentenceTests` renders each `EventKind`).
struct HistorySentence {
    /// Technicians' names by id; an unknown id is "technician 7".
    let technicians: [Int: String]
    let clock: BoardClock
    /// Customers', hosts' and contacts' names by id, where the page knows them.
    var customers: [Int: String] = [:], hosts: [Int: String] = [:], contacts: [Int: String] = [:]

    /// Who did it, in words: "dora (dispatcher)", "the push agent web1-agent", "the SLA clock".
    static func who(_ actor: Actor) -> String {
        switch actor {
        case .person(let role, let name): "\(name) (\(role.rawValue))"
        case .agent(let name): "the push agent \(name)"
        case .collector(let name): "the collector \(name)"
        case .alertmanager(let name): "Alertmanager (\(name))"
        case .system(let component):
            switch component {
            case .health: "health checks"
            case .assignment: "the assignment rules"
            case .sla: "the SLA clock"
            case .jobs: "the job scheduler"
            case .mail: "mail"
            }
        }
    }

    func callName(_ id: Int?) -> String {
        guard let id else { return "nobody" }
        return technicians[id] ?? "technician \(id)"
    }

    func sentence(_ entry: HistoryEntry) -> String {
        switch entry {
        case .created(let made):
            return "Opened by \(made.channel.rawValue) as S\(made.severity), tier \(made.tier): “\(made.title)”."
        case .updated(let changes): return updated(changes)
        case .comment(let comment):
            let to = comment.mail.map { " (mailed to " + ($0.to + $0.cc).joined(separator: ", ") + ")" } ?? ""
            let body = comment.body.count > 160 ? comment.body.prefix(160) + "…" : comment.body
            return (comment.visibility == .internal ? "Internal note: " : "Reply to the customer\(to): ") + body
        case .mailDelivery(let delivery):
            let to = delivery.recipients.joined(separator: ", ")
            return delivery.state == .sent
                ? "Mail to \(to) sent" + (delivery.attempts > 1 ? " at attempt \(delivery.attempts)" : "")
                    + (delivery.refused.map { "; \($0.joined(separator: "; "))." } ?? ".")
                : "Mail to \(to) failed after \(delivery.attempts) attempt\(delivery.attempts == 1 ? "" : "s"): \(delivery.error ?? "refused"). It is not sent again."
        case .mailReceived(let mail):
            let sender = mail.fromName.map { "\($0) <\(mail.from)>" } ?? mail.from
            if let automatic = mail.automatic { return "Automatic mail from \(sender) kept as a note (\(automatic)): “\(mail.subject)”." }
            return "Mail from \(sender): “\(mail.subject)”" + (mail.relatedTo.map { ", which named ticket #\($0)" } ?? "") + "."
        case .acknowledged(let ack): return "Acknowledged (the response was due \(clock.dayTime(ack.responseDueAt)))."
        case .reopened(let change): return "Reopened from \(words(change.from))" + (change.reason.map { ": \($0)" } ?? ".")
        case .merged(let merge):
            return
                "Ticket #\(merge.from) “\(merge.title)” merged into #\(merge.into): \(merge.moved) history entr\(merge.moved == 1 ? "y" : "ies") moved"
                + (merge.cc.isEmpty ? "." : "; replies now copy \(merge.cc.joined(separator: ", ")).")
        case .linked(let link): return "Linked to #\(link.ticketId) as its \(Self.role(link.relation))."
        case .unlinked(let link): return "No longer linked to #\(link.ticketId)."
        case .statusChanged(let change):
            return "Status \(words(change.from)) → \(words(change.to))" + (change.reason.map { ": \($0)" } ?? ".")
        case .severityChanged(let change): return "Severity changed from S\(change.from) to S\(change.to)."
        case .tierChanged(let change): return "Tier changed from \(change.from) to \(change.to)."
        case .assigned(let made):
            var text = "Assigned to \(callName(made.assigneeId))" + (made.trigger.map { " (\($0))" } ?? "") + ": \(made.reason)."
            if let second = made.runnerUp { text += " Next in line: \(second.name) (\(second.qualifies))." }
            return text
        case .unassigned(let gone): return "Unassigned from \(callName(gone.previousAssigneeId))."
        case .unassignable(let made): return "Nobody could take it: \(made.reason). The lead has been told."
        case .assignmentKept(let made): return "Stays with \(callName(made.assigneeId)): \(made.reason)."
        case .escalated(let escalation):
            let target =
                switch escalation.kind {
                case .functional: "from tier \(escalation.from.map(String.init) ?? "?") to tier \(escalation.to.map(String.init) ?? "?")"
                case .hierarchical: "to the \(escalation.notified ?? "lead")"
                }
            return "Escalated \(target)\(escalation.reportId == nil ? "" : " as a diagnosis asked"): \(escalation.reason)."
        case .vendorCaseOpened(let opened):
            return "Vendor case opened with \(opened.vendor)" + (opened.externalRef.map { ", their case \($0)" } ?? "")
                + (opened.status.map { " (\($0))" } ?? "") + (opened.vendorDueAt.map { ", due \(clock.dayTime($0))" } ?? "") + "."
        case .vendorCaseUpdated(let updated):
            let parts = [
                updated.externalRef.map { "their case \($0.to ?? "none")" }, updated.status.map { "state \($0.to ?? "none")" },
                updated.vendorSeverity.map { "their severity \($0.to ?? "none")" },
                updated.vendorDueAt.map { "due \($0.to.map(clock.dayTime) ?? "not set")" },
            ].compactMap { $0 }
            return "Vendor case with \(updated.vendor) updated" + (parts.isEmpty ? "." : ": " + parts.joined(separator: ", ") + ".")
        case .vendorCaseSuggested(let suggested):
            return "A diagnosis suggests a case with \(suggested.vendor): \(suggested.reasons.joined(separator: "; "))."
        case .diagnosticAttached(let attached): return diagnosis(attached)
        case .diagnosisApplied(let applied): return "The diagnosis from \(applied.postedBy) was applied."
        case .diagnosisJob(let step): return job(step)
        case .flagged(let flagged):
            return (flagged.flag == "onsite" ? "Needs a visit" : "Flagged \(flagged.flag)")
                + ": \(flagged.reasons.joined(separator: "; "))."
        case .skillsRequired(let skills):
            return "Needs the skills \(skills.added.joined(separator: ", ")) (now: \(skills.requiredSkills.joined(separator: ", ")))."
        case .slaWarning(let target):
            return "SLA warning: the \(target.target == "respond" ? "response" : "resolution") is due \(clock.dayTime(target.dueAt))."
        case .slaBreach(let target):
            return "SLA breached: the \(target.target == "respond" ? "response" : "resolution") was due \(clock.dayTime(target.dueAt))."
        case .visitBooked(let visit):
            return "Visit booked: \(visit.technician ?? callName(visit.technicianId)), \(clock.window(visit.start, visit.end))"
                + (visit.deadline.map { " (\($0))" } ?? "") + "."
        case .visitRescheduled(let moved):
            return "Visit moved from \(clock.window(moved.from.start, moved.from.end)) to \(clock.window(moved.to.start, moved.to.end))"
                + " (\(moved.to.technician ?? callName(moved.to.technicianId)))."
        case .visitStep(let kind, let step):
            let who = callName(step.technicianId)
            let done =
                switch kind {
                case .visitEnRoute: "\(who) is on the way"
                case .visitOnSite: "\(who) is on site"
                case .visitDone: "\(who) finished the visit"
                default: "The visit of \(who) was cancelled"
                }
            return done + (step.notes.map { ": \($0)" } ?? ".")
        case .problem(let problems):
            return "Health: " + problems.items.map(item).joined(separator: "; ")
                + (problems.duringVisit.map { " (during visit \($0))" } ?? "") + "."
        case .problemChanged(let checked): return "Health changed: \(item(checked))."
        case .recovered(let checked): return "Recovered: \(item(checked))."
        case .flapping(let checked): return "Flapping (changing state often, alerts held back): \(item(checked))."
        case .flappingStopped(let checked): return "Stopped flapping: \(item(checked))."
        case .hostSilent(let silent):
            return
                "The host went silent: no report since \(clock.dayTime(silent.lastReportAt)) (it reports every \(silent.intervalSeconds) s)."
        case .hostReporting(let back): return "The host reports again (last at \(clock.dayTime(back.lastReportAt)))."
        }
    }

    private func words(_ status: TicketStatus) -> String { status.rawValue.replacingOccurrences(of: "_", with: " ") }

    private func item(_ checked: CheckedItem) -> String { "\(checked.plugin) \(checked.item) \(checked.status) — \(checked.summary)" }

    private func updated(_ changes: FieldChanges) -> String {
        func list(_ values: [String]) -> String { values.isEmpty ? "none" : values.joined(separator: ", ") }
        let parts = [
            changes.title.map { "title “\($0.to)”" }, changes.description.map { _ in "the description" },
            changes.tags.map { "tags \(list($0.to))" }, changes.requiredSkills.map { "skills \(list($0.to))" },
            changes.customerId.map { "customer " + name($0.to, customers, "customer") },
            changes.hostId.map { "host " + name($0.to, hosts, "host") },
            changes.requesterId.map { "requester " + name($0.to, contacts, "contact") },
            changes.cc.map { "CC \(list($0.to))" },
        ].compactMap { $0 }
        return "Changed " + (parts.isEmpty ? "nothing." : parts.joined(separator: ", ") + ".")
    }

    private func name(_ id: Int?, _ names: [Int: String], _ noun: String) -> String {
        guard let id else { return "none" }
        return names[id] ?? "\(noun) \(id)"
    }

    private func diagnosis(_ attached: DiagnosticAttached) -> String {
        var text = "Diagnosis of \(attached.host) attached (\(attached.status))"
        if let job = attached.job { text += " from job \(job)" }
        text += attached.problems.isEmpty ? "." : ": " + attached.problems.joined(separator: "; ") + "."
        var asks: [String] = []
        if attached.onsite { asks.append("a visit") }
        if !attached.vendors.isEmpty { asks.append("a case with " + attached.vendors.joined(separator: ", ")) }
        if let tier = attached.tier { asks.append("tier \(tier)") }
        if !asks.isEmpty { text += " It asks for " + asks.joined(separator: ", ") + (attached.applied ? "." : ", not yet applied.") }
        if let waiting = attached.waiting { text += " \(waiting)" }
        return text
    }

    private func job(_ step: JobStep) -> String {
        let what =
            switch step.state {
            case .queued:
                "Diagnosis job \(step.job) queued" + (step.checks.map { $0.isEmpty ? "" : " (\($0.joined(separator: ", ")))" } ?? "")
            case .leased: "Diagnosis job \(step.job) taken by its runner"
            case .running: "Diagnosis job \(step.job) running"
            case .attached: "Diagnosis job \(step.job) done"
            case .failed: "Diagnosis job \(step.job) failed"
            case .expired: "Diagnosis job \(step.job) expired"
            }
        return what + (step.message.map { ": \($0)" } ?? ".")
    }

    /// What this ticket is to the other, in words: "related ticket", "parent", "child".
    static func role(_ relation: TicketRelation) -> String {
        switch relation {
        case .related: "related ticket"
        case .parent: "child"
        case .child: "parent"
        }
    }
}
