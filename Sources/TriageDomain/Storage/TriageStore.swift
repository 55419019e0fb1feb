import Foundation
import TriageModel

/// Where the coordinator keeps everything. Reads see committed data; a write runs as one
/// transaction that is committed before `write` returns, so a 2xx answer is durable.
public protocol TriageStore: Sendable {
    func read<T: Sendable>(_ body: @Sendable (any StoreSession) async throws -> T) async throws -> T
    func write<T: Sendable>(_ body: @Sendable (any StoreSession) async throws -> T) async throws -> T
    /// Applies the migrations not yet applied; returns their versions.
    @discardableResult func migrate() async throws -> [Int]
    func close() async throws
    /// Writes run again after a serialization failure; nil for a store that never retries (SQLite).
    var retriedWrites: Int? { get }
}

extension TriageStore {
    public var retriedWrites: Int? { nil }
}

/// What the domain may ask of the store inside one read or write, one protocol per aggregate.
/// No SQL crosses this line; `SQLSession` conforms to all of them for SQLite and PostgreSQL.
public protocol StoreSession: InventoryRecords, TicketRecords, DispatchRecords, HealthRecords, VisitRecords, AccessRecords,
    AccountRecords, JobRecords, MailRecords, SearchRecords, SavedViewRecords, TimeRecords, LinkRecords,
    CannedReplyRecords, NotificationRecords, WebhookRecords, AlertRecords
{}

/// Diagnosis jobs and who may run them.
public protocol JobRecords: Sendable {
    /// Stores a new job; the id it is given is the one returned.
    func insertJob(_ job: Job) async throws -> Job
    func job(_ id: Int) async throws -> Job?
    /// Newest first, before the id `before`; of one ticket and in some states when given.
    func jobs(ticketId: Int?, states: [JobState], before: Int?, limit: Int) async throws -> [Job]
    /// Jobs a runner may take at `now`, oldest first: queued, or leased and running under a lease
    /// that ended; not expired; of one host or of the sites and customers named, when given.
    func takeableJobs(at now: Date, hostId: Int?, scope: CollectorScope?, limit: Int) async throws -> [Job]
    /// Writes `job` only if its stored lease and state are still `lease` and `state` (compare and
    /// set: of two runners racing for a job one wins); false when they changed.
    func updateJob(_ job: Job, ifLease lease: Int, state: JobState) async throws -> Bool
    /// Unfinished jobs past their expiry at `now`.
    func expiredJobs(at now: Date, limit: Int) async throws -> [Job]
    /// The ones of `hostIds` whose own push agent reported within `intervals` of its interval.
    func hostsWithLiveAgent(_ hostIds: [Int], at now: Date, intervals: Int) async throws -> Set<Int>
}

/// Customers, sites, hosts and technicians.
public protocol InventoryRecords: Sendable {
    func insert<F: InventoryFields>(_ fields: F, at: Date) async throws -> Record<F>
    func replace<F: InventoryFields>(_ id: Int, with fields: F, at: Date) async throws -> Record<F>?
    func record<F: InventoryFields>(_ id: Int, as type: F.Type) async throws -> Record<F>?
    /// Records in id order, starting after `after`.
    func records<F: InventoryFields>(_ type: F.Type, after: Int?, limit: Int) async throws -> [Record<F>]
    func exists(_ kind: RecordKind, _ id: Int) async throws -> Bool
    /// The names of the records of `kind` among `ids` that exist.
    func names(_ kind: RecordKind, ids: [Int]) async throws -> [Int: String]
    /// What still refers to a record, as counted nouns ("2 sites"); empty when it can go.
    func dependents(of kind: RecordKind, _ id: Int) async throws -> [String]
    func delete(_ kind: RecordKind, _ id: Int) async throws -> Bool
    /// Customers whose name, own email or phone, a contact's name, email or phone (phones by their digits), or a host's name
    /// contains `text` (case-insensitive), by name, at most `limit`.
    func customers(matching text: String, limit: Int) async throws -> [Customer]
    /// A customer's contacts, and hosts (with their sites), by name.
    func contacts(ofCustomer id: Int) async throws -> [Contact]
    func hosts(ofCustomer id: Int) async throws -> [Record<HostFields>]
    /// A customer's sites and a site's hosts, by name.
    func sites(ofCustomer id: Int) async throws -> [Record<SiteFields>]
    func hosts(ofSite id: Int) async throws -> [Record<HostFields>]
}

