import Foundation

extension Webhooks {
    /// Queues one delivery per written history entry and enabled endpoint that wants its type, in
    /// the caller's transaction (`TicketDesk.append` calls it): an event is queued exactly when its
    /// change commits.
    package func enqueue(ticketId: Int, known: Ticket?, events: [TicketEvent], at: Date, in session: Records) async throws {
        guard !events.isEmpty else { return }
        let endpoints = try await session.webhookEndpoints(enabledOnly: true)
        guard !endpoints.isEmpty else { return }
        var found = known
        if found == nil { found = try await session.ticket(ticketId) }
        guard let ticket = found else { return }
        var deliveries: [WebhookDelivery] = []
        for event in events {
            let type = "ticket." + event.kind.rawValue
            let wanting = endpoints.filter { $0.wants(type) }
            guard !wanting.isEmpty else { continue }
            let body = try WebhookEvent.ticketPayload(ticket, event: event, at: at)
            for endpoint in wanting {
                deliveries.append(
                    WebhookDelivery(endpointId: endpoint.id, type: type, ticketId: ticket.id, nextAttemptAt: at, createdAt: at, body: body))
            }
        }
        try await session.insertWebhookDeliveries(deliveries)
    }

    /// Sends what is due through `transport`, up to `parallel` at once: each delivery taken under a
    /// lease (compare and set), so of several instances one sends it, and one killed mid-send
    /// leaves it to another when the lease ends. One delivery's failure does not hold up the
    /// others: all are tried, then the first such error is thrown. Returns the ids delivered.
    public func deliverDue(through transport: any WebhookTransport, holder: String, parallel: Int = 8) async throws -> [Int] {
        let due = try await read { try await $0.dueWebhookDeliveries(at: now(), limit: 50) }
        var delivered: [Int] = []
        var failure: (any Error)?
        for batch in stride(from: 0, to: due.count, by: parallel).map({ Array(due[$0..<min($0 + parallel, due.count)]) }) {
            let results = await withTaskGroup(of: Result<Int?, any Error>.self) { group in
                for delivery in batch {
                    group.addTask {
                        do { return .success(try await deliver(delivery, through: transport, holder: holder)) } catch {
                            return .failure(error)
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            for result in results {
                switch result {
                case .success(let id?): delivered.append(id)
                case .success(nil): continue
                case .failure(let error): failure = failure ?? error
                }
            }
        }
        if let failure { throw failure }
        return delivered
    }

    /// One attempt; the delivery's id when the receiver took it.
    private func deliver(_ delivery: WebhookDelivery, through transport: any WebhookTransport, holder: String) async throws -> Int? {
        let policy = core.webhooks
        var taken = delivery
        let at = now()
        (taken.state, taken.leaseHolder, taken.leaseUntil, taken.attempts) = (
            .sending, holder, at.addingTimeInterval(Double(policy.leaseSeconds)), delivery.attempts + 1
        )
        let claim = taken
        let claimed: (url: String, secrets: [String])? = try await write { session in
            guard let found = try await session.webhookEndpoint(delivery.endpointId), found.0.enabled,
                try await session.updateWebhookDelivery(
                    claim, ifState: delivery.state, holder: delivery.leaseHolder, attempts: delivery.attempts)
            else { return nil }
            return (found.0.url, try found.1.map { try sealer.open($0.sealed) })
        }
        guard let claimed else { return nil }
        let (url, secrets) = claimed
        let started = ContinuousClock.now
        var status: Int?
        var error: String?
        do {
            let headers =
                WebhookSigner.headers(
                    id: delivery.messageId, timestamp: Int(now().timeIntervalSince1970), body: delivery.body, secrets: secrets)
                + [("Content-Type", "application/json"), ("User-Agent", "Triage-Webhooks/1")]
            status = try await transport.post(url: url, headers: headers, body: delivery.body, timeout: .seconds(policy.timeoutSeconds))
        } catch let failure as WebhookTransportError {
            error = failure.description
        } catch is CancellationError {
            throw CancellationError()
        } catch let failure {
            error = "\(failure)"
        }
        let elapsed = ContinuousClock.now - started
        let durationMs = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
        var done = taken
        (done.leaseHolder, done.leaseUntil, done.lastStatus, done.lastDurationMs) = (nil, nil, status, durationMs)
        let doneAt = now()
        var disable: String?
        switch WebhookOutcome.of(status: status, error: error) {
        case .delivered: (done.state, done.deliveredAt, done.lastError) = (.delivered, doneAt, nil)
        case .fail(let reason): (done.state, done.lastError) = (.failed, reason)
        case .disable(let reason):
            (done.state, done.lastError) = (.failed, reason + ": the endpoint is disabled")
            disable = "\(reason) from the receiver at \(InternetTime.format(doneAt))"
        case .retry(let reason):
            let next = doneAt.addingTimeInterval(policy.retryDelay(afterAttempt: done.attempts))
            if next.timeIntervalSince(delivery.createdAt) > policy.giveUpHours * 3600 {
                (done.state, done.lastError) = (.failed, "gave up after \(policy.giveUpHours) h: \(reason)")
            } else {
                (done.state, done.nextAttemptAt, done.lastError) = (.retrying, next, reason)
            }
        }
        let (finished, disabling) = (done, disable)
        let attempt = WebhookAttempt(
            deliveryId: delivery.id, at: doneAt, status: status, durationMs: durationMs, error: error, holder: holder)
        return try await write { session in
            try await session.insertWebhookAttempt(attempt)
            guard try await session.updateWebhookDelivery(finished, ifState: .sending, holder: holder, attempts: finished.attempts) else {
                return nil
            }
            if let disable = disabling, var endpoint = try await session.webhookEndpoint(finished.endpointId)?.0, endpoint.enabled {
                (endpoint.enabled, endpoint.disabledReason, endpoint.updatedAt) = (false, disable, doneAt)
                try await session.updateWebhookEndpoint(endpoint, secrets: nil)
            }
            return finished.state == .delivered ? finished.id : nil
        }
    }
}
