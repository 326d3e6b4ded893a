import Foundation
import Ledger

/// The search structures of schema 5 (docs/CASE-STORE.md, "Search").
///
/// Both backends hold table `item_text`: per item and entry, the words people wrote about the
/// item (its attributes when it was registered, the free text of each custody entry naming it),
/// folded by `SearchText.fold` so that "nguyen van" finds "Nguyễn Văn". SQLite indexes labels,
/// identifier values and those words with FTS5 tables that triggers keep in step with every
/// write; PostgreSQL with pg_trgm GIN indexes on the same columns.
enum SearchIndex {
    /// The shortest fragment a trigram index can look up; shorter text matches exactly or by prefix.
    static let trigramMinimum = 3

    /// Table `item_text`, the same on both backends (SQLite spelling). Derived from the items
    /// and the ledger, so a row goes with its item (ON DELETE CASCADE): an item deleted outside
    /// Custody is still reported by `ledger verify`, not hidden behind a foreign-key error.
    static let itemTextTable = """
        CREATE TABLE item_text (label TEXT NOT NULL REFERENCES item (label) ON DELETE CASCADE, seq INTEGER NOT NULL, \
        text TEXT NOT NULL, PRIMARY KEY (label, seq))
        """

    /// The FTS5 tables hold their own copy of the indexed columns, keyed by the source row's
    /// key columns (UNINDEXED), rather than pointing at the source rowids: `item` and
    /// `item_identifier` have no INTEGER PRIMARY KEY, so VACUUM may renumber their rowids.
    ///
    /// Inserts reach them through `item_search_pending`: FTS5 flushes its pending terms into a
    /// new segment at every statement that writes it (each opens a savepoint), so a trigger
    /// writing the FTS table row by row made a 91,000-item catalog import 2.3 times slower.
    /// The triggers queue the rows, and `flushPending` moves them in three statements at the
    /// end of every write transaction (`SQLiteDatabase.write`), before COMMIT: the index is in
    /// step at every commit. Items are never deleted or relabelled in normal use; the delete
    /// and update triggers keep the index right if a row is changed anyway.
    static let sqliteStatements: [String] = [
        itemTextTable,
        "CREATE TABLE item_search_pending (target TEXT NOT NULL, label TEXT NOT NULL, kind TEXT, seq INTEGER, value TEXT NOT NULL)",
        "CREATE VIRTUAL TABLE item_label_search USING fts5(label, tokenize = 'trigram')",
        """
        CREATE TRIGGER item_label_search_insert AFTER INSERT ON item BEGIN \
        INSERT INTO item_search_pending (target, label, value) VALUES ('label', new.label, new.label); END
        """,
        """
        CREATE TRIGGER item_label_search_delete AFTER DELETE ON item BEGIN \
        DELETE FROM item_label_search WHERE label = old.label; \
        DELETE FROM item_search_pending WHERE target = 'label' AND label = old.label; END
        """,
        """
        CREATE TRIGGER item_label_search_update AFTER UPDATE OF label ON item BEGIN \
        DELETE FROM item_label_search WHERE label = old.label; \
        DELETE FROM item_search_pending WHERE target = 'label' AND label = old.label; \
        INSERT INTO item_search_pending (target, label, value) VALUES ('label', new.label, new.label); END
        """,
        "CREATE VIRTUAL TABLE item_identifier_search USING fts5(value, label UNINDEXED, kind UNINDEXED, tokenize = 'trigram')",
        """
        CREATE TRIGGER item_identifier_search_insert AFTER INSERT ON item_identifier BEGIN \
        INSERT INTO item_search_pending (target, label, kind, value) VALUES ('identifier', new.label, new.kind, new.value); END
        """,
        """
        CREATE TRIGGER item_identifier_search_delete AFTER DELETE ON item_identifier BEGIN \
        DELETE FROM item_identifier_search WHERE label = old.label AND kind = old.kind AND value = old.value; \
        DELETE FROM item_search_pending WHERE target = 'identifier' AND label = old.label AND kind = old.kind AND value = old.value; END
        """,
        """
        CREATE TRIGGER item_identifier_search_update AFTER UPDATE ON item_identifier BEGIN \
        DELETE FROM item_identifier_search WHERE label = old.label AND kind = old.kind AND value = old.value; \
        DELETE FROM item_search_pending WHERE target = 'identifier' AND label = old.label AND kind = old.kind AND value = old.value; \
        INSERT INTO item_search_pending (target, label, kind, value) VALUES ('identifier', new.label, new.kind, new.value); END
        """,
        "CREATE VIRTUAL TABLE item_text_search USING fts5(text, label UNINDEXED, seq UNINDEXED, tokenize = 'unicode61 remove_diacritics 2')",
        """
        CREATE TRIGGER item_text_search_insert AFTER INSERT ON item_text BEGIN \
        INSERT INTO item_search_pending (target, label, seq, value) VALUES ('text', new.label, new.seq, new.text); END
        """,
        """
        CREATE TRIGGER item_text_search_delete AFTER DELETE ON item_text BEGIN \
        DELETE FROM item_text_search WHERE label = old.label AND seq = old.seq; \
        DELETE FROM item_search_pending WHERE target = 'text' AND label = old.label AND seq = old.seq; END
        """,
        """
        CREATE TRIGGER item_text_search_update AFTER UPDATE ON item_text BEGIN \
        DELETE FROM item_text_search WHERE label = old.label AND seq = old.seq; \
        DELETE FROM item_search_pending WHERE target = 'text' AND label = old.label AND seq = old.seq; \
        INSERT INTO item_search_pending (target, label, seq, value) VALUES ('text', new.label, new.seq, new.text); END
        """,
        // Labels and identifiers already in the case (item_text is filled by `fill`, through its trigger).
        "INSERT INTO item_label_search (label) SELECT label FROM item",
        "INSERT INTO item_identifier_search (value, label, kind) SELECT value, label, kind FROM item_identifier",
    ]