/// One history entry as the store writes it.
public struct StoredEntry: Sendable {
    public var kind: EventKind
    public var actor: Actor
    public var data: JSONValue

    public init(kind: EventKind, actor: Actor, data: JSONValue) {
        self.kind = kind
        self.actor = actor
        self.data = data
    }
}

/// Tickets and their history.
public protocol TicketRecords: Sendable {
    /// Stores a new ticket; the id it is given is the one returned.
    func insertTicket(_ ticket: Ticket) async throws -> Ticket
    func updateTicket(_ ticket: Ticket) async throws
    func ticket(_ id: Int) async throws -> Ticket?
    /// The ones of `ids` that exist, in id order.
    func tickets(ids: [Int]) async throws -> [Ticket]
    /// Newest first, starting below `before`.
    func tickets(_ filter: TicketFilter, before: Int?, limit: Int) async throws -> [Ticket]
    func ticketCountsByStatus(_ filter: TicketFilter) async throws -> [TicketStatus: Int]
    /// In `order` (by due time: the one that matters now, respond until answered, then resolve;
    /// by customer, requester or assignee: their names), then id, from `offset`: a queue a page at a time.
    func queue(_ filter: TicketFilter, order: QueueOrder, offset: Int, limit: Int) async throws -> [Ticket]
    /// Tickets in one of `statuses` with an SLA warning or breach not yet sent that falls due at
    /// or before `now`, in id order after `after`.
    func ticketsWithSLACheckDue(at now: Date, statuses: Set<TicketStatus>, after: Int, limit: Int) async throws -> [Ticket]
    /// Appends entries to a ticket's history in one statement, in the order given.
    func appendEvents(ticketId: Int, at: Date, _ entries: [StoredEntry]) async throws -> [TicketEvent]
    /// Oldest first, starting after `after`.
    func events(ticketId: Int, after: Int?, limit: Int) async throws -> [TicketEvent]
    /// The ones of `ids` that exist, in id order.
    func events(ids: [Int]) async throws -> [TicketEvent]
    /// Every event of one of `kinds` on `ticketIds`, oldest first: the parts of histories a rule needs.
    func events(ticketIds: [Int], kinds: [EventKind]) async throws -> [TicketEvent]
    /// Events after `after` on the open tickets assigned to `technicianId`, not by `excluding`, newest first.
    func events(onTicketsOf technicianId: Int, after: Int?, excluding: Actor, limit: Int) async throws -> [TicketEvent]
    /// The most recent event of `kind` of each of `ticketIds` that has one.
    func latestEvents(kind: EventKind, ticketIds: [Int]) async throws -> [Int: TicketEvent]
    /// The newest event's id (0 without any): where a live feed starts.
    func latestEventId() async throws -> Int
    /// Which ticket each event after `after` (and each of `ids`) belongs to, oldest first.
    func eventTickets(after: Int, orIds ids: [Int], limit: Int) async throws -> [TicketChange]
}

/// What assignment and the SLA scheduler read and write.
public protocol DispatchRecords: Sendable {
    func activeTechnicians() async throws -> [Technician]
    /// Changes, in the same transaction, with every insert, change or delete of a technician.
    func techniciansVersion() async throws -> String
    /// Open tickets by severity and the last assignment, per technician who ever had one.
    func workloads() async throws -> [Int: Workload]
    /// Technicians who had a ticket of this customer or host assigned or resolved since `since`,
    /// or still have one open.
    func techniciansWhoWorked(customerId: Int?, hostId: Int?, since: Date) async throws -> Set<Int>

    /// Takes or renews the named lease for `holder` until `until` when it is free, expired at
    /// `now`, or already theirs; false when another holder has it.
    func acquireLease(_ name: String, holder: String, now: Date, until: Date) async throws -> Bool
}

