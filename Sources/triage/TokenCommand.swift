import ArgumentParser
import Foundation
import TriageCoordinator
import TriageDomain
import TriageStorage

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Create, list and revoke API tokens.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token and print only the token on stdout (shown once; stored hashed).")

        @OptionGroup var store: StoreOptions
        @Option(help: "admin, dispatcher, technician, agent, collector, mailgate or alertmanager.") var role: Role
        @Option(help: "What the token is for, shown in lists and as the actor of its changes.") var name: String
        @Option(help: ArgumentHelp("The host an agent token is bound to: its id or name.", valueName: "host"))
        var host: String?
        @Option(help: ArgumentHelp("The technician a technician token speaks for: their id.", valueName: "id"))
        var technician: Int?
        @Option(
            name: .customLong("customer"),
            help: ArgumentHelp("A customer a collector token serves (repeat for more): its id.", valueName: "id"))
        var customers: [Int] = []
        @Option(
            name: .customLong("site"), help: ArgumentHelp("A site a collector token serves (repeat for more): its id.", valueName: "id"))
        var sites: [Int] = []

        func run() async throws {
            try await reported {
                let configuration = try store.configuration()
                let token = try await store.withCoordinator(configuration, logger: makeLogger(level: "error")) {
                    coordinator in
                    var hostId: Int?
                    if let host { hostId = try await coordinator.inventory.hostId(named: host) }
                    let scope = customers.isEmpty && sites.isEmpty ? nil : CollectorScope(customers: customers, sites: sites)
                    return try await coordinator.credentials.issueToken(
                        name: name, role: role, hostId: hostId, technicianId: technician,
                        scope: scope)
                }
                print(token.secret)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their secrets).")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await reported {
                let configuration = try store.configuration()
                let tokens = try await store.withCoordinator(configuration, logger: makeLogger(level: "error")) {
                    try await $0.credentials.tokens()
                }
                var rows = [["ID", "ROLE", "NAME", "BOUND TO", "CREATED", "REVOKED"]]
                for token in tokens {
                    var boundTo = "-"
                    if let host = token.hostId { boundTo = "host \(host)" }
                    if let technician = token.technicianId { boundTo = "technician \(technician)" }
                    if let scope = token.scope { boundTo = scope.words }
                    let revoked = token.revokedAt.map { $0.formatted(.iso8601) } ?? "-"
                    rows.append([
                        String(token.id), token.role.rawValue, token.name, boundTo,
                        token.createdAt.formatted(.iso8601), revoked,
                    ])
                }
                printTable(rows)
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by id; it stops working at once.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The token's id (see token list).") var id: Int

        func run() async throws {
            try await reported {
                let configuration = try store.configuration()
                try await store.withCoordinator(configuration, logger: makeLogger(level: "error")) {
                    try await $0.credentials.revokeToken(id)
                }
                print("token \(id) revoked")
            }
        }
    }
}

extension Role: ExpressibleByArgument {}
