import Foundation
import Testing
import TriageModel

@testable import TriageAPI
@testable import TriageBoard
@testable import TriageCoordinator
@testable import TriageDomain
@testable import TriageEdge
@testable import TriageMailTransport
@testable import TriageStorage

/// A record that a token's scope or an account names cannot be deleted: with ids never reused
/// that would leave a dangling name, and before, the next record given the same id inherited
/// the token's or the account's reach. On SQLite and, with TRIAGE_TEST_POSTGRES, PostgreSQL.
@Suite struct ReferencesTests {
    static let admin = Principal(tokenId: 1, name: "root", role: .admin)

    func refusal(_ t: TestCoordinator, _ kind: RecordKind, _ id: Int) async throws -> String? {
        do {
            try await t.store.write { try await t.coordinator.inventory.delete(kind, id, by: Self.admin, in: $0) }
            return nil
        } catch let error as CoordinatorError {
            #expect(error.code == .conflict, "\(error)")
            return error.message
        }
    }

    @Test func aCollectorsScopeAndAnAccountKeepWhatTheyName() async throws {
        try await TestCoordinator.with { t in
            let (customer, site) = try await t.store.write { session in
                let customer = try await t.coordinator.inventory.create(CustomerFields(name: "Beta"), by: Self.admin, in: session)
                let site = try await t.coordinator.inventory.create(
                    SiteFields(customerId: customer.id, name: "Branch", timeZone: "Europe/Berlin"), by: Self.admin, in: session)
                return (customer.id, site.id)
            }
            let (byCustomer, _) = try await t.coordinator.credentials.issueToken(
                name: "dc-beta", role: .collector, scope: CollectorScope(customers: [customer]))
            let (bySite, _) = try await t.coordinator.credentials.issueToken(
                name: "dc-branch", role: .collector, scope: CollectorScope(sites: [site]))

            let siteRefusal = try await refusal(t, .site, site)
            #expect(siteRefusal?.contains("collector token \(bySite.id) (dc-branch)") == true, "\(siteRefusal ?? "deleted")")
            try await t.coordinator.credentials.revokeToken(bySite.id)
            #expect(try await refusal(t, .site, site) == nil, "a revoked token reaches nothing: the site goes")
            let customerRefusal = try await refusal(t, .customer, customer)
            #expect(customerRefusal?.contains("collector token \(byCustomer.id) (dc-beta)") == true, "\(customerRefusal ?? "deleted")")
            #expect(try await t.store.read { try await $0.exists(.customer, customer) })

            // Tess's account names her technician record (t.accounts[.technician] is linked to it).
            let technicianRefusal = try await refusal(t, .technician, t.technicianId)
            #expect(technicianRefusal?.contains("1 accounts") == true, "\(technicianRefusal ?? "deleted")")
        }
    }
}
