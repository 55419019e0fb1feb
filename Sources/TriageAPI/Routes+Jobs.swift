import Foundation
import Hummingbird
import ServiceLifecycle
import TriageDomain
import TriageEdge
import TriageModel

/// What "Diagnose now" asks for: plugin names (empty: all) and parameter overrides.
struct JobRequest: StrictInput {
    var checks: [String]?
    var params: [String: String]?

    enum Field: String, CodingKey, CaseIterable { case checks, params }
    typealias CodingKeys = Field
}

/// "Diagnose now": a job for a ticket, the runners' long poll, start and result, a collector's hosts.
struct JobRoutes: APIController {
    let coordinator: Coordinator
    let bodyLimit: Int
    let bell: JobBell

    /// Diagnosis jobs (docs/jobs.md): people request and read them; push agents and collectors
    /// long-poll for them, start them and post their results.
    func add(to group: RouterGroup<TriageRequestContext>) {
        let coordinator = self.coordinator
        let limit = bodyLimit
        let bell = self.bell
        group.post("/tickets/{id}/diagnoses") { request, context in
            let id = try Query.id(context)
            let (input, bytes) = try await JSONBody.decode(JobRequest.self, from: request, limit: limit)
            let response = try await writer.run(request, context, body: bytes) { session, principal in
                let job = try await coordinator.jobs.request(
                    ticketId: id, checks: input.checks ?? [], params: input.params ?? [:],
                    by: principal, in: session)
                return try IdempotentWrite.json(job, status: .accepted, location: "/api/v1/jobs/\(job.id)")
            }
            await bell.ring()
            return response
        }
        group.get("/jobs") { request, context in
            let query = Query(request)
            let states = try query.list("state").map { text in
                guard let state = JobState(rawValue: text) else {
                    throw CoordinatorError(
                        .badRequest, "state '\(text)' is not one of \(JobState.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return state
            }
            return JSONBody.response(
                try await coordinator.jobs.list(
                    ticketId: try query.int("ticket", 1...Int.max), states: states, before: try query.cursor, limit: try query.limit,
                    by: try context.caller()))
        }
        group.get("/jobs/{id}") { _, context in
            JSONBody.response(try await coordinator.jobs.job(try Query.id(context), by: try context.caller()))
        }
        group.get("/agent/jobs") { request, context in
            let principal = try context.caller()
            let query = Query(request)
            try query.refuseUnknown(["wait"])
            let wait = try query.int("wait", 0...60) ?? 0
            guard let filter = JobBell.Filter(principal) else {
                try Access.runJobs(principal)
                throw CoordinatorError(.forbidden, "this agent token is bound to no host")
            }
            let deadline = ContinuousClock.now + .seconds(wait)
            // A stopping server answers its waiting runners at once instead of holding its shutdown.
            return try await withGracefulShutdownHandler {
                while true {
                    let mark = await bell.mark()
                    if let leased = try await coordinator.jobs.lease(by: principal) { return JSONBody.response(leased) }
                    let closed = await bell.isClosed
                    if closed || ContinuousClock.now >= deadline || Task.isShuttingDownGracefully {
                        return Response(status: .noContent)
                    }
                    await bell.wait(filter, after: mark, until: deadline)
                }
            } onGracefulShutdown: {
                Task { await bell.close() }
            }
        }
        group.get("/collector/hosts") { request, context in
            try Query(request).refuseUnknown([])
            return JSONBody.response(["items": try await coordinator.jobs.scopedHosts(by: try context.caller())])
        }
        group.post("/jobs/{id}/start") { request, context in
            let id = try Query.id(context)
            let lease = try Self.lease(request)
            try await JSONBody.requireEmpty(request, limit: limit)
            return JSONBody.response(try await coordinator.jobs.start(id, lease: lease, by: try context.caller()))
        }
        group.post("/jobs/{id}/result") { request, context in
            let id = try Query.id(context)
            let lease = try Self.lease(request)
            let (report, bytes) = try await JSONBody.decode(DiagnosticReport.self, from: request, limit: limit)
            return try await writer.run(request, context, body: bytes) { session, principal in
                switch try await coordinator.jobs.finish(id, lease: lease, report: report, by: principal, in: session) {
                case .accepted(let job):
                    return try IdempotentWrite.json(job)
                case .refused(_, let reason):
                    // The refusal is history worth keeping: answered as an error, committed all the same.
                    let body: JSONValue = ["error": ["code": .string(CoordinatorError.Code.conflict.rawValue), "message": .string(reason)]]
                    return try IdempotentWrite.json(body, status: .conflict)
                }
            }
        }
    }

    static func lease(_ request: Request) throws -> Int {
        let query = Query(request)
        try query.refuseUnknown(["lease"])
        guard let lease = try query.int("lease", 1...Int.max) else {
            throw CoordinatorError(.badRequest, "name the lease the job runs under: ?lease=N (from the leased job)")
        }
        return lease
    }
}
