import Foundation

/// One entry of a ticket's history with its typed payload: the kind is the case, the payload
/// its value. `TicketEvent.entry` reads a stored one back.
public enum HistoryEntry: Sendable, Equatable {
    case created(TicketCreated)
    case updated(FieldChanges)
    case comment(Comment)
    case mailReceived(MailReceived)
    case mailDelivery(MailDelivery)
    case acknowledged(Acknowledged)
    case reopened(StatusChange)
    /// On both tickets: the duplicate closed into the survivor.
    case merged(TicketMerge)
    /// On both tickets: related, or parent and child.
    case linked(TicketLinkChange)
    case unlinked(TicketLinkChange)
    case statusChanged(StatusChange)
    case severityChanged(Change<Int>)
    case tierChanged(Change<Int>)
    case assigned(AssignmentMade)
    case unassigned(Unassigned)
    case unassignable(AssignmentMade)
    case assignmentKept(AssignmentMade)
    case escalated(Escalation)
    case vendorCaseOpened(VendorCaseOpened)
    case vendorCaseUpdated(VendorCaseUpdated)
    case vendorCaseSuggested(VendorSuggested)
    case diagnosticAttached(DiagnosticAttached)
    case diagnosisApplied(DiagnosisApplied)
    case diagnosisJob(JobStep)
    case flagged(Flagged)
    case skillsRequired(SkillsRequired)
    case slaWarning(SLATarget)
    case slaBreach(SLATarget)
    case visitBooked(VisitTime)
    case visitRescheduled(VisitMoved)
    /// A visit's step: en route, on site, done or cancelled (`kind` tells which).
    case visitStep(EventKind, VisitStep)
    case problem(Problems)
    case problemChanged(CheckedItem)
    case recovered(CheckedItem)
    case flapping(CheckedItem)
    case flappingStopped(CheckedItem)
    case hostSilent(HostSilent)
    case hostReporting(HostReporting)

    public var kind: EventKind {
        switch self {
        case .created: .created
        case .updated: .updated
        case .comment: .comment
        case .mailReceived: .mailReceived
        case .mailDelivery: .mailDelivery
        case .acknowledged: .acknowledged
        case .reopened: .reopened
        case .merged: .merged
        case .linked: .linked
        case .unlinked: .unlinked
        case .statusChanged: .statusChanged
        case .severityChanged: .severityChanged
        case .tierChanged: .tierChanged
        case .assigned: .assigned
        case .unassigned: .unassigned
        case .unassignable: .unassignable
        case .assignmentKept: .assignmentKept
        case .escalated: .escalated
        case .vendorCaseOpened: .vendorCaseOpened
        case .vendorCaseUpdated: .vendorCaseUpdated
        case .vendorCaseSuggested: .vendorCaseSuggested
        case .diagnosticAttached: .diagnosticAttached
        case .diagnosisApplied: .diagnosisApplied
        case .diagnosisJob: .diagnosisJob
        case .flagged: .flagged
        case .skillsRequired: .skillsRequired
        case .slaWarning: .slaWarning
        case .slaBreach: .slaBreach
        case .visitBooked: .visitBooked
        case .visitRescheduled: .visitRescheduled
        case .visitStep(let kind, _): kind
        case .problem: .problem
        case .problemChanged: .problemChanged
        case .recovered: .recovered
        case .flapping: .flapping
        case .flappingStopped: .flappingStopped
        case .hostSilent: .hostSilent
        case .hostReporting: .hostReporting
        }
    }

    /// A visit's step as its history kind.
    package static func visit(_ status: VisitStatus, _ step: VisitStep) -> HistoryEntry {
        let kind: EventKind =
            switch status {
            case .booked: preconditionFailure("a visit is booked by booking, not by a step")
            case .enRoute: .visitEnRoute
            case .onSite: .visitOnSite
            case .done: .visitDone
            case .cancelled: .visitCancelled
            }
        return .visitStep(kind, step)
    }

