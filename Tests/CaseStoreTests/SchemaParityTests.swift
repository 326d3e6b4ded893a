@testable import CaseStore
import Foundation
import Testing

/// The schema is written twice: as GRDB migrations (`Schema`, never edited once shipped) and as
/// PostgreSQL DDL (`PostgresSchema`). A fresh case on each backend must hold the same tables,
/// columns (name, order, nullability, default, type under the mapping below), primary keys and
/// indexes, so that one body of store code runs on both.
@Suite(.enabled(if: PostgresTestServer.url != nil, PostgresTestServer.skipReason))
struct SchemaParityTests {
    /// Tables only one backend has: GRDB's migration log and SQLite's AUTOINCREMENT counters;
    /// PostgreSQL's version row, write lock row and photo bytes (docs/CASE-STORE.md, "Backends").
    static let sqliteOnly: Set<String> = ["grdb_migrations", "sqlite_sequence"]
    static let postgresOnly: Set<String> = ["custody_schema", "chain_head", "photo_file"]
    /// The search indexes differ by design (docs/CASE-STORE.md, "Search"): SQLite's FTS5 tables
    /// (and their shadow tables `<name>_data`, `_idx`, …), PostgreSQL's GIN (pg_trgm) indexes.
    static let sqliteSearchTables = ["item_label_search", "item_identifier_search", "item_text_search"]
    /// SQLite's queue of rows on their way into the FTS5 tables (emptied at every commit).
    static let sqliteSearchQueue = "item_search_pending"

    static func isSQLiteSearchTable(_ name: String) -> Bool {
        name == sqliteSearchQueue || sqliteSearchTables.contains { name == $0 || name.hasPrefix($0 + "_") }
    }

    /// SQLite's declared type → the PostgreSQL type that stands for it (booleans are stored as
    /// the integers 0 and 1 on both backends).
    static let typeMapping = ["TEXT": "text", "INTEGER": "bigint", "BLOB": "bytea", "BOOLEAN": "bigint"]

    /// One table as both backends describe it, names in lower case (PostgreSQL folds them).
    struct Table: Equatable, CustomStringConvertible {
        var columns: [Column]
        var primaryKey: [String]
        var indexes: Set<Index>
        var description: String { "columns \(columns), primary key \(primaryKey), indexes \(indexes.sorted { $0.description < $1.description })" }
    }

    struct Column: Equatable, CustomStringConvertible {
        var name: String
        var type: String
        var notNull: Bool
        var defaultValue: String?
        var description: String { "\(name) \(type)\(notNull ? " NOT NULL" : "")\(defaultValue.map { " DEFAULT \($0)" } ?? "")" }
    }

    struct Index: Hashable, CustomStringConvertible {
        var columns: [String]
        var unique: Bool
        /// The partial index's condition, without parentheses and spaces.
        var condition: String?
        var description: String { "(\(columns.joined(separator: ", ")))\(unique ? " UNIQUE" : "")\(condition.map { " WHERE \($0)" } ?? "")" }
    }

    static func condition(_ text: String?) -> String? {
        text.map { $0.lowercased().filter { $0 != "(" && $0 != ")" && $0 != " " } }
    }

    static func sqliteTables(_ store: CaseStore) throws -> [String: Table] {
        try store.read { db in
            var tables = [String: Table]()
            for name in try db.rows("SELECT name FROM sqlite_master WHERE type = 'table'").map({ try $0.string(0) }) where !sqliteOnly.contains(name) && !isSQLiteSearchTable(name) {
                var columns = [Column](), key = [(Int64, String)]()
                for c in try db.rows("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid", name) {
                    let column = try c.string(0).lowercased(), declared = try c.string(1).uppercased()
                    let pk = try c.int64(4)
                    columns.append(Column(name: column, type: typeMapping[declared] ?? "unmapped \(declared)",
                                          notNull: try c.bool(2) || pk > 0, defaultValue: try c.optionalString(3)))
                    if pk > 0 { key.append((pk, column)) }
                }
                var indexes = Set<Index>()
                for i in try db.rows("SELECT name, \"unique\" FROM pragma_index_list(?) WHERE origin = 'c'", name) {
                    let index = try i.string(0)
                    let indexed = try db.rows("SELECT name FROM pragma_index_info(?) ORDER BY seqno", index).map { try $0.string(0).lowercased() }
                    let sql = try db.string("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", index) ?? ""
                    let condition = sql.range(of: " WHERE ", options: .caseInsensitive).map { String(sql[$0.upperBound...]) }
                    indexes.insert(Index(columns: indexed, unique: try i.bool(1), condition: Self.condition(condition)))
                }
                tables[name.lowercased()] = Table(columns: columns, primaryKey: key.sorted { $0.0 < $1.0 }.map(\.1), indexes: indexes)
            }
            return tables
        }
    }

