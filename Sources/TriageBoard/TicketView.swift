import Foundation
import TriageDomain
import TriageEdge
import TriageModel

/// A ticket's page: its facts and SLA clocks, flags, visits (with the next steps the viewer may
/// take), proposed visit slots for the desk, the diagnoses attached, and the whole history.
struct TicketView {
    struct Fact {
        var name: String
        var value: String
        /// Its page in the inventory.
        var href: String? = nil
    }

    struct VisitLine {
        struct Action {
            var visitId: Int
            var status: String
            var label: String
            var needsNotes: Bool
        }
        var id: Int
        var technician: String
        var window: String
        var status: String
        var statusText: String
        var notes: String?
        var actions: [Action]
        /// The desk moves a booked visit on its own page.
        var movable: Bool
    }

    struct Planner {
        struct Slot {
            var index: Int
            var technicianId: Int
            var technician: String
            var start: String
            var end: String
            var window: String
            var breaches: Bool
            var reasons: [String]
        }
        var from: String
        var days: Int
        var duration: Int
        var problem: String?
        var slots: [Slot]
        var noSlots: Bool
    }

    struct DiagnosticView {
        struct Item {
            var plugin: String
            var item: String
            var status: String
            var summary: String
            var metrics: [String]
        }
        var host: String
        var status: String
        var when: String
        var postedBy: String
        var items: [Item]
        var errors: [String]
        var recommendation: String
        var reasons: [String]
    }

    /// A "Diagnose now" job as the page tells it.
    struct JobLine {
        var id: Int
        var state: String
        var words: String
        var failed: Bool
    }

    struct EventLine {
        var at: String
        var atISO: String
        /// The kind, for the stylesheet (an internal note looks unlike a reply).
        var type: String
        var actor: String
        var sentence: String
    }

    /// What the visit planner on the page was asked.
    struct PlannerQuery {
        /// The page asked for slots (a "Plan a visit" link or the planner's own form).
        var asked = false
        var from: Date?
        var days = 7
        var duration = 60
    }

    var chrome: Chrome
    var id: Int
    var title: String
    var description: String?
    var facts: [Fact]
    var clocks: [Countdown]
    var onsite: Bool
    var hasOnsiteReasons: Bool
    var onsiteReasons: [String]
    var vendorCase: String?
    var vendorSuggestions: [String]
    var anyFlag: Bool
    var visits: [VisitLine]
    var planner: Planner?
    var diagnostics: [DiagnosticView]
    /// "Newest 5 of 12" when not all are shown; the link to the next older ones.
    var diagnosticsShown: String?
    var olderDiagnoses: String?
    /// The newest jobs, the unfinished ones first to read.
    var jobs: [JobLine]
    var hasJobs: Bool
    /// Diagnoses a ticket page shows at once: each is a whole table, and a ticket may hold hundreds.
    static let diagnosesPerPage = 5
    var events: [EventLine]
    var actions: TicketActionsView
    /// The customer's messages, replies and notes, oldest first.
    var conversation: [ConversationView.Message]
    /// Visits are shown when one is flagged, asked for or booked.
    var showVisits: Bool
    var time = TicketTimeSection()
    var links = TicketLinksSection()
    /// The reply texts, filled in for this ticket.
    var canned: [CannedOption] = []
    var hasCanned = false

    struct CannedOption {
        var id: Int
        var name: String
        var text: String
    }

