import Foundation
import TriageModel

/// Range and format checks shared by the API inputs. Each failure names the field.
package enum Validate {
    /// Runs every check and refuses with all the fields that failed, not only the first (a form
    /// shows each next to its field; the API's message lists them).
    package static func all(_ checks: () throws -> Void...) throws {
        var problems: [CoordinatorError.FieldProblem] = []
        for check in checks {
            do { try check() } catch let error as CoordinatorError where error.code == .invalid && !error.problems.isEmpty {
                problems += error.problems
            }
        }
        if !problems.isEmpty { throw CoordinatorError.invalid(problems) }
    }

    package static func text(_ value: String, _ field: String, max: Int = 200) throws {
        if value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw CoordinatorError.invalid(field, "must not be empty")
        }
        if value.unicodeScalars.count > max { throw CoordinatorError.invalid(field, "longer than \(max) characters") }
    }

    /// A diagnosis or health report, checked whole before anything looks at its id: a repeat of a
    /// stored id with a body the API would refuse is refused, not answered with the stored one.
    package static func report(_ report: DiagnosticReport) throws {
        try text(report.host, "host", max: 255)
        if report.durationMs < 0 { throw CoordinatorError.invalid("durationMs", "must not be negative") }
        if report.checks.count > 10_000 { throw CoordinatorError.invalid("checks", "more than 10000 items") }
        // A failing check's skills become the ticket's required skills: written as those are.
        for check in report.checks { try tags(check.skills ?? [], "checks.skills") }
    }

    /// Email addresses (CCs): each one `local@domain`, no spaces or angle brackets, at most 20.
    package static func addresses(_ values: [String]?, _ field: String) throws {
        guard let values else { return }
        if values.count > 20 { throw CoordinatorError.invalid(field, "more than 20 addresses") }
        for value in values where !isAddress(value) {
            throw CoordinatorError.invalid(field, "'\(value)' is not an email address")
        }
    }

    /// Mail domains: lower-case letters, digits, hyphens and dots, with a dot, at most 20.
    package static func domains(_ values: [String]?, _ field: String) throws {
        guard let values else { return }
        if values.count > 20 { throw CoordinatorError.invalid(field, "more than 20 domains") }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-.")
        for value in values
        where value.count > 253 || !value.contains(".") || value.hasPrefix(".") || value.hasSuffix(".") || value.contains("..")
            || !value.allSatisfy(allowed.contains)
        {
            throw CoordinatorError.invalid(field, "'\(value)' is not a mail domain such as acme.example (lower case, no @)")
        }
    }

    package static func isAddress(_ value: String) -> Bool {
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && value.count <= 254
            && !value.contains(where: { $0.isWhitespace || "<>,;\"()[]".contains($0) })
    }

    package static func optionalText(_ value: String?, _ field: String, max: Int = 200) throws {
        if let value, value.unicodeScalars.count > max { throw CoordinatorError.invalid(field, "longer than \(max) characters") }
    }

    package static func range(_ value: Int, _ field: String, _ range: ClosedRange<Int>) throws {
        if !range.contains(value) {
            throw CoordinatorError.invalid(field, "\(value) is outside \(range.lowerBound)...\(range.upperBound)")
        }
    }

    package static func range(_ value: Double?, _ field: String, _ range: ClosedRange<Double>) throws {
        if let value, !range.contains(value) {
            throw CoordinatorError.invalid(field, "\(value) is outside \(range.lowerBound)...\(range.upperBound)")
        }
    }

    package static func tags(_ values: [String], _ field: String) throws {
        if values.count > 50 { throw CoordinatorError.invalid(field, "more than 50 entries") }
        for value in values where value.isEmpty || value.unicodeScalars.count > 64 || value.contains(where: \.isWhitespace) {
            throw CoordinatorError.invalid(field, "'\(value)' must be 1 to 64 characters without spaces")
        }
    }

    package static func timeZone(_ identifier: String, _ field: String) throws {
        if TimeZone(identifier: identifier) == nil {
            throw CoordinatorError.invalid(field, "'\(identifier)' is not an IANA time zone")
        }
    }

    package static func weekday(_ value: Int, _ field: String) throws {
        try range(value, field, 1...7)
    }

    /// Minutes since midnight of an `HH:MM` clock time; 24:00 is the end of the day.
    package static func clockMinutes(_ value: String, _ field: String) throws -> Int {
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
            let hours = Int(parts[0]), let minutes = Int(parts[1]),
            (0...24).contains(hours), (0...59).contains(minutes), hours < 24 || minutes == 0
        else { throw CoordinatorError.invalid(field, "'\(value)' is not a time of day HH:MM") }
        return hours * 60 + minutes
    }

    package static func window(_ start: String, _ end: String, _ field: String) throws {
        if try clockMinutes(start, field) >= clockMinutes(end, field) {
            throw CoordinatorError.invalid(field, "\(start) is not before \(end)")
        }
    }

    /// The fields a new ticket and a ticket change share; nil means not given.
    package static func ticketFields(
        title: String?, description: String?, severity: Int?, tier: Int?, tags: [String]?,
        requiredSkills: [String]?
    ) throws {
        try all(
            { if let title { try text(title, "title") } },
            { try optionalText(description, "description", max: 100_000) },
            { if let severity { try range(severity, "severity", 1...4) } },
            { if let tier { try range(tier, "tier", 1...3) } },
            { try self.tags(tags ?? [], "tags") },
            { try self.tags(requiredSkills ?? [], "requiredSkills") })
    }
}
