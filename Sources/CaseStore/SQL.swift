import Foundation

// The case store speaks SQL through these types only, so that one body of store code runs on
// both backends (docs/CASE-STORE.md, "Backends"): SQLite through GRDB (`SQLiteDatabase`) and
// PostgreSQL through postgres-nio (`PostgresDatabase`). Statements are written once, with `?`
// placeholders and SQL both servers accept; values are the five SQLite storage classes.

/// A value bound to or read from a statement.
enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// A Swift value that binds as an `SQLValue`.
protocol SQLArgument {
    var sqlValue: SQLValue { get }
}

extension String: SQLArgument { var sqlValue: SQLValue { .text(self) } }
extension Int: SQLArgument { var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Int64: SQLArgument { var sqlValue: SQLValue { .integer(self) } }
/// Booleans are stored as the integers 0 and 1 on both backends.
extension Bool: SQLArgument { var sqlValue: SQLValue { .integer(self ? 1 : 0) } }
extension Data: SQLArgument { var sqlValue: SQLValue { .blob([UInt8](self)) } }
extension Array: SQLArgument where Element == UInt8 { var sqlValue: SQLValue { .blob(self) } }
extension SQLValue: SQLArgument { var sqlValue: SQLValue { self } }

/// A column value that is not of the type the store expects: the store was changed by hand.
struct SQLTypeMismatch: Error, CustomStringConvertible {
    var description: String
}

/// The column names of one statement's result, shared by its rows. Names match without regard
/// to ASCII case: PostgreSQL folds unquoted identifiers to lower case (`timeZone` comes back as
/// `timezone`), SQLite keeps them as declared.
final class SQLColumns: Sendable {
    let names: [String]
    let positions: [String: Int]

    init(_ names: [String]) {
        self.names = names
        var positions = [String: Int]()
        for (i, name) in names.enumerated() where positions[name.lowercased()] == nil { positions[name.lowercased()] = i }
        self.positions = positions
    }
}

/// One result row. Ad-hoc queries read columns by position, as the statement selected them;
/// records (`SQLRecord`) read them by name.
struct SQLRow: Sendable {
    let values: [SQLValue]
    let columns: SQLColumns

    init(_ values: [SQLValue], columns: SQLColumns) { self.values = values; self.columns = columns }

    subscript(_ column: Int) -> SQLValue { values[column] }

    /// The position of column `name`.
    func position(_ name: String) throws -> Int {
        guard let i = columns.positions[name.lowercased()] else {
            throw SQLTypeMismatch(description: "the result has no column \(name) (it has \(columns.names.joined(separator: ", ")))")
        }
        return i
    }

    func mismatch(_ column: Int, _ expected: String) -> SQLTypeMismatch {
        let name = column < columns.names.count ? columns.names[column] : String(column)
        return SQLTypeMismatch(description: "column \(name) holds \(values[column]), not \(expected)")
    }

    func string(_ column: Int) throws -> String {
        guard case .text(let s) = values[column] else { throw mismatch(column, "text") }
        return s
    }

    func optionalString(_ column: Int) throws -> String? {
        if case .null = values[column] { return nil }
        return try string(column)
    }

    func int64(_ column: Int) throws -> Int64 {
        guard case .integer(let i) = values[column] else { throw mismatch(column, "an integer") }
        return i
    }

    func optionalInt64(_ column: Int) throws -> Int64? {
        if case .null = values[column] { return nil }
        return try int64(column)
    }

    func int(_ column: Int) throws -> Int { Int(try int64(column)) }

    func bool(_ column: Int) throws -> Bool { try int64(column) != 0 }

    func bytes(_ column: Int) throws -> [UInt8] {
        switch values[column] {
        case .blob(let b): return b
        case .text(let s): return Array(s.utf8)
        default: throw mismatch(column, "bytes")
        }
    }

    func data(_ column: Int) throws -> Data { Data(try bytes(column)) }

    // By name: what records read.
    func string(_ name: String) throws -> String { try string(position(name)) }
    func optionalString(_ name: String) throws -> String? { try optionalString(position(name)) }
    func int64(_ name: String) throws -> Int64 { try int64(position(name)) }
    func optionalInt64(_ name: String) throws -> Int64? { try optionalInt64(position(name)) }
    func bool(_ name: String) throws -> Bool { try bool(position(name)) }
    func data(_ name: String) throws -> Data { try data(position(name)) }
}

/// One connection inside a transaction of the backend's `read` or `write`.
protocol SQLExecutor: AnyObject {
    /// Runs a statement that returns no rows.
    func execute(_ sql: String, _ arguments: [SQLValue]) throws
    /// Runs a query and calls `body` for each row, in order, without holding them all.
    func forEachRow(_ sql: String, _ arguments: [SQLValue], _ body: (SQLRow) throws -> Void) throws
}

extension SQLExecutor {
    func execute(_ sql: String, _ arguments: (any SQLArgument)?...) throws {
        try execute(sql, arguments.map { $0?.sqlValue ?? .null })
    }

