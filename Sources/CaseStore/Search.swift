import Foundation

/// One reason an item matched a search.
public struct SearchMatch: Sendable, Hashable, CustomStringConvertible {
    /// How well it matched, best first.
    public enum Kind: String, Sendable, Codable, CaseIterable, Comparable {
        /// The label or an identifier value equals the text (ignoring case).
        case exact
        /// The label or an identifier value starts with the text.
        case prefix
        /// The label or an identifier value contains the text (3 characters or more).
        case fragment
        /// Every word of the text starts a word written about the item (attributes, custody entries), diacritics ignored.
        case text

        public static func < (a: Kind, b: Kind) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
    }

    public var kind: Kind
    /// `label`, the identifier's kind (`ICCID`, `IMSI`, `IMEI`, `serial`, …) or `text`.
    public var field: String
    /// The label, the identifier value, or the folded words that matched.
    public var value: String

    public init(kind: Kind, field: String, value: String) { self.kind = kind; self.field = field; self.value = value }

    /// `label`, `ICCID 8984…` or `text nguyen van …`.
    public var description: String { field == "label" ? "label" : "\(field) \(value.trimmingCharacters(in: .whitespaces))" }
}

/// An item a search found, with every way it matched (best first).
public struct SearchHit: Sendable, Hashable {
    public var item: ItemRecord
    public var matches: [SearchMatch]
    /// The best match kind: hits are ranked by it, then by label.
    public var rank: SearchMatch.Kind { matches[0].kind }
}

extension CaseStore {
    /// Items whose label or an identifier (ICCID, IMSI, IMEI, serial, MAC, hostname, …) equals,
    /// starts with or (from 3 characters) contains `text`, or about which every word of `text`
    /// starts a written word (diacritics and case ignored): ranked exact, prefix, fragment,
    /// text, then by label, at most `limit` of them. Every step is an index look-up (B-tree,
    /// FTS5 or pg_trgm) stopped once `limit` items are found, so the cost follows `limit`, not
    /// the size of the case (docs/CASE-STORE.md, "Search").
    public func search(_ text: String, limit: Int? = nil) throws(CaseStoreError) -> [SearchHit] {
        let needle = text.trimmingCharacters(in: .whitespaces)
        guard !needle.isEmpty else { throw .invalidInput("give the text to look for (a label, ICCID, IMSI, IMEI, serial or words)") }
        if let limit, limit < 1 { throw .invalidInput("the search limit must be 1 or more (got \(limit))") }
        let queries: SearchQueries = database is PostgresDatabase ? .postgres : .sqlite
        return try read { db in
            var found = [String: [SearchMatch]]()
            func add(_ label: String, _ match: SearchMatch) {
                if !(found[label]?.contains(match) ?? false) { found[label, default: []].append(match) }
            }
            let folded = needle.lowercased()
            func kind(of value: String) -> SearchMatch.Kind {
                let v = value.lowercased()
                return v == folded ? .exact : v.hasPrefix(folded) ? .prefix : .fragment
            }
            /// Runs `query` with a row limit that grows until `limit` items are found or the rows run out.
            func collect(_ query: (Int?) throws -> [(label: String, field: String, value: String)]) throws {
                var rowLimit = limit.map { $0 + found.count }
                while true {
                    if let limit, found.count >= limit { return }
                    let rows = try query(rowLimit)
                    for r in rows { add(r.label, SearchMatch(kind: r.field == "text" ? .text : kind(of: r.value), field: r.field, value: r.value)) }
                    guard let n = rowLimit, rows.count >= n else { return }
                    rowLimit = n * 2
                }
            }
            if queries.exactStep { try collect { _ in try queries.exact(db, needle) } }
            try collect { n in try queries.prefix(db, needle, n) }
            if needle.count >= SearchIndex.trigramMinimum { try collect { n in try queries.fragment(db, needle, n) } }
            let words = SearchText.fold(needle).split(separator: " ").map(String.init)
            if !words.isEmpty { try collect { n in try queries.words(db, words, n) } }

            var hits = [SearchHit]()
            for (label, matches) in found {
                guard let item = try CaseStore.fetchItem(db, label) else { continue }
                hits.append(SearchHit(item: item, matches: matches.sorted { $0.kind < $1.kind }))
            }
            hits.sort { $0.rank != $1.rank ? $0.rank < $1.rank : CaseStore.byteOrder($0.item.label, $1.item.label) }
            return limit.map { Array(hits.prefix($0)) } ?? hits
        }
    }
}

/// The statements of each search step, per backend: SQLite's FTS5 tables or PostgreSQL's
/// pg_trgm indexes (`SearchIndex`). Each returns (label, field, value) rows.
struct SearchQueries: Sendable {
    typealias Rows = [(label: String, field: String, value: String)]
    /// Whether equality needs a step of its own: SQLite's prefix step walks the B-trees in
    /// order, so an equal label or value comes first in it (one statement less per search).
    var exactStep: Bool
    var prefix: @Sendable (any SQLExecutor, String, _ limit: Int?) throws -> Rows
    var fragment: @Sendable (any SQLExecutor, String, _ limit: Int?) throws -> Rows
    var words: @Sendable (any SQLExecutor, [String], _ limit: Int?) throws -> Rows