    static func load(
        _ id: Int, chrome: Chrome, principal: Principal, planner query: PlannerQuery, diagnosesBefore: Int?,
        coordinator: Coordinator, clock: BoardClock
    ) async throws -> TicketView {
        let ticket = try await coordinator.tickets.ticket(id, by: principal)
        let events = try await coordinator.tickets.events(ofTicket: id, after: nil, limit: 1000, by: principal).items
        let (newest, total) = try await coordinator.diagnoses.latest(
            ofTicket: id, before: diagnosesBefore,
            limit: diagnosesPerPage + 1, by: principal)
        let diagnostics = Array(newest.prefix(diagnosesPerPage))
        let older =
            newest.count > diagnosesPerPage ? diagnostics.last.map { "/board/tickets/\(id)?diagnosesBefore=\($0.id)#diagnostics" } : nil
        let shown =
            older != nil || diagnosesBefore != nil
            ? "\(diagnostics.count) of \(total) diagnoses, newest first" + (diagnosesBefore == nil ? "" : " (older ones)") : nil
        let visits = try await coordinator.visits.list(technician: nil, ticket: id, window: nil, by: principal)
        let jobs = try await coordinator.jobs.list(ticketId: id, states: [], before: nil, limit: 3, by: principal).items
        let technicians = try await coordinator.inventory.records(TechnicianFields.self, after: nil, limit: 10_000, by: principal).items
        let names = Dictionary(uniqueKeysWithValues: technicians.map { ($0.id, $0.fields.name) })
        let outbox = try await coordinator.mail.outbox(ticket: id, by: principal)
        var contacts: [Contact] = []
        var hosts: [Record<HostFields>] = []
        if let customerId = ticket.customerId {
            contacts = try await coordinator.inventory.contacts(ofCustomer: customerId, by: principal)
            hosts = try await coordinator.inventory.hosts(ofCustomer: customerId, by: principal)
        }
        func name(_ technician: Int) -> String { names[technician] ?? "technician \(technician)" }

        var facts = [
            Fact(name: "status", value: ticket.status.rawValue.replacingOccurrences(of: "_", with: " ")),
            Fact(name: "severity", value: "S\(ticket.severity)"), Fact(name: "tier", value: "\(ticket.tier)"),
            Fact(name: "assignee", value: ticket.assigneeId.map(name) ?? "unassigned"),
            Fact(name: "channel", value: ticket.channel.rawValue),
        ]
        var customerName: String?
        if let customerId = ticket.customerId {
            customerName = try await coordinator.inventory.record(customerId, as: CustomerFields.self, by: principal).fields.name
            facts.append(
                Fact(
                    name: "customer", value: customerName ?? "",
                    href: "/board/customers/\(customerId)"))
        }
        if let hostId = ticket.hostId {
            let host = try await coordinator.inventory.record(hostId, as: HostFields.self, by: principal)
            let site = try await coordinator.inventory.record(host.fields.siteId, as: SiteFields.self, by: principal)
            facts.append(Fact(name: "host", value: host.fields.name, href: "/board/hosts/\(hostId)"))
            facts.append(
                Fact(name: "site", value: site.fields.name + (site.fields.region.map { " (\($0))" } ?? ""), href: "/board/sites/\(site.id)")
            )
        }
        if let requester = contacts.first(where: { $0.id == ticket.requesterId }) {
            let reach = [
                requester.fields.email.map { $0 + (requester.fields.undeliverable.map { " (undeliverable: \($0))" } ?? "") },
                requester.fields.phone,
            ]
            .compactMap { $0 }
            facts.append(
                Fact(name: "requester", value: requester.fields.name + (reach.isEmpty ? "" : " · " + reach.joined(separator: " · "))))
        }
        if !ticket.cc.isEmpty { facts.append(Fact(name: "cc", value: ticket.cc.joined(separator: ", "))) }
        if !ticket.tags.isEmpty { facts.append(Fact(name: "tags", value: ticket.tags.joined(separator: ", "))) }
        if !ticket.requiredSkills.isEmpty { facts.append(Fact(name: "skills", value: ticket.requiredSkills.joined(separator: ", "))) }
        facts.append(Fact(name: "opened", value: "\(clock.dayTime(ticket.createdAt)) by \(ticket.createdBy)"))

        let vendorCase = ticket.flags.vendorCase.map { vendorCase in
            ([vendorCase.vendor] + [vendorCase.externalRef, vendorCase.status].compactMap { $0 }).joined(separator: " · ")
        }
        // The customer list is for the edit form: read only for those who may change the ticket.
        let mayEdit = (try? Access.update(ticket, reassigning: false, by: principal)) != nil
        let customers =
            mayEdit ? try await coordinator.inventory.records(CustomerFields.self, after: nil, limit: 500, by: principal).items : []
        var words = HistorySentence(technicians: names, clock: clock)
        words.customers = Dictionary(customers.map { ($0.id, $0.fields.name) }, uniquingKeysWith: { first, _ in first })
        if let id = ticket.customerId, let customerName { words.customers[id] = customerName }
        words.hosts = Dictionary(hosts.map { ($0.id, $0.fields.name) }, uniquingKeysWith: { first, _ in first })
        words.contacts = Dictionary(contacts.map { ($0.id, $0.fields.name) }, uniquingKeysWith: { first, _ in first })
        let desk = principal.role == .admin || principal.role == .dispatcher
        let eligibility = desk && ticket.status.isOpen ? try await coordinator.dispatch.eligibility(ticket: id, by: principal) : []
        var view = TicketView(
            chrome: chrome, id: ticket.id, title: ticket.title, description: ticket.description.isEmpty ? nil : ticket.description,
            facts: facts, clocks: Countdown.both(for: ticket, sla: coordinator.sla, clock: clock),
            onsite: ticket.flags.onsite, hasOnsiteReasons: !ticket.flags.onsiteReasons.isEmpty, onsiteReasons: ticket.flags.onsiteReasons,
            vendorCase: vendorCase, vendorSuggestions: ticket.flags.vendorSuggestions,
            anyFlag: ticket.flags.onsite || vendorCase != nil || !ticket.flags.vendorSuggestions.isEmpty,
            visits: visits.map { visitLine($0, technician: name($0.technicianId), principal: principal, clock: clock) },
            planner: desk && ticket.status.isOpen && (ticket.flags.onsite || !visits.isEmpty || query.asked)
                ? await planner(for: ticket, query, principal: principal, coordinator: coordinator, clock: clock) : nil,
            diagnostics: diagnostics.map { diagnosticView($0, clock: clock) }, diagnosticsShown: shown, olderDiagnoses: older,
            jobs: jobs.map { jobLine($0, clock: clock) }, hasJobs: !jobs.isEmpty,
            events: events.reversed().map { event in
                EventLine(
                    at: clock.dayTime(event.at), atISO: BoardClock.iso(event.at), type: event.kind.rawValue,
                    actor: HistorySentence.who(event.actor),
                    sentence: event.entry.map(words.sentence) ?? details(event.data))
            },
            actions: TicketActionsView(
                ticket, principal: principal, eligibility: eligibility, contacts: contacts,
                mailTo: replyRecipients(ticket, contacts: contacts, mailOn: coordinator.mail.sends),
                customers: customers,
                hosts: hosts),
            conversation: ConversationView.messages(of: ticket, events: events, outbox: outbox, clock: clock),
            showVisits: ticket.flags.onsite || !visits.isEmpty)
        view.actions.fileLimitMiB = coordinator.mail.policy.maxAttachmentBytes >> 20
        view.actions.canTake =
            principal.technicianId != nil && ticket.assigneeId == nil && ticket.status.isOpen && coordinator.dispatch.techniciansTake
        view.links = TicketLinksSection(
            try await coordinator.tickets.links(ofTicket: id, by: principal), of: id, mergedInto: ticket.mergedInto)
        let me = principal.technicianId.map(name) ?? principal.name
        let requesterName = contacts.first { $0.id == ticket.requesterId }?.fields.name
        view.canned = try await coordinator.tickets.cannedReplies(by: principal).map {
            CannedOption(
                id: $0.id, name: $0.name, text: $0.filled(requester: requesterName, ticket: ticket, customer: customerName, technician: me))
        }
        view.hasCanned = !view.canned.isEmpty
        view.time = TicketTimeSection(
            try await coordinator.tickets.timeEntries(ofTicket: id, by: principal), technicians: names, clock: clock)
        return view
    }

