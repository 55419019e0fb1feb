import Foundation
import SQLKit
import TriageDomain
import TriageModel

/// The search index (docs/search.md). `search_docs` holds one row per document — what it is and
/// which ticket and customer it belongs to — under an id made from its kind and record, so a
/// record's document is found without a lookup. The words live beside it, in a table per scope
/// (`ticket_fts`, `message_fts`, `party_fts`) keyed by that id: each scope has an index and
/// statistics of its own, so a word everywhere in mail costs nothing in a search of names. In
/// SQLite these are contentless FTS5 tables with prefix indexes for word starts of 2 to 8 letters;
/// in PostgreSQL tables of a tsvector with a GIN index, queried by prefix (`word:*`).
extension SQLSession {
    var isSQLite: Bool { db.dialect.name == "sqlite" }

    static func documentId(_ kind: SearchKind, _ ref: Int) -> Int {
        ref * 8 + (SearchKind.allCases.firstIndex(of: kind) ?? 0)
    }

    /// How many of the newest matching documents a search ranks.
    static let searchWindow = 500

    static func ftsTable(_ kind: SearchKind) -> String {
        switch kind {
        case .ticket: "ticket_fts"
        case .message: "message_fts"
        case .customer, .contact, .host: "party_fts"
        }
    }

    static func ftsTable(_ scope: SearchScope) -> String { ftsTable(scope.kinds[0]) }

    /// A words table's key: FTS5's rowid, or PostgreSQL's column.
    var ftsKey: String { isSQLite ? "rowid" : "id" }

    /// The words as stored: as they are for FTS5, as a tsvector in PostgreSQL.
    func stored(_ words: String) -> any SQLExpression {
        isSQLite ? SQLBind(words) : SQLFunction("to_tsvector", args: SQLLiteral.string("simple"), SQLBind(words))
    }

    /// Writes `document`, replacing the record's earlier one.
    func index(_ document: SearchDocument) async throws {
        let id = Self.documentId(document.kind, document.ref)
        let table = Self.ftsTable(document.kind)
        try await db.raw("DELETE FROM \(ident: table) WHERE \(ident: ftsKey) = \(bind: id)").run()
        try await db.insert(into: table).columns(ftsKey, "words").values(SQLBind(id), stored(document.words)).run()
        try await db.raw(
            """
            INSERT INTO search_docs (id, kind, ref, ticket_id, customer_id) VALUES (\(bind: id), \(bind: document.kind.rawValue), \
            \(bind: document.ref), \(bind: document.ticketId), \(bind: document.customerId))
            ON CONFLICT (id) DO UPDATE SET ticket_id = excluded.ticket_id, customer_id = excluded.customer_id
            """
        ).run()
    }

    /// Writes the documents of records just inserted (none has one yet), a statement per table
    /// for many at once: a ticket's new messages, a new ticket.
    func indexNew(_ documents: [SearchDocument]) async throws {
        for chunk in documents.chunked(by: 500) {
            let docs = db.insert(into: "search_docs").columns("id", "kind", "ref", "ticket_id", "customer_id")
            for document in chunk {
                docs.values(
                    SQLBind(Self.documentId(document.kind, document.ref)), SQLBind(document.kind.rawValue), SQLBind(document.ref),
                    StoredValue.int(document.ticketId).sql, StoredValue.int(document.customerId).sql)
            }
            try await docs.run()
            for (table, scoped) in Dictionary(grouping: chunk, by: { Self.ftsTable($0.kind) }) {
                let words = db.insert(into: table).columns(ftsKey, "words")
                for document in scoped { words.values(SQLBind(Self.documentId(document.kind, document.ref)), stored(document.words)) }
                try await words.run()
            }
        }
    }

    func unindex(_ kind: SearchKind, _ ref: Int) async throws {
        let id = Self.documentId(kind, ref)
        try await db.raw("DELETE FROM \(ident: Self.ftsTable(kind)) WHERE \(ident: ftsKey) = \(bind: id)").run()
        try await db.delete(from: "search_docs").where("id", .equal, id).run()
    }

