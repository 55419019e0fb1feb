import Foundation
import Hummingbird
import TriageDomain
import TriageEdge
import TriageModel

/// Working a ticket on its page: reply and note, status moves, resolve with a note, reopen,
/// acknowledge, escalate, the vendor case, severity, tags and skills, and (the desk) assignment
/// with every technician's eligibility. Each form calls the same domain operation as its API
/// route, so the same roles may use it; a refusal shows the API's sentence on the page.
struct TicketPages: BoardController, DrawsPages {
    let coordinator: Coordinator
    let pages: Pages
    let zone: TimeZone
    let bodyLimit: Int
    let bell: JobBell

    func add(to signedIn: RouterGroup<TriageRequestContext>) {
        action(signedIn, "comments") { form, id, principal, session in
            let visibility: CommentInput.Visibility = form["visibility"] == "internal" ? .internal : .public
            let input = CommentInput(
                body: try form.required("body"), visibility: visibility, attachments: form.files.isEmpty ? nil : form.files)
            _ = try await coordinator.tickets.comment(onTicket: id, input, by: principal, in: session)
            if let minutes = form["minutes"], !minutes.trimmingCharacters(in: .whitespaces).isEmpty {
                let note = (visibility == .internal ? "Note: " : "Reply: ") + String(input.body.prefix(80))
                _ = try await coordinator.tickets.logTime(
                    onTicket: id, TimeEntryInput(minutes: try form.int("minutes"), note: note, billable: form["billable"] != "off"),
                    by: principal, in: session)
            }
        }
        action(signedIn, "take") { _, id, principal, session in
            _ = try await coordinator.dispatch.take(ticket: id, by: principal, in: session)
        }
        action(signedIn, "time") { form, id, principal, session in
            _ = try await coordinator.tickets.logTime(
                onTicket: id, TimeEntryInput(minutes: try form.int("minutes"), note: form["note"], billable: form["billable"] == "on"),
                by: principal, in: session)
        }
        action(signedIn, "status") { form, id, principal, session in
            guard let status = TicketStatus(rawValue: try form.required("status")) else {
                throw CoordinatorError.invalid("status", "is not a ticket status")
            }
            if status == .resolved {
                // A resolution says what was done: a public reply, then the move.
                let note = try form.required("note")
                _ = try await coordinator.tickets.comment(onTicket: id, CommentInput(body: "Resolved: \(note)"), by: principal, in: session)
            }
            _ = try await coordinator.tickets.update(id, TicketPatch(status: status), by: principal, in: session)
        }
        action(signedIn, "reopen") { form, id, principal, session in
            _ = try await coordinator.tickets.reopen(id, ReopenInput(reason: try form.required("reason")), by: principal, in: session)
        }
        action(signedIn, "acknowledge") { _, id, principal, session in
            _ = try await coordinator.tickets.acknowledge(ticket: id, by: principal, in: session)
        }
        action(signedIn, "escalate") { form, id, principal, session in
            let target: EscalationInput.Target = form["to"] == "lead" ? .lead : .tier
            _ = try await coordinator.dispatch.escalate(
                ticket: id, EscalationInput(to: target, reason: try form.required("reason")),
                by: principal, in: session)
        }
        action(signedIn, "vendor-case") { form, id, principal, session in
            let input = VendorCaseInput(
                vendor: try form.required("vendor"), externalRef: form.text("externalRef"), status: form.text("status"))
            _ = try await coordinator.dispatch.recordVendorCase(ticket: id, input, by: principal, in: session)
        }
        action(signedIn, "details") { form, id, principal, session in
            var patch = TicketPatch()
            patch.title = form["title"]
            patch.description = form["description"]
            patch.customerId = try form["customerId"].map { $0.isEmpty ? nil : try form.int("customerId") }
            patch.hostId = try form["hostId"].map { $0.isEmpty ? nil : try form.int("hostId") }
            patch.requesterId = try form["requesterId"].map { $0.isEmpty ? nil : try form.int("requesterId") }
            patch.cc = form["cc"].map(WebForm.addresses)
            patch.severity = try form.optionalInt("severity")
            patch.tags = form["tags"].map(WebForm.words)
            patch.requiredSkills = form["requiredSkills"].map(WebForm.words)
            _ = try await coordinator.tickets.update(id, patch, by: principal, in: session)
        }
        action(
            signedIn, "diagnoses", then: { await bell.ring() },
            { form, id, principal, session in
                _ = try await coordinator.jobs.request(
                    ticketId: id, checks: form["checks"].map(WebForm.words) ?? [], params: [:],
                    by: principal, in: session)
            })
        action(signedIn, "assign") { form, id, principal, session in
            switch form["assignee"] {
            case "rules"?: _ = try await coordinator.dispatch.assign(ticket: id, by: principal, in: session)
            case "none"?: _ = try await coordinator.tickets.update(id, TicketPatch(assigneeId: .some(nil)), by: principal, in: session)
            default:
                _ = try await coordinator.tickets.update(
                    id, TicketPatch(assigneeId: .some(try form.int("assignee"))), by: principal, in: session)
            }
        }
        signedIn.get("/tickets/{id}") { request, context in
            try await ticketPage(try Query.id(context), request, try context.boardSession())
        }
        signedIn.get("/tickets/{id}/files/{sha256}") { _, context in
            let (file, bytes) = try await coordinator.mail.file(
                try Query.sha256(context), ofTicket: try Query.id(context),
                by: try context.boardSession().principal)
            return FileDownload.response(file, bytes)
        }
        signedIn.post("/tickets/{id}/visits") { request, context in
            let (id, session) = (try Query.id(context), try context.boardSession())
            let form = try await WebForm(request, limit: bodyLimit)
            try form.requireCSRF(session.csrf)
            let booking = VisitBooking(
                ticketId: id, technicianId: try form.int("technicianId"), start: try form.date("start"),
                end: try form.date("end"))
            do {
                let visit = try await coordinator.write { try await coordinator.visits.book(booking, by: session.principal, in: $0) }
                return Pages.redirect(to: "/board/tickets/\(id)?visit=\(visit.id)#visits")
            } catch let error as CoordinatorError where error.code == .conflict || error.code == .invalid {
                return try await ticketPage(
                    id, request, session, error: "Not booked: \(error.message)",
                    status: error.code.httpStatus)
            }
        }
        signedIn.post("/visits/{id}/status") { request, context in
            let (id, session) = (try Query.id(context), try context.boardSession())
            let form = try await WebForm(request, limit: bodyLimit)
            try form.requireCSRF(session.csrf)
            guard let status = VisitStatus(rawValue: try form.required("status")) else {
                throw CoordinatorError.invalid("status", "one of \(VisitStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let visit = try await coordinator.visits.visit(id, by: session.principal)
            do {
                _ = try await coordinator.write {
                    try await coordinator.visits.changeStatus(
                        visit: id, VisitStatusChange(status: status, notes: form["notes"]), by: session.principal, in: $0)
                }
                return Pages.redirect(to: "/board/tickets/\(visit.ticketId)?visit=\(id)#visits")
            } catch let error as CoordinatorError where error.code == .conflict || error.code == .invalid {
                return try await ticketPage(
                    visit.ticketId, request, session, error: "Visit \(id) unchanged: \(error.message)",
                    status: error.code.httpStatus)
            }
        }
    }

    func ticketPage(
        _ id: Int, _ request: Request, _ session: WebSession, error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        var session = session
        // Opening a ticket reads what one was told about it (docs/notifications.md).
        if request.method == .get, try await coordinator.notifications.unread(ticket: id, by: session.principal) > 0 {
            session.unread -= try await coordinator.notifications.markRead(ids: nil, ticket: id, by: session.principal)
        }
        let query = Query(request)
        let clock = clock()
        var planner = TicketView.PlannerQuery()
        if let from = query.string("from"), !from.isEmpty {
            guard let date = clock.midnight(of: from) else {
                throw CoordinatorError(.badRequest, "from must be a date such as 2026-11-23, not '\(from)'")
            }
            planner.from = date
        }
        planner.asked = query.string("plan") == "1" || planner.from != nil
        planner.days = try query.int("days", 1...31) ?? planner.days
        planner.duration = try query.int("duration", 15...720) ?? planner.duration
        // A refused form's page answers a POST: it reads the ticket's own page again.
        let again = request.method == .get ? request.uri.description : "/board/tickets/\(id)"
        var chrome = Chrome(session: session, clock: clock).live("\(id)", url: again)
        chrome.error = error
        if query.string("opened") == "1" { chrome.notice = try await assignmentNotice(id, by: session.principal) }
        if let visitId = try query.int("visit", 1...Int.max),
            let visit = try? await coordinator.visits.visit(visitId, by: session.principal)
        {
            chrome.notice =
                "Visit \(visit.id) is \(visit.status.rawValue.replacingOccurrences(of: "_", with: " ")): \(clock.window(visit.start, visit.end))."
        }
        // One moment of the store for the whole page, however many rooms it asks.
        let diagnosesBefore = try query.int("diagnosesBefore", 1...Int.max)
        var view = try await coordinator.snapshot {
            try await TicketView.load(
                id, chrome: chrome, principal: session.principal, planner: planner, diagnosesBefore: diagnosesBefore,
                coordinator: coordinator, clock: clock)
        }
        if query.string("note") == "1", FormRetry.current == nil { view.actions.internalNote = true }
        // "Insert" without JavaScript: the page again, the reply box holding the chosen text.
        if let canned = try query.int("canned", 1...Int.max), FormRetry.current == nil,
            let text = view.canned.first(where: { $0.id == canned })?.text
        {
            view.actions.reply = text
        }
        return pages.render("ticket", view, status: status)
    }

    /// After the desk opened a ticket: whom assignment chose and why, from its history.
    func assignmentNotice(_ id: Int, by principal: Principal) async throws -> String? {
        let events = try await coordinator.tickets.events(ofTicket: id, after: nil, limit: 20, by: principal).items
        for event in events.reversed() {
            switch event.entry {
            case .assigned(let made)?: return "Ticket \(id) opened and assigned: \(made.reason)."
            case .unassignable(let made)?: return "Ticket \(id) opened; nobody could take it: \(made.reason). The lead has been told."
            default: continue
            }
        }
        return "Ticket \(id) opened."
    }

    /// POST /board/tickets/{id}/NAME: CSRF, then the change in one transaction; back to the
    /// ticket's history, or its page with the refusal and the status the API would answer.
    private func action(
        _ signedIn: RouterGroup<TriageRequestContext>, _ name: String, then: (@Sendable () async -> Void)? = nil,
        _ change: @escaping @Sendable (WebForm, Int, Principal, Transaction) async throws -> Void
    ) {
        signedIn.post("/tickets/{id}/\(name)") { request, context in
            let (id, session) = (try Query.id(context), try context.boardSession())
            let form = try await WebForm(request, limit: bodyLimit)
            try form.requireCSRF(session.csrf)
            let principal = session.principal
            do {
                try await coordinator.write { try await change(form, id, principal, $0) }
                await then?()
                let section =
                    switch name {
                    case "diagnoses": "diagnostics"
                    case "comments": "conversation"
                    case "time": "time"
                    default: "history"
                    }
                // After a note the box stays on "note": the next one is not mailed by surprise.
                let note = name == "comments" && form["visibility"] == "internal" ? "?note=1" : ""
                return Pages.redirect(to: "/board/tickets/\(id)\(note)#\(section)")
            } catch let error as CoordinatorError where [.invalid, .conflict, .forbidden, .tooLarge].contains(error.code) {
                // The page with the refusal on top, and the form as it was filled in with the problem next to its field.
                return try await FormRetry.$current.withValue(FormRetry(form: name, typed: form.all, problems: error.problems)) {
                    try await ticketPage(id, request, session, error: error.message, status: error.code.httpStatus)
                }
            }
        }
    }
}

/// What the viewer may do to the ticket, for its page: the same rules as the domain's.
struct TicketActionsView {
    struct Move {
        var status: String
        var label: String
    }

    struct Candidate {
        var technicianId: Int
        var name: String
        var why: String
        var eligible: Bool
        var current: Bool
    }

    var canComment: Bool
    var canChange: Bool
    var open: Bool
    var moves: [Move]
    var canResolve: Bool
    var canClose: Bool
    var canAcknowledge: Bool
    /// "Take it": a technician's account, an unassigned open ticket, and the desk allows it.
    var canTake = false
    var desk: Bool
    var candidates: [Candidate]
    var severities: [BoardView.Option]
    var tags: String
    var skills: String
    var vendor: String
    var vendorRef: String
    var vendorStatus: String
    /// "Diagnose now": for those who may change an open ticket about a host.
    var canDiagnose: Bool
    /// Whom a public reply reaches, in words.
    var mailTo: String
    /// The largest file a reply or note takes, in MiB.
    var fileLimitMiB = 25
    var title: String
    var description: String
    var cc: String
    var requesters: [BoardView.Option]
    var customers: [BoardView.Option]
    var hosts: [BoardView.Option]
    /// What was typed into a refused form, and what was wrong, next to its field.
    var reply = "", internalNote = false, resolveNote = "", reopenReason = "", escalateReason = "", escalateToLead = false
    var errors = Errors()

    struct Errors {
        var reply: String?, resolve: String?, reopen: String?, escalate: String?, vendor: String?, details: String?
    }

    init(
        _ ticket: Ticket, principal: Principal, eligibility: [TechnicianEligibility], contacts: [Contact] = [], mailTo: String = "",
        customers: [Customer] = [], hosts: [Record<HostFields>] = []
    ) {
        self.mailTo = mailTo
        (title, description, cc) = (ticket.title, ticket.description, ticket.cc.joined(separator: ", "))
        func options<F>(_ records: [Record<F>], _ chosen: Int?, none: String, name: (F) -> String) -> [BoardView.Option] {
            [BoardView.Option(value: "", label: none, selected: chosen == nil)]
                + records.map { BoardView.Option(value: "\($0.id)", label: name($0.fields), selected: $0.id == chosen) }
        }
        requesters = options(contacts, ticket.requesterId, none: "nobody") { $0.name + ($0.email.map { " <\($0)>" } ?? "") }
        self.customers = options(customers, ticket.customerId, none: "no customer") { $0.name }
        self.hosts = options(hosts, ticket.hostId, none: "no host") { $0.name }
        canComment = (try? Access.comment(principal)) != nil
        canChange = (try? Access.update(ticket, reassigning: false, by: principal)) != nil
        open = ticket.status.isOpen
        let labels: [(TicketStatus, String)] = [
            (.inProgress, "In progress"), (.waitingCustomer, "Waiting for customer"),
            (.waitingVendor, "Waiting for vendor"),
        ]
        moves = canChange ? labels.filter { ticket.status.canMove(to: $0.0) }.map { Move(status: $0.0.rawValue, label: $0.1) } : []
        canResolve = canChange && ticket.status.canMove(to: .resolved)
        canClose = canChange && ticket.status.canMove(to: .closed)
        canAcknowledge = canChange && ticket.status.isOpen && ticket.firstResponseAt == nil
        desk = (try? Access.dispatch(principal)) != nil && ticket.status.isOpen
        candidates = eligibility.map {
            Candidate(
                technicianId: $0.technicianId, name: $0.name, why: $0.why, eligible: $0.eligible,
                current: $0.technicianId == ticket.assigneeId)
        }
        severities = (1...4).map { BoardView.Option(value: "\($0)", label: "S\($0)", selected: $0 == ticket.severity) }
        tags = ticket.tags.joined(separator: ", ")
        skills = ticket.requiredSkills.joined(separator: ", ")
        vendor = ticket.flags.vendorCase?.vendor ?? ticket.flags.vendorSuggestions.first ?? ""
        vendorRef = ticket.flags.vendorCase?.externalRef ?? ""
        vendorStatus = ticket.flags.vendorCase?.status ?? ""
        canDiagnose = canChange && ticket.hostId != nil
        if let retry = FormRetry.current { keep(retry) }
    }

    /// A refused form keeps what was typed into it.
    private mutating func keep(_ retry: FormRetry) {
        let typed = retry.typed
        switch retry.form {
        case "comments":
            (reply, internalNote, errors.reply) = (
                typed["body"] ?? "", typed["visibility"] == "internal", retry.problem("body", "visibility")
            )
        case "status" where typed["status"] == "resolved":
            (resolveNote, errors.resolve) = (typed["note"] ?? "", retry.problem("note", "body"))
        case "reopen": (reopenReason, errors.reopen) = (typed["reason"] ?? "", retry.problem("reason"))
        case "escalate":
            (escalateReason, escalateToLead, errors.escalate) = (typed["reason"] ?? "", typed["to"] == "lead", retry.problem("reason"))
        case "vendor-case":
            (vendor, vendorRef, vendorStatus) = (typed["vendor"] ?? "", typed["externalRef"] ?? "", typed["status"] ?? "")
            errors.vendor = retry.problem("vendor", "externalRef", "status")
        case "details":
            (tags, skills) = (typed["tags"] ?? "", typed["requiredSkills"] ?? "")
            (title, description, cc) = (typed["title"] ?? title, typed["description"] ?? description, typed["cc"] ?? cc)
            func chosen(_ options: [BoardView.Option], _ field: String) -> [BoardView.Option] {
                guard let value = typed[field] else { return options }
                return options.map { BoardView.Option(value: $0.value, label: $0.label, selected: $0.value == value) }
            }
            (customers, requesters, hosts) = (chosen(customers, "customerId"), chosen(requesters, "requesterId"), chosen(hosts, "hostId"))
            severities = severities.map { BoardView.Option(value: $0.value, label: $0.label, selected: $0.value == typed["severity"]) }
            errors.details = retry.problem(
                "severity", "tags", "requiredSkills", "title", "description", "cc", "requesterId", "customerId", "hostId")
        default: break
        }
    }
}
