import Foundation
import GRDB

/// The embedded backend: `DIR/case.sqlite` through a GRDB pool in WAL mode, or for a command
/// that only reads, one read-only connection (`init(path:readOnly:)`).
final class SQLiteDatabase: CaseDatabase {
    let path: String
    /// A `DatabasePool` (WAL, one writer and concurrent readers), or a read-only `DatabaseQueue`.
    let pool: any DatabaseWriter
    var location: String { path }

    /// `synchronous = FULL` on every connection: in WAL mode SQLite then syncs the WAL at every
    /// commit, so an entry that was committed (and printed) survives a power cut or kernel
    /// crash, not only `kill -9`. GRDB's default for a WAL pool is NORMAL (no sync per commit).
    static let synchronousPragma = "PRAGMA synchronous = FULL"

    static func configuration() -> Configuration {
        var config = Configuration()
        config.busyMode = .timeout(CaseStore.busyTimeout)
        config.label = "custody.case"
        config.prepareDatabase { db in try db.execute(sql: SQLiteDatabase.synchronousPragma) }
        return config
    }

    /// Opens (creating when absent) the file, refuses a newer schema, migrates an older one.
    /// With `readOnly`, a store whose schema is current is opened for reading only
    /// (`readingConnection`); an older one is opened as usual, since migrating writes.
    init(path: String, readOnly: Bool = false) throws(CaseStoreError) {
        self.path = path
        if readOnly, let reader = try Self.readingConnection(path) {
            pool = reader
            return
        }
        do {
            let pool = try DatabasePool(path: path, configuration: Self.configuration())
            self.pool = pool
            // `DatabasePool` switches its writer to WAL after `prepareDatabase` ran and sets
            // `synchronous = NORMAL` while doing so: set FULL again on the writer (it is the
            // pool's only writing connection for its whole life) and make sure it holds.
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: SQLiteDatabase.synchronousPragma)
                let level = try Int.fetchOne(db, sql: "PRAGMA synchronous")
                guard level.map({ $0 >= 2 }) == true else {
                    throw CaseStoreError.database("case store \(path): SQLite refused synchronous = FULL (got \(level.map(String.init) ?? "nothing")); nothing was written")
                }
            }
        } catch {
            throw Self.map(error, path)
        }
        try checkAndMigrate()
    }

    /// One read-only connection to `path` when its schema is current, else nil.
    ///
    /// Reading a WAL database needs its shared-memory file (`-shm`, 32 KiB): on a full disk
    /// SQLite cannot grow it and even a read-only open fails ("disk I/O error"). When that
    /// happens and the WAL (`-wal`) is absent or empty — every committed transaction is then in
    /// the database file itself, as after any command ended — the file is opened `immutable`
    /// (SQLite reads it without locks or a `-shm`). With a non-empty WAL the error stands:
    /// reading without it would miss committed entries.
    static func readingConnection(_ path: String) throws(CaseStoreError) -> DatabaseQueue? {
        var config = configuration()
        config.readonly = true
        func open(_ location: String) throws -> DatabaseQueue? {
            let queue = try DatabaseQueue(path: location, configuration: config)
            // Anything but the current schema (older: to migrate; newer: to refuse) takes the
            // usual path, which does both.
            let current = try queue.read { db in
                let complete = try Schema.migrator.hasCompletedMigrations(db)
                let userVersion = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
                return try complete && userVersion <= Schema.version && !Schema.migrator.hasBeenSuperseded(db)
            }
            return current ? queue : nil
        }
        do {
            do {
                return try open(path)
            } catch let error as DatabaseError where [.SQLITE_IOERR, .SQLITE_FULL].contains(error.resultCode) && walIsEmpty(path) {
                var uri = URLComponents(url: URL(fileURLWithPath: path), resolvingAgainstBaseURL: false)!
                uri.queryItems = [URLQueryItem(name: "immutable", value: "1")]
                return try open(uri.string!)
            }
        } catch {
            throw map(error, path)
        }
    }

    /// Whether the file system holding `path` has no block left for an unprivileged writer.
    static func noSpaceLeft(beside path: String) -> Bool {
        var space = statvfs()
        return statvfs((path as NSString).deletingLastPathComponent, &space) == 0 && space.f_bavail == 0
    }

    /// Whether `path`'s write-ahead log holds nothing: no `-wal` file, or an empty one.
    static func walIsEmpty(_ path: String) -> Bool {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path + "-wal")
        return (attributes?[.size] as? NSNumber)?.intValue ?? 0 == 0
    }

    /// Refuses a store written by a newer schema; migrates an older one.
    func checkAndMigrate() throws(CaseStoreError) {
        let migrator = Schema.migrator
        do {
            let (userVersion, superseded, applied) = try pool.read { db in
                (try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0, try migrator.hasBeenSuperseded(db),
                 try migrator.appliedIdentifiers(db).count)
            }
            if userVersion > Schema.version || superseded {
                let found = max(userVersion, superseded ? max(applied, Schema.version) + 1 : 0)
                throw CaseStoreError.newerSchema(path: path, found: found, supported: Schema.version)
            }
            try migrator.migrate(pool)
        } catch {
            throw Self.map(error, path)
        }
    }

    func read<T>(_ body: (any SQLExecutor) throws -> T) throws -> T {
        try pool.read { db in try body(GRDBExecutor(db)) }
    }

    func write<T>(_ body: (any SQLExecutor) throws -> T) throws -> T {
        try pool.writeWithoutTransaction { db in
            var result: T?
            try db.inTransaction(.immediate) {
                let executor = GRDBExecutor(db)
                result = try body(executor)
                try SearchIndex.flushPending(executor)
                return .commit
            }
            return result!
        }
    }

    func map(_ error: any Error) -> CaseStoreError { Self.map(error, path) }

    /// Turns a GRDB/SQLite error into one user line.
    static func map(_ error: any Error, _ dbPath: String) -> CaseStoreError {
        if let e = error as? CaseStoreError { return e }
        if let e = error as? DatabaseError {
            switch e.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED: return .locked(dbPath)
            case .SQLITE_FULL: return .diskFull(dbPath)
            // SQLite reports a `-shm` it cannot grow as an I/O error, not as SQLITE_FULL.
            case .SQLITE_IOERR where noSpaceLeft(beside: dbPath): return .diskFull(dbPath)
            case .SQLITE_NOTADB, .SQLITE_CORRUPT: return .database("\(dbPath) is not a readable case store (\(e.resultCode)): restore it from a copy; `custody ledger verify` shows what is wrong")
            case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN:
                return .database("cannot open \(dbPath) for writing (\(e.resultCode)): check the folder's permissions")
            default: return .database("case store \(dbPath): \(e.message ?? "\(e.resultCode)"); nothing was written")
            }
        }
        if let e = error as? SQLTypeMismatch {
            return .database("case store \(dbPath) holds a value of the wrong type (\(e)): it was changed outside Custody; run `custody ledger verify`")
        }
        return .database("case store \(dbPath): \(error)")
    }
}