/// Health reports, per-item states, hosts' silence, and diagnoses on tickets.
public protocol HealthRecords: Sendable {
    /// Stores a report once; false when its id was stored before.
    func insertHealthReport(_ report: DiagnosticReport, hostId: Int, postedBy: Actor, at: Date) async throws -> Bool
    /// Newest first, up to `limit` and `maxBytes` of reports; `more` when a next page exists.
    func healthReports(hostId: Int, before: (time: Date, reportId: String)?, limit: Int, maxBytes: Int) async throws
        -> (reports: [ReceivedReport], more: Bool)
    func checkStates(hostId: Int) async throws -> [CheckState]
    /// The item states whose problems go to one of `ticketIds`.
    func checkStates(ticketIds: [Int]) async throws -> [CheckState]
    func saveCheckStates(_ states: [CheckState]) async throws
    func hostHealth(_ hostId: Int) async throws -> HostHealth?
    func saveHostHealth(_ health: HostHealth) async throws
    func silentHosts(at now: Date, intervals: Int) async throws -> [HostHealth]

    /// Stores a diagnosis; returns its id.
    func insertDiagnostic(_ diagnostic: Diagnostic) async throws -> Int
    func diagnostic(reportId: UUID) async throws -> Diagnostic?
    /// Records that a diagnosis's recommendation was applied to its ticket.
    func markDiagnosticApplied(reportId: UUID, by actor: Actor, at: Date) async throws
    /// In the order received after `after`, or newest first before `before`; at most `limit`.
    func diagnostics(ticketId: Int, after: Int?, before: Int?, limit: Int) async throws -> [Diagnostic]
    func diagnosticCount(ticketId: Int) async throws -> Int
}

/// On-site visits.
public protocol VisitRecords: Sendable {
    /// Stores a new visit; the id it is given is the one returned.
    func insertVisit(_ visit: Visit) async throws -> Visit
    func updateVisit(_ visit: Visit) async throws
    func visit(_ id: Int) async throws -> Visit?
    /// Visits in `filter`, by start.
    func visits(_ filter: VisitFilter, limit: Int) async throws -> [Visit]
}

/// Tokens, board sessions, shared secrets and idempotent answers.
public protocol AccessRecords: Sendable {
    func insertToken(_ token: NewToken) async throws -> TokenInfo
    func token(hash: String) async throws -> TokenInfo?
    func token(id: Int) async throws -> TokenInfo?
    func tokens() async throws -> [TokenInfo]
    func revokeToken(_ id: Int, at: Date) async throws -> Bool

    /// The secret stored under `name`, storing `candidate` first when there is none.
    func serverSecret(named name: String, orNew candidate: String) async throws -> String
    /// Every shared secret by name (to seal those stored before sealing existed).
    func serverSecrets() async throws -> [String: String]
    func setServerSecret(_ value: String, named name: String) async throws

    func savedResponse(tokenId: Int, key: String) async throws -> SavedResponse?
    func saveResponse(_ response: SavedResponse) async throws
}

/// A token as listed: never the secret, which is stored only as a hash.
public struct TokenInfo: Codable, Sendable, Equatable {
    public var id: Int
    public var name: String
    public var role: Role
    public var hostId: Int?
    public var technicianId: Int?
    /// The user a personal token belongs to.
    public var userId: Int?
    /// What a collector token serves.
    public var scope: CollectorScope?
    public var createdAt: Date
    public var revokedAt: Date?

    public var principal: Principal {
        Principal(tokenId: id, name: name, role: role, hostId: hostId, technicianId: technicianId, scope: scope)
    }

