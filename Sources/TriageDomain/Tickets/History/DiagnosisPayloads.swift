import Foundation

// The payloads of what diagnoses and health reports write into a ticket's history.

public struct DiagnosticAttached: Codable, Sendable, Equatable {
    public var reportId: UUID
    public var host: String
    public var status: String
    /// `plugin/item: status` of each check that was not ok.
    public var problems: [String]
    public var onsite: Bool
    public var vendors: [String]
    @ExplicitNull public var tier: Int?
    public var applied: Bool
    /// Why it waits for someone to apply it, when the poster may not change the ticket.
    public var waiting: String?
    /// The diagnosis job that produced it.
    public var job: Int?
}

/// A step of a diagnosis job; the event's actor is who took it (the requester, the runner, or
/// `system:jobs` for an expiry). A result refused after a takeover is a step too, the job's
/// state unchanged.
public struct JobStep: Codable, Sendable, Equatable {
    public var job: Int
    public var state: JobState
    /// The lease the runner holds or held.
    public var lease: Int?
    /// Checks asked for (when queued); empty means all.
    public var checks: [String]?
    public var reportId: UUID?
    /// What went wrong or what was refused, in words.
    public var message: String?
}

public struct DiagnosisApplied: Codable, Sendable, Equatable {
    public var reportId: UUID
    public var postedBy: Actor
}

public struct Flagged: Codable, Sendable, Equatable {
    public var flag: String
    public var reasons: [String]
    public var reportId: UUID
}

public struct VendorSuggested: Codable, Sendable, Equatable {
    public var vendor: String
    public var reasons: [String]
    public var reportId: UUID
}

public struct SkillsRequired: Codable, Sendable, Equatable {
    public var added: [String]
    public var requiredSkills: [String]
    public var reportId: UUID
}

/// One checked item as a health event shows it.
public struct CheckedItem: Codable, Sendable, Equatable {
    public var plugin: String
    public var item: String
    public var status: String
    public var summary: String
    public var flapping: Bool?
}

/// New problems: those a report brought up together, or one back again; `duringVisit` when a
/// technician was on site at the host.
public struct Problems: Codable, Sendable, Equatable {
    public var items: [CheckedItem]
    public var duringVisit: Int?
}

public struct HostSilent: Codable, Sendable, Equatable {
    public var lastReportAt: Date
    public var intervalSeconds: Int
}

public struct HostReporting: Codable, Sendable, Equatable {
    public var lastReportAt: Date
}

/// A visit's place and time as its events show it; `technician` and `deadline` when booked.
public struct VisitTime: Codable, Sendable, Equatable {
    public var visitId: Int
    public var technicianId: Int
    public var siteId: Int
    public var start: Date
    public var end: Date
    public var technician: String?
    public var deadline: String?
}

public struct VisitMoved: Codable, Sendable, Equatable {
    public var visitId: Int
    public var from: VisitTime
    public var to: VisitTime
}

public struct VisitStep: Codable, Sendable, Equatable {
    public var visitId: Int
    public var from: VisitStatus
    public var technicianId: Int
    public var notes: String?
}