    /// Moves the queued rows into the FTS5 tables, one statement per table, in the caller's
    /// write transaction (SQLite only; a no-op costing three empty scans when nothing is queued).
    static func flushPending(_ db: any SQLExecutor) throws {
        try db.execute("""
            INSERT INTO item_label_search (label) SELECT value FROM item_search_pending WHERE target = 'label' ORDER BY rowid
            """, [])
        try db.execute("""
            INSERT INTO item_identifier_search (value, label, kind) \
            SELECT value, label, kind FROM item_search_pending WHERE target = 'identifier' ORDER BY rowid
            """, [])
        try db.execute("""
            INSERT INTO item_text_search (text, label, seq) SELECT value, label, seq FROM item_search_pending WHERE target = 'text' ORDER BY rowid
            """, [])
        try db.execute("DELETE FROM item_search_pending", [])
    }

    /// PostgreSQL: pg_trgm (a trusted extension: the database owner may create it) and GIN
    /// indexes that serve `LIKE` on the lower-cased labels and values and on the folded words.
    static let postgresStatements: [String] = [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        """
        CREATE TABLE item_text (label TEXT NOT NULL REFERENCES item (label) ON DELETE CASCADE, seq BIGINT NOT NULL, \
        text TEXT NOT NULL, PRIMARY KEY (label, seq))
        """,
        "CREATE INDEX item_label_trigram ON item USING gin (lower(label) gin_trgm_ops)",
        "CREATE INDEX item_identifier_value_trigram ON item_identifier USING gin (lower(value) gin_trgm_ops)",
        "CREATE INDEX item_text_trigram ON item_text USING gin (text gin_trgm_ops)",
    ]