    /// Indexes an inventory record the search box finds (customers, contacts, hosts).
    func index<F: InventoryFields>(_ fields: F, id: Int) async throws {
        var customerId: Int?
        if let host = fields as? HostFields {
            customerId = try await db.select().column("customer_id").from("sites").where("id", .equal, host.siteId)
                .first(decodingColumn: "customer_id", as: Int.self)
        }
        if let document = SearchDocument.of(fields, id: id, customerId: customerId) { try await index(document) }
    }

    /// A site's hosts are found as its customer's.
    func moveHosts(ofSite id: Int, toCustomer customerId: Int) async throws {
        let hosts = try await db.select().column("id").from("hosts").where("site_id", .equal, id).all(decodingColumn: "id", as: Int.self)
        guard !hosts.isEmpty else { return }
        try await db.update("search_docs").set("customer_id", to: customerId).where("kind", .equal, SearchKind.host.rawValue)
            .where("ref", .in, hosts).run()
    }

    func search(_ query: SearchQuery, in scope: SearchScope, limit: Int) async throws -> [SearchMatch] {
        guard !query.isEmpty else { return [] }
        // Ranked among the newest `searchWindow` matches: a word in every third message would
        // otherwise rank all of them (hundreds of thousands) for each search. In SQLite a query
        // word up to `SearchWords.longestIndexedStart` letters is one lookup in a prefix index. In
        // PostgreSQL the query is a constant the planner sees (`to_tsquery` is immutable, and an
        // unnamed statement is planned with its values), so the scope's statistics choose: a
        // common word is read newest first from the key, a rare one found through GIN.
        let table = Self.ftsTable(scope)
        let matches: SQLQueryString
        let rank: SQLQueryString
        if isSQLite {
            // Each term quoted: FTS5's own syntax never reaches it (the terms are letters and digits).
            let match = query.terms.map { "\"\($0)\"*" }.joined(separator: " ")
            matches = "SELECT rowid AS id, rank FROM \(ident: table) WHERE \(ident: table) MATCH \(bind: match)"
            rank = "m.rank"
        } else {
            let match = query.terms.map { "\($0):*" }.joined(separator: " & ")
            matches = "SELECT id, words FROM \(ident: table) WHERE words @@ to_tsquery('simple', \(bind: match))"
            rank = "ts_rank(m.words, to_tsquery('simple', \(bind: match))) DESC"
        }
        let rows = try await db.raw(
            """
            SELECT d.kind, d.ref, d.ticket_id, d.customer_id FROM (\(matches) ORDER BY id DESC LIMIT \(bind: Self.searchWindow)) AS m \
            JOIN search_docs d ON d.id = m.id ORDER BY \(rank), m.id DESC LIMIT \(bind: limit)
            """
        ).all()
        return try rows.compactMap { row in
            guard let kind = SearchKind(rawValue: try row.decode(column: "kind", as: String.self)) else { return nil }
            return SearchMatch(
                kind: kind, ref: try row.decode(column: "ref", as: Int.self),
                ticketId: try row.decode(column: "ticket_id", as: Int?.self),
                customerId: try row.decode(column: "customer_id", as: Int?.self))
        }
    }

    func tickets(ofCustomers customers: [Int], requesters: [Int], hosts: [Int], limit: Int) async throws -> [Ticket] {
        guard !(customers.isEmpty && requesters.isEmpty && hosts.isEmpty) else { return [] }
        let open = TicketStatus.allCases.filter(\.isOpen).map(\.rawValue)
        let openFirst = SQLQueryString("CASE WHEN status IN (\(binds: open)) THEN 0 ELSE 1 END")
        return try await db.select().column("*").from("tickets").where { group in
            if !customers.isEmpty { group.orWhere("customer_id", .in, customers) }
            if !requesters.isEmpty { group.orWhere("requester_id", .in, requesters) }
            if !hosts.isEmpty { group.orWhere("host_id", .in, hosts) }
            return group
        }
        .orderBy(SQLOrderBy(expression: openFirst, direction: SQLDirection.ascending)).orderBy("id", .descending).limit(limit).all()
        .map(Self.ticket)
    }
}