    /// Whom a public reply reaches, said above the reply box.
    private static func replyRecipients(_ ticket: Ticket, contacts: [Contact], mailOn: Bool) -> String {
        guard mailOn else { return "Mail is off on this coordinator (no mail.address): replies are kept on the ticket, not mailed." }
        var to: [String] = []
        if let requester = contacts.first(where: { $0.id == ticket.requesterId }), let email = requester.fields.email,
            requester.fields.undeliverable == nil
        {
            to.append("\(requester.fields.name) <\(email)>")
        }
        to += ticket.cc
        return to.isEmpty
            ? "A reply is not mailed: the ticket has no requester with a deliverable address and no CCs."
            : "A reply is mailed to " + to.joined(separator: ", ") + "."
    }

    private static func jobLine(_ job: Job, clock: BoardClock) -> JobLine {
        let runner = job.runner.map { " by \($0)" } ?? ""
        let words =
            switch job.state {
            case .queued: "queued \(clock.dayTime(job.createdAt)) by \(job.requestedBy): waiting for the host's push agent or a collector"
            case .leased: "taken\(runner), starting"
            case .running: "running\(runner)"
            case .attached: "done\(runner) \(clock.dayTime(job.updatedAt)): the diagnosis is below"
            case .failed: "failed\(runner): \(job.failure ?? "no reason given")"
            case .expired: "expired: \(job.failure ?? "nobody finished it in time")"
            }
        return JobLine(id: job.id, state: job.state.rawValue, words: words, failed: job.state == .failed || job.state == .expired)
    }

