/// Who may do what (docs/ARCHITECTURE.md, "Roles"). Every check names the rule that refused.
package enum Access {
    package static func readAll(_ principal: Principal) throws {
        switch principal.role {
        case .agent: throw CoordinatorError(.forbidden, "an agent token may only post reports for its own host")
        case .collector:
            throw CoordinatorError(.forbidden, "a collector token may only run jobs and post reports for the hosts in its scope")
        case .mailgate: throw mailgateOnly
        case .alertmanager: throw alertmanagerOnly
        default: return
        }
    }

    package static func manageInventory(_ principal: Principal) throws {
        if principal.role != .admin {
            throw CoordinatorError(.forbidden, "only an admin may change customers, sites, hosts and technicians")
        }
    }

    package static func manageAccounts(_ principal: Principal) throws {
        if principal.role != .admin {
            throw CoordinatorError(.forbidden, "only an admin may create, list, disable or reset the accounts of others")
        }
    }

    package static func createTicket(_ principal: Principal) throws {
        if principal.role != .admin && principal.role != .dispatcher {
            throw CoordinatorError(.forbidden, "only a dispatcher or admin may open tickets")
        }
    }

    /// Technicians write only the tickets assigned to them, and do not reassign them.
    package static func update(_ ticket: Ticket, reassigning: Bool, by principal: Principal) throws {
        switch principal.role {
        case .admin, .dispatcher:
            return
        case .technician:
            guard let me = principal.technicianId, ticket.assigneeId == me else {
                throw CoordinatorError(.forbidden, "ticket \(ticket.id) is not assigned to you")
            }
            if reassigning {
                throw CoordinatorError(.forbidden, "only a dispatcher or admin may change the assignee")
            }
        case .agent, .collector, .mailgate, .alertmanager:
            try readAll(principal)
        }
    }

    package static let mailgateOnly = CoordinatorError(.forbidden, "a mailgate token may only post raw mail (POST /api/v1/mail)")
    package static let alertmanagerOnly = CoordinatorError(
        .forbidden, "an alertmanager token may only post Alertmanager's notifications (POST /api/v1/alertmanager)")

    /// Raw mail comes from the MTA's pipe (a mailgate token), or from an admin.
    package static func postMail(_ principal: Principal) throws {
        if principal.role != .mailgate && principal.role != .admin {
            throw CoordinatorError(.forbidden, "only a mailgate token (or an admin) may post raw mail")
        }
    }

    package static func comment(_ principal: Principal) throws { try readAll(principal) }

    /// Acknowledging stops the response clock: only for those who may change the ticket.
    package static func acknowledge(_ ticket: Ticket, by principal: Principal) throws {
        try update(ticket, reassigning: false, by: principal)
    }

    /// Whether a diagnosis's recommendation may act on the ticket (flag, escalate, reassign):
    /// from the desk, the ticket's assignee, or the agent of the ticket's own host. Anyone else's
    /// diagnosis is attached as information until one of them applies it.
    package static func applyDiagnosis(to ticket: Ticket, by principal: Principal) throws {
        if principal.role == .agent {
            guard let host = principal.hostId, ticket.hostId == host else {
                throw CoordinatorError(
                    .forbidden,
                    "this agent token is bound to host \(principal.hostId ?? 0); ticket \(ticket.id) is "
                        + (ticket.hostId.map { "about host \($0)" } ?? "not about a host"))
            }
            return
        }
        try update(ticket, reassigning: false, by: principal)
    }

    /// "Diagnose now" runs checks whose diagnosis acts on the ticket: for those who may change it.
    package static func requestJob(on ticket: Ticket, by principal: Principal) throws {
        try update(ticket, reassigning: false, by: principal)
    }

    /// Taking and finishing diagnosis jobs is for the machines that run them.
    package static func runJobs(_ principal: Principal) throws {
        if principal.role != .agent && principal.role != .collector {
            throw CoordinatorError(.forbidden, "only a host's agent token or a collector token runs diagnosis jobs")
        }
    }

    /// A collector acts only on the hosts of its scope.
    package static func collect(host: Int, siteId: Int, customerId: Int, by principal: Principal) throws {
        guard principal.role == .collector else { return }
        guard let scope = principal.scope, scope.contains(siteId: siteId, customerId: customerId) else {
            throw CoordinatorError(
                .forbidden,
                "host \(host) (site \(siteId), customer \(customerId)) is outside this collector's "
                    + "scope (\(principal.scope?.words ?? "nothing"))")
        }
    }

    /// Running assignment belongs to the desk's leads (dispatchers and admins), who are also the ones told of escalations.
    package static func dispatch(_ principal: Principal) throws {
        if principal.role != .admin && principal.role != .dispatcher {
            throw CoordinatorError(.forbidden, "only a dispatcher or admin may do this")
        }
    }
}

extension Access {
    /// Webhook endpoints send the desk's events out: an admin's to keep.
    package static func manageWebhooks(_ principal: Principal) throws {
        if principal.role != .admin { throw CoordinatorError(.forbidden, "only an admin may manage webhooks") }
    }
}