    static func postgresTables(_ store: CaseStore) throws -> [String: Table] {
        try store.read { db in
            var tables = [String: Table]()
            for name in try db.rows("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").map({ try $0.string(0) })
            where !postgresOnly.contains(name) {
                let columns = try db.rows("""
                    SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns
                    WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position
                    """, name).map { c in
                    // A literal default reads back with its cast ('{}'::text).
                    let defaultValue = try c.optionalString(3).map { $0.components(separatedBy: "::").first! }
                    return Column(name: try c.string(0), type: try c.string(1), notNull: try c.string(2) == "NO", defaultValue: defaultValue)
                }
                var key = [String](), indexes = Set<Index>()
                for i in try db.rows("""
                    SELECT ix.indisprimary, ix.indisunique, pg_get_expr(ix.indpred, ix.indrelid),
                           array_to_string(ARRAY(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, n)
                                                 JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum ORDER BY k.n), ',')
                    FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_namespace s ON s.oid = t.relnamespace
                    JOIN pg_class ic ON ic.oid = ix.indexrelid JOIN pg_am am ON am.oid = ic.relam
                    WHERE s.nspname = current_schema() AND t.relname = ? AND am.amname <> 'gin'
                    """, name) {
                    let indexed = try i.string(3).split(separator: ",").map(String.init)
                    if try i.bool(0) { key = indexed; continue }
                    indexes.insert(Index(columns: indexed, unique: try i.bool(1), condition: Self.condition(try i.optionalString(2))))
                }
                tables[name] = Table(columns: columns, primaryKey: key, indexes: indexes)
            }
            return tables
        }
    }

    @Test func bothBackendsHoldTheSameSchema() throws {
        let sqlite = try TempCase(.sqlite), postgres = try TempCase(.postgres)
        defer { sqlite.remove(); postgres.remove() }
        let lite = try Self.sqliteTables(sqlite.store), pg = try Self.postgresTables(postgres.store)
        #expect(lite.keys.sorted() == pg.keys.sorted(), "tables: SQLite has \(lite.keys.sorted()), PostgreSQL \(pg.keys.sorted())")
        // The descriptions are read, not empty: what schemas 7 to 10 declare.
        #expect(lite.count == 21, "the tables of schema 10: \(lite.keys.sorted())")
        #expect(lite["entry_subject"]?.primaryKey == ["label", "seq"])
        #expect(lite["custody_state"]?.indexes.contains(Index(columns: ["location"], unique: false, condition: nil)) == true)
        #expect(lite["audit_result"]?.primaryKey == ["audit", "item"])
        #expect(lite["disposal"]?.indexes.contains(Index(columns: ["state"], unique: false, condition: nil)) == true)
        #expect(lite["message"]?.indexes.contains(Index(columns: ["entry", "sourcerow"], unique: true, condition: nil)) == true)
        #expect(lite["item_text"]?.primaryKey == ["label", "seq"])
        #expect(lite["item"]?.columns.map(\.name) == ["label", "type", "parent", "identifiers", "seq", "attributes"])
        #expect(lite["item_identifier"]?.primaryKey == ["label", "kind", "value"])
        #expect(lite["acquisition"]?.indexes.contains(Index(columns: ["seq"], unique: false, condition: "complete=0")) == true)
        for (name, table) in lite.sorted(by: { $0.key < $1.key }) {
            guard let other = pg[name] else { continue }
            #expect(table.columns == other.columns, "table \(name): SQLite columns \(table.columns), PostgreSQL \(other.columns)")
            #expect(table.primaryKey == other.primaryKey, "table \(name): SQLite primary key \(table.primaryKey), PostgreSQL \(other.primaryKey)")
            #expect(table.indexes == other.indexes, "table \(name): indexes only in SQLite \(table.indexes.subtracting(other.indexes)), only in PostgreSQL \(other.indexes.subtracting(table.indexes))")
        }
    }

    @Test func eachBackendHoldsItsSearchIndexes() throws {
        let sqlite = try TempCase(.sqlite), postgres = try TempCase(.postgres)
        defer { sqlite.remove(); postgres.remove() }
        let virtual = try sqlite.store.read { db in
            try db.rows("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'").map { try $0.string(0) }
        }
        #expect(virtual.sorted() == Self.sqliteSearchTables.sorted())
        let gin = try postgres.store.read { db in
            try db.rows("""
                SELECT ic.relname FROM pg_index ix JOIN pg_class ic ON ic.oid = ix.indexrelid JOIN pg_am am ON am.oid = ic.relam
                JOIN pg_namespace s ON s.oid = ic.relnamespace WHERE s.nspname = current_schema() AND am.amname = 'gin'
                """).map { try $0.string(0) }
        }
        #expect(gin.sorted() == ["item_identifier_value_trigram", "item_label_trigram", "item_text_trigram"])
    }
}