/// A GRDB connection as an `SQLExecutor`. Every statement is a cached prepared statement
/// (appends run the same few statements thousands of times).
final class GRDBExecutor: SQLExecutor {
    let db: Database
    init(_ db: Database) { self.db = db }

    static func arguments(_ values: [SQLValue]) -> StatementArguments {
        StatementArguments(values.map { v -> DatabaseValue in
            switch v {
            case .null: .null
            case .integer(let i): i.databaseValue
            case .real(let d): d.databaseValue
            case .text(let s): s.databaseValue
            case .blob(let b): Data(b).databaseValue
            }
        })
    }

    func execute(_ sql: String, _ arguments: [SQLValue]) throws {
        try db.cachedStatement(sql: sql).execute(arguments: Self.arguments(arguments))
    }

    func forEachRow(_ sql: String, _ arguments: [SQLValue], _ body: (SQLRow) throws -> Void) throws {
        let statement = try db.cachedStatement(sql: sql)
        let columns = SQLColumns(statement.columnNames)
        let cursor = try Row.fetchCursor(statement, arguments: Self.arguments(arguments))
        while let row = try cursor.next() {
            var values = [SQLValue]()
            values.reserveCapacity(row.count)
            for dbValue in row.databaseValues {
                switch dbValue.storage {
                case .null: values.append(.null)
                case .int64(let i): values.append(.integer(i))
                case .double(let d): values.append(.real(d))
                case .string(let s): values.append(.text(s))
                case .blob(let b): values.append(.blob([UInt8](b)))
                }
            }
            try body(SQLRow(values, columns: columns))
        }
    }
}