    /// Fills `item_text` from the items and ledger entries already in the case (migration 5).
    static func fill(_ db: any SQLExecutor) throws {
        for row in try db.rows("SELECT label, seq, attributes FROM item") {
            let label = try row.string(0)
            let attributes = try ItemAttributes(stored: try row.string(2), item: label)
            try CaseStore.indexText(db, label: label, seq: try row.int64(1), words: SearchText.words(in: attributes.canonical))
        }
        // Only custody entries carry words: the others (most of a large case's reads) are
        // skipped by their action, read from the line's frame without parsing it.
        try db.forEachRowBySeq("SELECT seq, line FROM ledger_entry") { row in
            let line = try row.bytes(1)
            if let action = StoredLine(line)?.action, !CaseStore.carriesWords(action) { return }
            let entry = try SignedEntry(line: line).entry
            try CaseStore.indexEntryText(db, entry.sequence, action: entry.action, subjects: entry.subjects, payload: entry.payload)
        }
    }
}

extension CaseStore {
    /// Adds `words` (unfolded) to the search text of item `label` for entry `seq`, in the
    /// caller's transaction. Nothing when there are no words or no such item.
    static func indexText(_ db: any SQLExecutor, label: String, seq: Int64, words: [String]) throws {
        let folded = SearchText.fold(words.joined(separator: " "))
        guard !folded.isEmpty else { return }
        // The item's own attributes and the entry that created it share a sequence number.
        try db.execute("""
            INSERT INTO item_text (label, seq, text) SELECT label, ?, ? FROM item WHERE label = ? \
            ON CONFLICT (label, seq) DO UPDATE SET text = item_text.text || excluded.text
            """, seq, folded, label)
    }

    /// Whether entries of `action` carry words for the search (`custody.*`).
    static func carriesWords(_ action: LedgerAction) -> Bool {
        action.rawValue.hasPrefix("custody.") && !action.rawValue.hasPrefix("custody.audit.")
    }

    /// The free text of a custody entry (`custody.*`: where, from, purpose, reason, note, …)
    /// becomes search text of each subject that is an item. Reads and registry entries carry
    /// no text a person wrote (the registry's is indexed from the item's attributes), nor do
    /// audits (labels and scanned codes; an audit's finish names every item of a shelf).
    static func indexEntryText(_ db: any SQLExecutor, _ seq: Int64, action: LedgerAction, subjects: [String],
                               payload: [String: CanonicalJSON]) throws {
        guard carriesWords(action) else { return }
        let words = SearchText.words(in: .object(payload))
        guard !words.isEmpty else { return }
        for subject in subjects { try indexText(db, label: subject, seq: seq, words: words) }
    }
}

/// Text as the search indexes hold it and queries look for it.
public enum SearchText {
    /// Lower case, without diacritics (đ → d, as unicode61's `remove_diacritics` does not),
    /// letters and digits only, words separated by one space, with one space before the first
    /// word so that `LIKE '% word%'` finds words by their start on PostgreSQL.
    /// "Nguyễn Văn Đức, kho số 3" → " nguyen van duc kho so 3".
    public static func fold(_ text: String) -> String {
        let stripped = text.replacingOccurrences(of: "đ", with: "d").replacingOccurrences(of: "Đ", with: "D")
            .folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: nil)
        var words = [String]()
        var word = ""
        for scalar in stripped.unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) {
                word.unicodeScalars.append(scalar)
            } else if !word.isEmpty {
                words.append(word)
                word = ""
            }
        }
        if !word.isEmpty { words.append(word) }
        return words.isEmpty ? "" : " " + words.joined(separator: " ")
    }

    /// Payload keys whose values are not words a person wrote: examiner ids, times, hashes,
    /// the text as first entered (`enteredAs`, a copy of other values).
    static let skippedKeys: Set<String> = ["by", "when", "at", "time", "enteredAs", "sha256", "parent"]

    /// The string values of `json`, depth first, but for `skippedKeys` and SHA-256 hex digests.
    static func words(in json: CanonicalJSON) -> [String] {
        switch json {
        case .string(let s):
            let isDigest = s.utf8.count == 64 && s.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
            return isDigest ? [] : [s]
        case .array(let values): return values.flatMap(words(in:))
        case .object(let members):
            return members.keys.sorted().filter { !skippedKeys.contains($0) }.flatMap { words(in: members[$0]!) }
        case .null, .bool, .integer: return []
        }
    }
}