    /// The payload as the `data` of the event.
    package func data() throws -> JSONValue {
        switch self {
        case .created(let payload): try HistoryJSON.value(payload)
        case .updated(let payload): try HistoryJSON.value(payload)
        case .comment(let payload): try HistoryJSON.value(payload)
        case .mailReceived(let payload): try HistoryJSON.value(payload)
        case .mailDelivery(let payload): try HistoryJSON.value(payload)
        case .acknowledged(let payload): try HistoryJSON.value(payload)
        case .reopened(let payload), .statusChanged(let payload): try HistoryJSON.value(payload)
        case .merged(let payload): try HistoryJSON.value(payload)
        case .linked(let payload), .unlinked(let payload): try HistoryJSON.value(payload)
        case .severityChanged(let payload), .tierChanged(let payload): try HistoryJSON.value(payload)
        case .assigned(let payload), .unassignable(let payload), .assignmentKept(let payload): try HistoryJSON.value(payload)
        case .unassigned(let payload): try HistoryJSON.value(payload)
        case .escalated(let payload): try HistoryJSON.value(payload)
        case .vendorCaseOpened(let payload): try HistoryJSON.value(payload)
        case .vendorCaseUpdated(let payload): try HistoryJSON.value(payload)
        case .vendorCaseSuggested(let payload): try HistoryJSON.value(payload)
        case .diagnosticAttached(let payload): try HistoryJSON.value(payload)
        case .diagnosisApplied(let payload): try HistoryJSON.value(payload)
        case .diagnosisJob(let payload): try HistoryJSON.value(payload)
        case .flagged(let payload): try HistoryJSON.value(payload)
        case .skillsRequired(let payload): try HistoryJSON.value(payload)
        case .slaWarning(let payload), .slaBreach(let payload): try HistoryJSON.value(payload)
        case .visitBooked(let payload): try HistoryJSON.value(payload)
        case .visitRescheduled(let payload): try HistoryJSON.value(payload)
        case .visitStep(_, let payload): try HistoryJSON.value(payload)
        case .problem(let payload): try HistoryJSON.value(payload)
        case .problemChanged(let payload), .recovered(let payload), .flapping(let payload), .flappingStopped(let payload):
            try HistoryJSON.value(payload)
        case .hostSilent(let payload): try HistoryJSON.value(payload)
        case .hostReporting(let payload): try HistoryJSON.value(payload)
        }
    }

    /// Reads a stored entry back; throws when its data does not fit its kind.
    package init(kind: EventKind, data: JSONValue) throws {
        func read<T: Decodable>(_ type: T.Type) throws -> T { try HistoryJSON.payload(T.self, from: data) }
        self =
            switch kind {
            case .created: .created(try read(TicketCreated.self))
            case .updated: .updated(try read(FieldChanges.self))
            case .comment: .comment(try read(Comment.self))
            case .mailReceived: .mailReceived(try read(MailReceived.self))
            case .mailDelivery: .mailDelivery(try read(MailDelivery.self))
            case .acknowledged: .acknowledged(try read(Acknowledged.self))
            case .reopened: .reopened(try read(StatusChange.self))
            case .merged: .merged(try read(TicketMerge.self))
            case .linked: .linked(try read(TicketLinkChange.self))
            case .unlinked: .unlinked(try read(TicketLinkChange.self))
            case .statusChanged: .statusChanged(try read(StatusChange.self))
            case .severityChanged: .severityChanged(try read(Change<Int>.self))
            case .tierChanged: .tierChanged(try read(Change<Int>.self))
            case .assigned: .assigned(try read(AssignmentMade.self))
            case .unassigned: .unassigned(try read(Unassigned.self))
            case .unassignable: .unassignable(try read(AssignmentMade.self))
            case .assignmentKept: .assignmentKept(try read(AssignmentMade.self))
            case .escalated: .escalated(try read(Escalation.self))
            case .vendorCaseOpened: .vendorCaseOpened(try read(VendorCaseOpened.self))
            case .vendorCaseUpdated: .vendorCaseUpdated(try read(VendorCaseUpdated.self))
            case .vendorCaseSuggested: .vendorCaseSuggested(try read(VendorSuggested.self))
            case .diagnosticAttached: .diagnosticAttached(try read(DiagnosticAttached.self))
            case .diagnosisApplied: .diagnosisApplied(try read(DiagnosisApplied.self))
            case .diagnosisJob: .diagnosisJob(try read(JobStep.self))
            case .flagged: .flagged(try read(Flagged.self))
            case .skillsRequired: .skillsRequired(try read(SkillsRequired.self))
            case .slaWarning: .slaWarning(try read(SLATarget.self))
            case .slaBreach: .slaBreach(try read(SLATarget.self))
            case .visitBooked: .visitBooked(try read(VisitTime.self))
            case .visitRescheduled: .visitRescheduled(try read(VisitMoved.self))
            case .visitEnRoute, .visitOnSite, .visitDone, .visitCancelled: .visitStep(kind, try read(VisitStep.self))
            case .problem: .problem(try read(Problems.self))
            case .problemChanged: .problemChanged(try read(CheckedItem.self))
            case .recovered: .recovered(try read(CheckedItem.self))
            case .flapping: .flapping(try read(CheckedItem.self))
            case .flappingStopped: .flappingStopped(try read(CheckedItem.self))
            case .hostSilent: .hostSilent(try read(HostSilent.self))
            case .hostReporting: .hostReporting(try read(HostReporting.self))
            }
    }
}
