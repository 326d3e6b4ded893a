import Foundation
import GRDB

/// The store's schema: GRDB migrations, never edited once shipped (add a new one instead).
/// `PRAGMA user_version` mirrors the number of migrations applied.
enum Schema {
    /// Schema version this Custody writes (the number of migrations it knows).
    static let version = 10

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.create(table: "case_info") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull()
                t.column("agency", .text).notNull()
                t.column("authority", .text).notNull()
                t.column("timeZone", .text).notNull()
                t.column("stationKey", .text).notNull()
                t.column("createdAt", .text).notNull()
            }
            try db.create(table: "ledger_entry") { t in
                t.primaryKey("seq", .integer)
                t.column("line", .blob).notNull()
            }
            try db.create(table: "examiner") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull()
                t.column("role", .text).notNull()
                t.column("seq", .integer).notNull()
            }
            try db.create(table: "item") { t in
                t.primaryKey("label", .text)
                t.column("type", .text).notNull()
                t.column("parent", .text)
                t.column("identifiers", .text).notNull()
                t.column("seq", .integer).notNull()
            }
            try db.create(table: "acquisition") { t in
                t.primaryKey("seq", .integer)
                t.column("item", .text).indexed()
                t.column("iccid", .text).indexed()
                t.column("scope", .text).notNull()
                t.column("complete", .boolean).notNull()
                t.column("contentSHA256", .text).notNull()
                t.column("transcriptSHA256", .text).notNull()
                t.column("recordSHA256", .text).notNull()
                t.column("record", .blob).notNull()
            }
            try db.create(table: "photo") { t in
                t.primaryKey("seq", .integer)
                t.column("item", .text).notNull().indexed()
                t.column("sha256", .text).notNull()
                t.column("path", .text).notNull()
                t.column("originalName", .text).notNull()
                t.column("bytes", .integer).notNull()
            }
            try db.create(table: "checkpoint") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("size", .integer).notNull()
                t.column("root", .text).notNull()
                t.column("note", .text).notNull()
                t.column("createdAt", .text).notNull()
            }
            try db.execute(sql: "PRAGMA user_version = 1")
        }
        // v2: the device registry (docs/CASE-STORE.md, "Device registry"): item attributes and
        // an index of item identifiers (ICCID, IMSI, IMEI, serial, …) for look-ups and the
        // uniqueness checks. Existing items' identifiers are indexed as they are.
        m.registerMigration("v2-device-registry") { db in
            try db.alter(table: "item") { t in
                t.add(column: "attributes", .text).notNull().defaults(to: "{}")
            }
            try db.create(index: "item_parent", on: "item", columns: ["parent"])
            try db.create(index: "item_type", on: "item", columns: ["type"])
            try db.create(table: "item_identifier") { t in
                t.column("label", .text).notNull().references("item", column: "label")
                t.column("kind", .text).notNull()
                t.column("value", .text).notNull()
                t.primaryKey(["label", "kind", "value"])
            }
            try db.create(index: "item_identifier_value", on: "item_identifier", columns: ["value"])
            try db.create(index: "item_identifier_kind_value", on: "item_identifier", columns: ["kind", "value"])
            for row in try Row.fetchAll(db, sql: "SELECT label, identifiers FROM item") {
                let label: String = row[0]
                let json: String = row[1]
                guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else { continue }
                for (kind, value) in object {
                    guard let text = value as? String, !text.isEmpty else { continue }
                    try db.execute(sql: "INSERT OR IGNORE INTO item_identifier (label, kind, value) VALUES (?, ?, ?)",
                                   arguments: [label, kind, text])
                }
            }
            try db.execute(sql: "PRAGMA user_version = 2")
        }
        // v3: batch reading asks after every card which SIMs have a complete read and which
        // reads are incomplete (`batchProgress`, `pendingReads`); without these partial indexes
        // both scan the whole acquisition table (≈ 10 ms a card at 7,100 SIMs).
        m.registerMigration("v3-acquisition-state") { db in
            try db.execute(sql: "CREATE INDEX acquisition_complete_item ON acquisition(item) WHERE complete = 1")
            try db.execute(sql: "CREATE INDEX acquisition_incomplete ON acquisition(seq) WHERE complete = 0")
            try db.execute(sql: "PRAGMA user_version = 3")
        }
        // v4: stations (docs/CASE-STORE.md, "Stations"): one row per station key the ledger
        // binds, with the entries that added and revoked it, so that every append can check its
        // signing key inside its own transaction. Filled from the existing ledger.
        m.registerMigration("v4-stations") { db in
            try db.create(table: "station") { t in
                t.primaryKey("keyID", .text)
                t.column("name", .text).notNull()
                t.column("key", .text).notNull()
                t.column("addedSeq", .integer).notNull()
                t.column("revokedSeq", .integer)
                t.column("revokeReason", .text)
            }
            for s in try StationRecord.derived(GRDBExecutor(db)) {
                try db.execute(sql: "INSERT INTO station (keyID, name, key, addedSeq, revokedSeq, revokeReason) VALUES (?, ?, ?, ?, ?, ?)",
                               arguments: [s.keyID, s.name, s.key, s.addedSeq, s.revokedSeq, s.revokeReason])
            }
            try db.execute(sql: "PRAGMA user_version = 4")
        }
        // v5: search (docs/CASE-STORE.md, "Search"): table `item_text` with the folded words
        // written about each item, and FTS5 indexes kept in step by triggers: trigram indexes
        // over labels and identifier values (fragments of 3+ characters), a unicode61 index over
        // the words. Filled from the existing items and ledger.
        m.registerMigration("v5-search") { db in
            for statement in SearchIndex.sqliteStatements { try db.execute(sql: statement) }
            try SearchIndex.fill(GRDBExecutor(db))
            try SearchIndex.flushPending(GRDBExecutor(db))
            try db.execute(sql: "PRAGMA user_version = 5")
        }
        // v6: messages (docs/CASE-STORE.md, "Messages"): the messages imported from phones and
        // sender logs and the SMS read from SIMs, each with the pointer to its source row, and
        // the imported files (one row per SHA-256). The SMS of the acquisitions already stored
        // are added as a new acquisition's are (`CaseStore.addStoredSIMMessages`).
        m.registerMigration("v6-messages") { db in
            for statement in Schema.messageStatements(postgreSQL: false) { try db.execute(sql: statement) }
            try CaseStore.addStoredSIMMessages(GRDBExecutor(db))
            try db.execute(sql: "PRAGMA user_version = 6")
        }
        // v7: custody on the shelf (docs/CASE-STORE.md, "Custody on the shelf"): table
        // `custody_state`, each item's current location and check-out, kept by the entries that
        // change them. Filled from the existing ledger's check-outs, check-ins and disposals.
        m.registerMigration("v7-custody-state") { db in
            for statement in Schema.custodyStateStatements(postgreSQL: false) { try db.execute(sql: statement) }
            try CaseStore.fillCustodyState(GRDBExecutor(db))
            try db.execute(sql: "PRAGMA user_version = 7")
        }
        // v8: shelf audits and disposal requests (docs/CASE-STORE.md, "Audits" and "Disposal
        // and return"). New tables only: a case before them held neither.
        m.registerMigration("v8-audit-disposal") { db in
            for statement in Schema.auditDisposalStatements(postgreSQL: false) { try db.execute(sql: statement) }
            try db.execute(sql: "PRAGMA user_version = 8")
        }
        // v9 (issue 16's third migration; the seventh on a branch without 7 and 8): access to
        // the desk (docs/CASE-STORE.md, "Access"): password hashes, desk languages and lockouts
        // (`examiner_access`), script tokens by SHA-256 (`access_token`), failed logins
        // (`login_failure`). Empty in an existing case: nobody has a password yet.
        m.registerMigration("v9-access") { db in
            for statement in CaseStore.accessStatements(postgreSQL: false) { try db.execute(sql: statement) }
            try db.execute(sql: "PRAGMA user_version = 9")
        }
        // v10: `entry_subject`, the entries that name each item among their subjects, so that an
        // item's history (the desk's item page, `custody history`) is an index lookup instead of
        // a scan of every ledger line. Filled from the existing ledger.
        m.registerMigration("v10-entry-subject") { db in
            for statement in Schema.entrySubjectStatements(postgreSQL: false) { try db.execute(sql: statement) }
            try CaseStore.fillEntrySubjects(GRDBExecutor(db))
            try db.execute(sql: "PRAGMA user_version = 10")
        }
        return m
    }

    /// Table `entry_subject` (schema 10) on SQLite; `PostgreSQL: true` gives the same with
    /// BIGINT for INTEGER.
    static func entrySubjectStatements(postgreSQL: Bool) -> [String] {
        let integer = postgreSQL ? "BIGINT" : "INTEGER"
        return ["CREATE TABLE entry_subject (label TEXT NOT NULL, seq \(integer) NOT NULL, PRIMARY KEY (label, seq))"]
    }

    /// Tables `message` and `message_import` (schema 6) on SQLite; `PostgreSQL: true` gives
    /// the same with BIGINT for INTEGER.
    static func messageStatements(postgreSQL: Bool) -> [String] {
        let integer = postgreSQL ? "BIGINT" : "INTEGER"
        return [
            """
            CREATE TABLE message (id \(integer) PRIMARY KEY, item TEXT NOT NULL, source TEXT NOT NULL, entry \(integer) NOT NULL, \
            sourceRow TEXT NOT NULL, sourceGUID TEXT, time TEXT, originalTime TEXT, direction TEXT NOT NULL, counterpart TEXT, \
            ownAddress TEXT, text TEXT NOT NULL, status TEXT, service TEXT NOT NULL, port \(integer), subID \(integer))
            """,
            "CREATE UNIQUE INDEX message_pointer ON message (entry, sourceRow)",
            "CREATE INDEX message_item_source ON message (item, source)",
            """
            CREATE TABLE message_import (seq \(integer) PRIMARY KEY, item TEXT NOT NULL, file TEXT NOT NULL, sha256 TEXT NOT NULL, \
            bytes \(integer) NOT NULL, format TEXT NOT NULL, rows \(integer) NOT NULL)
            """,
            "CREATE UNIQUE INDEX message_import_sha256 ON message_import (sha256)",
        ]
    }

    /// Table `custody_state` (schema 7) on SQLite; `PostgreSQL: true` gives the same with
    /// BIGINT for INTEGER.
    static func custodyStateStatements(postgreSQL: Bool) -> [String] {
        let integer = postgreSQL ? "BIGINT" : "INTEGER"
        return [
            """
            CREATE TABLE custody_state (label TEXT PRIMARY KEY, state TEXT NOT NULL, location TEXT, holder TEXT, purpose TEXT, \
            since TEXT NOT NULL, due TEXT, seq \(integer) NOT NULL)
            """,
            "CREATE INDEX custody_state_location ON custody_state (location)",
            "CREATE INDEX custody_state_state ON custody_state (state)",
        ]
    }

    /// Tables `audit`, `audit_scan`, `audit_result` and `disposal` (schema 8) on SQLite;
    /// `PostgreSQL: true` gives the same with BIGINT for INTEGER.
    static func auditDisposalStatements(postgreSQL: Bool) -> [String] {
        let integer = postgreSQL ? "BIGINT" : "INTEGER"
        return [
            // One row per audit; `id` is its `custody.audit.start` entry.
            """
            CREATE TABLE audit (id \(integer) PRIMARY KEY, location TEXT NOT NULL, startedBy TEXT NOT NULL, startedAt TEXT NOT NULL, \
            finishSeq \(integer), finishedAt TEXT)
            """,
            "CREATE INDEX audit_location ON audit (location)",
            // One row per scanned code (`custody.audit.scan` entry); `item` null: an unknown code.
            "CREATE TABLE audit_scan (seq \(integer) PRIMARY KEY, audit \(integer) NOT NULL, code TEXT NOT NULL, item TEXT)",
            "CREATE INDEX audit_scan_audit ON audit_scan (audit)",
            // The result of a finished audit, one row per item it names (found, missing, unexpected).
            """
            CREATE TABLE audit_result (audit \(integer) NOT NULL, item TEXT NOT NULL, outcome TEXT NOT NULL, expectedAt TEXT, \
            PRIMARY KEY (audit, item))
            """,
            "CREATE INDEX audit_result_item ON audit_result (item, outcome)",
            // One row per disposal or return request; `id` is its `custody.dispose.request` entry.
            """
            CREATE TABLE disposal (id \(integer) PRIMARY KEY, item TEXT NOT NULL, method TEXT NOT NULL, recipient TEXT, \
            reason TEXT NOT NULL, state TEXT NOT NULL, requestedBy TEXT NOT NULL, requestedAt TEXT NOT NULL, \
            approveSeq \(integer), approvedBy TEXT, approvedAt TEXT, executeSeq \(integer), executedAt TEXT)
            """,
            "CREATE INDEX disposal_item ON disposal (item)",
            "CREATE INDEX disposal_state ON disposal (state)",
        ]
    }
}
