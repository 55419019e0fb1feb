import SQLKit
import TriageDomain
import TriageModel

/// Migration 14: the search index (docs/search.md) — `search_docs`, and the words in a table per
/// scope: FTS5 (SQLite) or a tsvector with a GIN index (PostgreSQL) — filled from what is already stored.
enum MigrationSearch {
    @Sendable static func apply(_ db: any SQLDatabase) async throws {
        let sqlite = db.dialect.name == "sqlite"
        // In SQLite an INTEGER PRIMARY KEY is the rowid, what the words tables join on.
        try await db.raw(
            """
            CREATE TABLE search_docs (id \(unsafeRaw: sqlite ? "INTEGER" : "BIGINT") PRIMARY KEY, kind TEXT NOT NULL, \
            ref BIGINT NOT NULL, ticket_id BIGINT, customer_id BIGINT)
            """
        ).run()
        for table in ["ticket_fts", "message_fts", "party_fts"] {
            if sqlite {
                // Word starts of 2 to 8 letters have prefix indexes (SearchWords.longestIndexedStart).
                try await db.raw(
                    """
                    CREATE VIRTUAL TABLE \(ident: table) USING fts5(words, content='', contentless_delete=1, \
                    tokenize='unicode61 remove_diacritics 0', prefix='2 3 4 5 6 7 8')
                    """
                ).run()
            } else {
                try await db.raw("CREATE TABLE \(ident: table) (id BIGINT PRIMARY KEY, words TSVECTOR NOT NULL)").run()
                try await db.raw("CREATE INDEX \(ident: table + "_words") ON \(ident: table) USING GIN (words)").run()
            }
        }
        try await db.create(index: "search_docs_ticket_id").on("search_docs").column("ticket_id").run()
        try await db.create(index: "search_docs_kind_ref").on("search_docs").column("kind").column("ref").run()
        try await fill(SQLSession(db: db))
    }

    /// Indexes every ticket, message and party, a thousand at a time.
    static func fill(_ session: SQLSession) async throws {
        var after = 0
        while true {
            let tickets = try await session.db.select().column("*").from("tickets").where("id", .greaterThan, after).orderBy("id")
                .limit(1000).all().map(SQLSession.ticket)
            try await session.indexNew(tickets.map(SearchDocument.of))
            guard let last = tickets.last else { break }
            after = last.id
        }
        after = 0
        while true {
            let events = try await session.db.select().column("*").from("ticket_events")
                .where("type", .in, [EventKind.comment.rawValue, EventKind.mailReceived.rawValue]).where("id", .greaterThan, after)
                .orderBy("id").limit(1000).all().map(SQLSession.event)
            try await session.indexNew(events.compactMap(SearchDocument.of))
            guard let last = events.last else { break }
            after = last.id
        }
        try await fill(CustomerFields.self, session)
        try await fill(ContactFields.self, session)
        try await fill(HostFields.self, session)
    }

    private static func fill<F: InventoryFields>(_ type: F.Type, _ session: SQLSession) async throws {
        var after: Int?
        while true {
            let records = try await session.records(F.self, after: after, limit: 1000)
            for record in records { try await session.index(record.fields, id: record.id) }
            guard let last = records.last else { break }
            after = last.id
        }
    }
}

/// Migration 15: the desk's working records — queues saved under a name, a person's own or
/// shared (docs/board.md, "Queues"), time spent on tickets ("Time"), reply texts ("Canned
/// replies"), merged duplicates and links between tickets ("Merge and link").
enum MigrationDesk {
    @Sendable static func apply(_ db: any SQLDatabase) async throws {
        try await db.create(table: "saved_views")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("owner_user_id", type: .bigint)
            .column("name", type: .text, .notNull)
            .column("query", type: .text, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .run()
        try await db.create(index: "saved_views_owner").on("saved_views").column("owner_user_id").column("name").run()
        try await db.create(table: "time_entries")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("ticket_id", type: .bigint, .notNull)
            .column("technician_id", type: .bigint)
            .column("author", type: .text, .notNull)
            .column("minutes", type: .bigint, .notNull)
            .column("note", type: .text, .notNull)
            .column("billable", type: .custom(SQLRaw("BOOLEAN")), .notNull)
            .column("worked_on", type: .bigint, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .run()
        try await db.create(index: "time_entries_ticket_id").on("time_entries").column("ticket_id").run()
        try await db.create(index: "time_entries_worked_on").on("time_entries").column("worked_on").run()
        try await db.create(table: "canned_replies")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("owner_user_id", type: .bigint)
            .column("name", type: .text, .notNull)
            .column("body", type: .text, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .run()
        // A duplicate's survivor; and links between tickets, related (either way) or parent → child.
        try await db.alter(table: "tickets").column("merged_into", type: .bigint).run()
        try await db.create(table: "ticket_links")
            .column("ticket_id", type: .bigint, .notNull)
            .column("other_id", type: .bigint, .notNull)
            .column("kind", type: .text, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .primaryKey("ticket_id", "other_id")
            .run()
        try await db.create(index: "ticket_links_other_id").on("ticket_links").column("other_id").run()
        try await MigrationIds.apply(db)
    }
}