    /// The steps `principal` may move a visit on: the technician's own (on my way, on site,
    /// done), and the desk's (those and cancel).
    static func visitSteps(_ visit: Visit, principal: Principal) -> [VisitLine.Action] {
        let desk = principal.role == .admin || principal.role == .dispatcher
        let mine = principal.role == .technician && principal.technicianId == visit.technicianId
        let steps: [(VisitStatus, String)] = [(.enRoute, "On my way"), (.onSite, "On site"), (.done, "Done"), (.cancelled, "Cancel visit")]
        return steps.filter { next, _ in
            visit.status.canMove(to: next) && (desk || (mine && next != .cancelled))
        }.map { VisitLine.Action(visitId: visit.id, status: $0.0.rawValue, label: $0.1, needsNotes: $0.0 == .done) }
    }

    private static func visitLine(_ visit: Visit, technician: String, principal: Principal, clock: BoardClock) -> VisitLine {
        let desk = principal.role == .admin || principal.role == .dispatcher
        let actions = visitSteps(visit, principal: principal)
        return VisitLine(
            id: visit.id, technician: technician, window: clock.window(visit.start, visit.end), status: visit.status.rawValue,
            statusText: visit.status.rawValue.replacingOccurrences(of: "_", with: " "), notes: visit.notes, actions: actions,
            movable: desk && visit.status == .booked)
    }

    private static func planner(
        for ticket: Ticket, _ query: PlannerQuery, principal: Principal, coordinator: Coordinator,
        clock: BoardClock
    ) async -> Planner {
        let from = max(query.from ?? clock.now, clock.now)
        var planner = Planner(from: clock.date(from), days: query.days, duration: query.duration, problem: nil, slots: [], noSlots: false)
        do {
            let slots = try await coordinator.visits.slots(
                ticket: ticket.id, from: from, days: query.days, minutes: query.duration,
                limit: 8, by: principal)
            planner.slots = slots.enumerated().map { index, slot in
                Planner.Slot(
                    index: index + 1, technicianId: slot.technicianId, technician: slot.technicianName,
                    start: BoardClock.iso(slot.start), end: BoardClock.iso(slot.end), window: clock.window(slot.start, slot.end),
                    breaches: slot.breachesDeadline, reasons: slot.reasons)
            }
            planner.noSlots = slots.isEmpty
        } catch let error as CoordinatorError {
            planner.problem = error.message
        } catch {
            planner.problem = "the planner failed: \(error)"
        }
        return planner
    }

    private static func diagnosticView(_ diagnostic: Diagnostic, clock: BoardClock) -> DiagnosticView {
        let report = diagnostic.report
        let recommendation = report.recommendation
        var says: [String] = []
        if recommendation.onsite { says.append("send somebody on site") }
        if !recommendation.vendors.isEmpty { says.append("open a case with \(recommendation.vendors.joined(separator: ", "))") }
        if let tier = recommendation.tier { says.append("tier \(tier) can fix it remotely") }
        return DiagnosticView(
            host: report.host, status: report.status.rawValue, when: clock.dayTime(diagnostic.receivedAt),
            postedBy: diagnostic.postedBy.description,
            items: report.checks.map { check in
                DiagnosticView.Item(
                    plugin: check.plugin, item: check.item, status: check.status.rawValue, summary: check.summary,
                    metrics: check.metrics.map(metricText))
            },
            errors: report.errors.map { ($0.plugin.map { "\($0): " } ?? "") + $0.message },
            recommendation: says.isEmpty ? "nothing to do" : says.joined(separator: "; "),
            reasons: recommendation.reasons.map { "\($0.flag.rawValue): \($0.plugin) \($0.item) — \($0.reason)" })
    }

    /// "used=91.5% (warn 80, crit 90)"
    private static func metricText(_ metric: Metric) -> String {
        let value = metric.value.map { $0.rounded() == $0 && abs($0) < 1e15 ? String(Int($0)) : String(format: "%.2f", $0) } ?? "unknown"
        let limits = [metric.warn.map { "warn \($0)" }, metric.crit.map { "crit \($0)" }].compactMap { $0 }
        return "\(metric.name)=\(value)\(metric.unit ?? "")" + (limits.isEmpty ? "" : " (\(limits.joined(separator: ", ")))")
    }

    /// An event's data as one line: "reason: tier 2, skills network · from: new".
    private static func details(_ data: JSONValue) -> String {
        guard case .object(let fields) = data else { return data.compactText }
        return fields.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.compactText)" }.joined(separator: " · ")
    }
}
