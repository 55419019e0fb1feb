import Foundation

/// A history entry still to be written; without an actor of its own it is the caller's.
package struct NewEvent: Equatable, Sendable {
    package var entry: HistoryEntry
    package var actor: Actor?
    /// The health report behind it: its id and who posted it join the data.
    package var source: ReportSource?

    package init(_ entry: HistoryEntry, actor: Actor? = nil) {
        self.entry = entry
        self.actor = actor
    }

    package var kind: EventKind { entry.kind }

    /// The data as stored and served: the payload, and the report behind it.
    package func data() throws -> JSONValue {
        let data = try entry.data()
        guard let source, case .object(var fields) = data else { return data }
        fields["reportId"] = .string(source.reportId.uuidString)
        fields["postedBy"] = .string(source.postedBy.description)
        return .object(fields)
    }
}

/// The report behind a health event and who posted it, written into each event's data.
package struct ReportSource: Equatable, Sendable {
    package var reportId: UUID
    package var postedBy: Actor

    package func stamp(_ events: [NewEvent]) -> [NewEvent] {
        events.map { event in
            var stamped = event
            stamped.source = self
            return stamped
        }
    }
}
