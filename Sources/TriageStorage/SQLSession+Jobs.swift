import Foundation
import SQLKit
import TriageDomain

extension SQLSession {
    private static func job(_ row: any SQLRow) throws -> Job {
        let r = SQLStoredRow(row: row)
        func actor(_ column: String) throws -> Actor? {
            guard let text = try r.text(column) else { return nil }
            guard let actor = Actor(text) else { throw CoordinatorError(.storage, "\(column) '\(text)' in jobs is no actor") }
            return actor
        }
        let stateText = try r.required(r.text("state"), "state")
        guard let state = JobState(rawValue: stateText) else { throw CoordinatorError(.storage, "unknown job state \(stateText)") }
        return Job(
            id: try r.required(r.int("id"), "id"), ticketId: try r.required(r.int("ticket_id"), "ticket_id"),
            hostId: try r.required(r.int("host_id"), "host_id"), siteId: try r.required(r.int("site_id"), "site_id"),
            customerId: try r.required(r.int("customer_id"), "customer_id"),
            checks: try r.json("checks", as: [String].self), params: try r.json("params", as: [String: String].self),
            state: state, requestedBy: try r.required(actor("requested_by"), "requested_by"),
            createdAt: try r.required(r.time("created_at"), "created_at"), updatedAt: try r.required(r.time("updated_at"), "updated_at"),
            expiresAt: try r.required(r.time("expires_at"), "expires_at"), lease: try r.required(r.int("lease"), "lease"),
            runner: try actor("runner"), leaseUntil: try r.time("lease_until"),
            reportId: try r.text("report_id").flatMap(UUID.init(uuidString:)), failure: try r.text("failure"))
    }

    /// The columns a job's changes write.
    private static func changing(_ job: Job) -> [(String, StoredValue)] {
        [
            ("state", .text(job.state.rawValue)), ("updated_at", .time(job.updatedAt)), ("lease", .int(job.lease)),
            ("runner", .text(job.runner?.description)), ("lease_until", .time(job.leaseUntil)),
            ("report_id", .text(job.reportId?.uuidString)), ("failure", .text(job.failure)),
        ]
    }

    func insertJob(_ job: Job) async throws -> Job {
        let values: [(String, StoredValue)] =
            [
                ("ticket_id", .int(job.ticketId)), ("host_id", .int(job.hostId)), ("site_id", .int(job.siteId)),
                ("customer_id", .int(job.customerId)), ("checks", .json(job.checks)), ("params", .json(job.params)),
                ("requested_by", .text(job.requestedBy.description)), ("created_at", .time(job.createdAt)),
                ("expires_at", .time(job.expiresAt)),
            ] + Self.changing(job)
        let id = try await db.insert(into: "jobs").columns(values.map(\.0)).values(values.map(\.1.sql))
            .returning("id").first(decodingColumn: "id", as: Int.self)
        guard let id else { throw CoordinatorError(.storage, "insert into jobs returned no id") }
        var stored = job
        stored.id = id
        return stored
    }

    func job(_ id: Int) async throws -> Job? {
        try await db.select().column("*").from("jobs").where("id", .equal, id).first().map(Self.job)
    }

    func jobs(ticketId: Int?, states: [JobState], before: Int?, limit: Int) async throws -> [Job] {
        let query = db.select().column("*").from("jobs")
        if let ticketId { query.where("ticket_id", .equal, ticketId) }
        if !states.isEmpty { query.where("state", .in, SQLBind.group(states.map(\.rawValue))) }
        if let before { query.where("id", .lessThan, before) }
        return try await query.orderBy("id", .descending).limit(limit).all().map(Self.job)
    }

    func takeableJobs(at now: Date, hostId: Int?, scope: CollectorScope?, limit: Int) async throws -> [Job] {
        let at = SQLBind(now.storedMilliseconds)
        let query = db.select().column("*").from("jobs")
            .where { open in
                open.where("state", .equal, JobState.queued.rawValue)
                    .orWhere { lapsed in
                        lapsed.where("state", .in, SQLBind.group([JobState.leased.rawValue, JobState.running.rawValue]))
                            .where("lease_until", .lessThan, at)
                    }
            }
            .where("expires_at", .greaterThan, at)
        if let hostId { query.where("host_id", .equal, hostId) }
        if let scope {
            query.where { inScope in
                inScope.where("site_id", .in, SQLBind.group(scope.sites + [-1]))
                    .orWhere("customer_id", .in, SQLBind.group(scope.customers + [-1]))
            }
        }
        return try await query.orderBy("id").limit(limit).all().map(Self.job)
    }

    func updateJob(_ job: Job, ifLease lease: Int, state: JobState) async throws -> Bool {
        let update = db.update("jobs")
        for (column, value) in Self.changing(job) { update.set(SQLIdentifier(column), to: value.sql) }
        let row = try await update.where("id", .equal, job.id).where("lease", .equal, lease).where("state", .equal, state.rawValue)
            .returning("id").first()
        return row != nil
    }

    func expiredJobs(at now: Date, limit: Int) async throws -> [Job] {
        try await db.select().column("*").from("jobs")
            .where("state", .in, SQLBind.group([JobState.queued, .leased, .running].map(\.rawValue)))
            .where("expires_at", .lessThanOrEqual, SQLBind(now.storedMilliseconds))
            .orderBy("id").limit(limit).all().map(Self.job)
    }

    func hostsWithLiveAgent(_ hostIds: [Int], at now: Date, intervals: Int) async throws -> Set<Int> {
        guard !hostIds.isEmpty else { return [] }
        let rows = try await db.select().column("host_id").from("host_health")
            .where("host_id", .in, SQLBind.group(hostIds)).where("by_agent", .equal, 1)
            .where(SQLRaw("last_report_at + interval_seconds * \(1000 * intervals)"), .greaterThan, SQLBind(now.storedMilliseconds))
            .all()
        return Set(try rows.map { try $0.decode(column: "host_id", as: Int.self) })
    }
}