    func rows(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        var rows = [SQLRow]()
        try forEachRow(sql, arguments) { rows.append($0) }
        return rows
    }

    func rows(_ sql: String, _ arguments: (any SQLArgument)?...) throws -> [SQLRow] {
        try rows(sql, arguments.map { $0?.sqlValue ?? .null })
    }

    /// Runs `select` (a SELECT without WHERE whose first column is the integer `key`, `seq`
    /// unless told) in pages of `pageSize` rows in `key` order, only rows with `key` below
    /// `below` when given: a PostgreSQL query holds its whole result in memory, and the large
    /// tables (ledger, acquisitions, messages) do not fit it well at ten times the seizure.
    func forEachRowBySeq(_ select: String, key: String = "seq", pageSize: Int = 200, below: Int64 = .max,
                         _ body: (SQLRow) throws -> Void) throws {
        var after = Int64.min
        while true {
            let page = try rows("\(select) WHERE \(key) > ? AND \(key) < ? ORDER BY \(key) LIMIT \(pageSize)", after, below)
            for row in page { try body(row) }
            guard let last = page.last else { return }
            after = try last.int64(0)
        }
    }

    /// The first row, if any (add `LIMIT 1` to the statement when more could match).
    func row(_ sql: String, _ arguments: (any SQLArgument)?...) throws -> SQLRow? {
        var first: SQLRow?
        try forEachRow(sql, arguments.map { $0?.sqlValue ?? .null }) { if first == nil { first = $0 } }
        return first
    }

    /// The first column of the first row as text; nil when no row or NULL.
    func string(_ sql: String, _ arguments: (any SQLArgument)?...) throws -> String? {
        var first: SQLRow?
        try forEachRow(sql, arguments.map { $0?.sqlValue ?? .null }) { if first == nil { first = $0 } }
        return try first?.optionalString(0)
    }

    /// The first column of the first row as an integer; nil when no row or NULL.
    func integer(_ sql: String, _ arguments: (any SQLArgument)?...) throws -> Int64? {
        var first: SQLRow?
        try forEachRow(sql, arguments.map { $0?.sqlValue ?? .null }) { if first == nil { first = $0 } }
        return try first?.optionalInt64(0)
    }
}

/// A table's row type: which columns it has and how a row converts.
protocol SQLRecord: Sendable {
    static var table: String { get }
    /// The columns, in the order `sqlValues` gives them; `init(row:)` reads them by name.
    static var columns: [String] { get }
    init(row: SQLRow) throws
    var sqlValues: [SQLValue] { get }
}

extension SQLRecord {
    /// `SELECT <columns> FROM <table> <clauses>`: clauses such as `WHERE x = ? ORDER BY seq`.
    static func fetchAll(_ db: any SQLExecutor, _ clauses: String = "", _ arguments: (any SQLArgument)?...) throws -> [Self] {
        try db.rows(select(clauses), arguments.map { $0?.sqlValue ?? .null }).map(Self.init(row:))
    }

    /// The first row of `fetchAll` (clauses get `LIMIT 1`).
    static func fetchOne(_ db: any SQLExecutor, _ clauses: String = "", _ arguments: (any SQLArgument)?...) throws -> Self? {
        try db.rows(select(clauses + " LIMIT 1"), arguments.map { $0?.sqlValue ?? .null }).first.map(Self.init(row:))
    }

    static func select(_ clauses: String) -> String {
        "SELECT \(columns.joined(separator: ", ")) FROM \(table) \(clauses)"
    }

    func insert(_ db: any SQLExecutor) throws {
        let marks = Array(repeating: "?", count: Self.columns.count).joined(separator: ", ")
        try db.execute("INSERT INTO \(Self.table) (\(Self.columns.joined(separator: ", "))) VALUES (\(marks))", sqlValues)
    }
}

/// Where a case's tables live: a SQLite file or a PostgreSQL database.
protocol CaseDatabase: Sendable {
    /// The store as a user names it (a file path, or the URL without password), for messages.
    var location: String { get }
    /// Runs `body` in a read-only transaction that sees one consistent state of the store.
    func read<T>(_ body: (any SQLExecutor) throws -> T) throws -> T
    /// Runs `body` in a write transaction that holds the store's one write lock from its first
    /// statement (SQLite `BEGIN IMMEDIATE`; PostgreSQL a row lock on the chain head), so that
    /// writers from every process and station serialise in the database; commits when `body`
    /// returns, rolls back when it throws.
    func write<T>(_ body: (any SQLExecutor) throws -> T) throws -> T
    /// Turns a backend error into one user line (what failed, why, what to do).
    func map(_ error: any Error) -> CaseStoreError
}
