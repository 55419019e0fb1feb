import Testing
import TriageAPI
import TriageBoard
import TriageCoordinator
import TriageDomain
import TriageEdge
import TriageMailTransport
import TriageStorage

@Suite struct TicketStatusTests {
    @Test func aClosedTicketComesBackOnlyByReopening() {
        let allowed = TicketStatus.allCases.filter { TicketStatus.closed.canMove(to: $0) }
        #expect(allowed == [])
        #expect(TicketStatus.closed.reopened(assigned: true) == .inProgress)
        #expect(TicketStatus.closed.reopened(assigned: false) == .new)
        #expect(TicketStatus.inProgress.reopened(assigned: true) == nil)
    }

    @Test func resolvedCanOnlyBeClosedOrReopened() {
        let allowed = TicketStatus.allCases.filter { TicketStatus.resolved.canMove(to: $0) }
        #expect(allowed == [.closed])
        #expect(TicketStatus.resolved.reopened(assigned: true) == .inProgress)
    }

    @Test func workStatesMoveAmongThemselvesAndOnlyUnassignGoesBackToNew() {
        let work: [TicketStatus] = [.assigned, .inProgress, .waitingCustomer, .waitingVendor]
        for from in work { for to in work where to != from { #expect(from.canMove(to: to)) } }
        #expect(TicketStatus.assigned.canMove(to: .new))
        #expect(!TicketStatus.inProgress.canMove(to: .new))
        #expect(!TicketStatus.new.canMove(to: .new))
        #expect(TicketStatus.new.canMove(to: .resolved))
    }

    @Test func wireSpellingIsSnakeCase() {
        #expect(
            TicketStatus.allCases.map(\.rawValue)
                == ["new", "assigned", "in_progress", "waiting_customer", "waiting_vendor", "resolved", "closed"])
        #expect(TicketStatus.allCases.filter(\.isOpen).count == 5)
    }
}