    package init(
        id: Int, name: String, role: Role, hostId: Int? = nil, technicianId: Int? = nil, userId: Int? = nil, scope: CollectorScope? = nil,
        createdAt: Date, revokedAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.role = role
        self.hostId = hostId
        self.technicianId = technicianId
        self.userId = userId
        self.scope = scope
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

public struct NewToken: Sendable {
    public var name: String
    /// The user a personal token belongs to: it acts as them, and stops when they are disabled.
    public var userId: Int?
    public var role: Role
    public var hostId: Int?
    public var technicianId: Int?
    public var scope: CollectorScope?
    public var hash: String
    public var createdAt: Date
}

/// The first answer to a write that carried an Idempotency-Key, replayed on a retry.
public struct SavedResponse: Sendable, Equatable {
    public var tokenId: Int
    public var key: String
    /// SHA-256 of method, path and body: the same key with another request is refused.
    public var requestHash: String
    public var status: Int
    public var body: String
    public var location: String?
    public var createdAt: Date

    package init(tokenId: Int, key: String, requestHash: String, status: Int, body: String, location: String? = nil, createdAt: Date) {
        self.tokenId = tokenId
        self.key = key
        self.requestHash = requestHash
        self.status = status
        self.body = body
        self.location = location
        self.createdAt = createdAt
    }
}

/// What a user's authenticator app shares with Triage (RFC 6238), and their recovery codes.
public struct SecondFactor: Sendable, Equatable {
    /// The confirmed secret; nil while the user has no second factor.
    public var secret: String?
    /// A secret shown for enrolment, not yet confirmed with a code.
    public var pending: String?
    /// SHA-256 hashes of the recovery codes not yet used.
    public var recoveryCodes: [String]
    /// The time step of the last code accepted.
    public var lastStep: Int?

    public init(secret: String? = nil, pending: String? = nil, recoveryCodes: [String] = [], lastStep: Int? = nil) {
        self.secret = secret
        self.pending = pending
        self.recoveryCodes = recoveryCodes
        self.lastStep = lastStep
    }
}

/// People's accounts, their browser sessions, failed sign-ins and one-time codes.
public protocol AccountRecords: Sendable {
    /// Stores a new user (without a password); the id it is given is the one returned.
    func insertUser(_ user: User) async throws -> User
    func updateUser(_ user: User) async throws
    func user(id: Int) async throws -> User?
    /// By the login as stored (lower case).
    func user(login: String) async throws -> User?
    func users() async throws -> [User]
    func userCount() async throws -> Int
    func passwordHash(userId: Int) async throws -> String?
    func setPasswordHash(_ hash: String, userId: Int, at: Date) async throws
    /// A user's second factor: the confirmed and the pending secret, recovery code hashes, the last step used.
    func secondFactor(userId: Int) async throws -> SecondFactor
    func saveSecondFactor(_ factor: SecondFactor, userId: Int, at: Date) async throws

    func insertSession(secretHash: String, userId: Int, at: Date, expiresAt: Date) async throws
    /// The user behind a session that has not expired at `now`.
    func sessionUser(secretHash: String, now: Date) async throws -> User?
    func deleteSession(secretHash: String) async throws
    /// Ends a user's sessions, but `except` (the one that changed the password).
    func deleteSessions(userId: Int, except secretHash: String?) async throws
    func deleteSessions(expiredAt now: Date) async throws

    func loginFailures(_ keys: [String]) async throws -> [String: LoginFailures]
    func saveLoginFailures(_ failures: LoginFailures, key: String) async throws
    func deleteLoginFailures(_ key: String) async throws

    /// The newest ticket event a person has read on their My work page.
    func seenEventId(userId: Int) async throws -> Int?
    func setSeenEventId(_ id: Int, userId: Int) async throws

    /// Makes `hash` the one valid code for `purpose` (the setup link: one at a time).
    func replaceOneTimeCodes(purpose: String, with hash: String, expiresAt: Date) async throws
    /// Deletes the code when it is valid at `now`, and says whether it was: each works once.
    func consumeOneTimeCode(hash: String, purpose: String, now: Date) async throws -> Bool
    /// Adds a code beside the purpose's others (a pending second-factor step: one per sign-in).
    func insertOneTimeCode(hash: String, purpose: String, expiresAt: Date) async throws
    /// Whether the code is there and valid at `now`, without spending it.
    func hasOneTimeCode(hash: String, purpose: String, now: Date) async throws -> Bool
    func deleteOneTimeCodes(expiredAt now: Date) async throws
    /// Revokes every personal token of a user at `at` (a disabled account, a new password).
    func revokePersonalTokens(userId: Int, at: Date) async throws
}