    /// Equality on the primary key and `item_identifier_value`: the same on both backends.
    func exact(_ db: any SQLExecutor, _ text: String) throws -> Rows {
        try SearchQueries.rows(db, "SELECT label FROM item WHERE label = ?", [.text(text)], limit: nil)
            + SearchQueries.rows(db, "SELECT label, kind, value FROM item_identifier WHERE value = ?", [.text(text)], limit: nil)
    }

    static func limited(_ sql: String, _ limit: Int?) -> String { limit.map { "\(sql) LIMIT \($0)" } ?? sql }

    /// Rows of `SELECT label` (a label match) or `SELECT label, field, value`.
    static func rows(_ db: any SQLExecutor, _ sql: String, _ arguments: [SQLValue], limit: Int?) throws -> Rows {
        try db.rows(limited(sql, limit), arguments).map { r in
            let label = try r.string(0)
            if r.values.count == 1 { return (label, "label", label) }
            return (label, try r.string(1), try r.string(2))
        }
    }

    /// `LIKE` pattern text with `\`, `%` and `_` escaped (`ESCAPE '\'`).
    static func escapedForLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }

    /// FTS5: the text as one quoted string (a phrase; for the trigram tokenizer, a substring).
    static func ftsString(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// The trigram FTS5 condition for values (column `column`) containing `text`, with its
    /// arguments. FTS5 matches a phrase through the positions of every one of its trigrams, and
    /// each trigram of digits is in hundreds to thousands of ICCIDs, IMSIs and IMEIs at ten times
    /// the seizure (`898` in every ICCID): the phrase of an 8-digit fragment took 0.5–1.5 ms, of a
    /// whole ICCID 5–10 ms. A run of 6 or more ASCII digits is therefore looked up by its last two
    /// trigrams, which leave no digit between them (an identifier's leading digits are its
    /// issuer's, its trailing ones its own), and the few candidates checked with `instr`: digits
    /// have no case to fold, so the rows are the phrase's, in 0.04 ms.
    static func trigramCondition(_ column: String, _ text: String) -> (sql: String, arguments: [SQLValue]) {
        let digits = text.utf8.count >= 6 && text.utf8.allSatisfy { (0x30...0x39).contains($0) }
        guard digits else { return ("MATCH ?", [.text(ftsString(text))]) }
        let match = ftsString(String(text.dropLast(3).suffix(3))) + " AND " + ftsString(String(text.suffix(3)))
        return ("MATCH ? AND instr(\(column), ?) > 0", [.text(match), .text(text)])
    }

    /// Prefix (and equality) by B-tree range (labels and values compare as UTF-8 bytes in SQLite), fragments
    /// through the trigram FTS5 tables, words through the unicode61 table as prefix queries.
    static let sqlite = SearchQueries(
        exactStep: false,
        prefix: { db, text, limit in
            let range: [SQLValue] = [.text(text), .text(text + "\u{10FFFF}")]
            return try SearchQueries.rows(db, "SELECT label FROM item WHERE label >= ? AND label < ?", range, limit: limit)
                + SearchQueries.rows(db, "SELECT label, kind, value FROM item_identifier WHERE value >= ? AND value < ?", range, limit: limit)
        },
        fragment: { db, text, limit in
            let label = SearchQueries.trigramCondition("label", text), value = SearchQueries.trigramCondition("value", text)
            return try SearchQueries.rows(db, "SELECT label FROM item_label_search WHERE item_label_search \(label.sql)", label.arguments, limit: limit)
                + SearchQueries.rows(db, "SELECT label, kind, value FROM item_identifier_search WHERE item_identifier_search \(value.sql)",
                                     value.arguments, limit: limit)
        },
        words: { db, words, limit in
            let match = words.map { SearchQueries.ftsString($0) + "*" }.joined(separator: " ")
            return try SearchQueries.rows(db, "SELECT label, 'text', MIN(text) FROM item_text_search WHERE item_text_search MATCH ? GROUP BY label",
                            [.text(match)], limit: limit)
        })

    /// `LIKE` on the lower-cased label and value (and on the folded words, which start with a
    /// space: `'% word%'` finds a word by its start); pg_trgm's GIN indexes serve patterns of
    /// 3 characters or more, shorter prefixes stop at the limit.
    static let postgres = SearchQueries(
        exactStep: true,
        prefix: { db, text, limit in
            let pattern: [SQLValue] = [.text(SearchQueries.escapedForLike(text.lowercased()) + "%")]
            return try SearchQueries.rows(db, "SELECT label FROM item WHERE lower(label) LIKE ? ESCAPE '\\'", pattern, limit: limit)
                + SearchQueries.rows(db, "SELECT label, kind, value FROM item_identifier WHERE lower(value) LIKE ? ESCAPE '\\'", pattern, limit: limit)
        },
        fragment: { db, text, limit in
            let pattern: [SQLValue] = [.text("%" + SearchQueries.escapedForLike(text.lowercased()) + "%")]
            return try SearchQueries.rows(db, "SELECT label FROM item WHERE lower(label) LIKE ? ESCAPE '\\'", pattern, limit: limit)
                + SearchQueries.rows(db, "SELECT label, kind, value FROM item_identifier WHERE lower(value) LIKE ? ESCAPE '\\'", pattern, limit: limit)
        },
        words: { db, words, limit in
            let condition = words.map { _ in "text LIKE ?" }.joined(separator: " AND ")
            return try SearchQueries.rows(db, "SELECT label, 'text', MIN(text) FROM item_text WHERE \(condition) GROUP BY label",
                            words.map { .text("% " + $0 + "%") }, limit: limit)
        })
}
