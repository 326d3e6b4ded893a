import Foundation
import NIOPosix
import PostgresNIO
import Synchronization

/// The shared backend: one PostgreSQL database per case, through postgres-nio (docs/CASE-STORE.md,
/// "PostgreSQL backend"). The store is synchronous and `custody sim watch` calls it from several
/// threads at once, so this keeps a small pool of connections, each used by one transaction at a
/// time, and waits for postgres-nio's futures on the calling thread.
final class PostgresDatabase: CaseDatabase {
    let url: PostgresURL
    let connections: PostgresConnectionPool
    var location: String { url.location }

    /// Connects, then installs the schema into an empty database (`create`) or checks the one
    /// that is there (refusing a newer schema).
    init(url string: String, create: Bool) throws(CaseStoreError) {
        url = try PostgresURL(string)
        do {
            connections = PostgresConnectionPool(url: url, configuration: try Self.configuration(url))
        } catch {
            throw Self.map(error, url)
        }
        if create { try installSchema() } else { try checkSchema() }
    }

    /// postgres-nio's configuration for the URL: the server, the login, and TLS per `sslmode`.
    static func configuration(_ url: PostgresURL) throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        if url.host.hasPrefix("/") {
            configuration = .init(unixSocketPath: "\(url.host)/.s.PGSQL.\(url.port)", username: url.user,
                                  password: url.password, database: url.database)
        } else {
            configuration = .init(host: url.host, port: url.port, username: url.user, password: url.password,
                                  database: url.database, tls: try tls(url))
        }
        configuration.options.additionalStartupParameters = [
            ("application_name", "custody"),
            // A writer that waits longer than SQLite's busy timeout for the chain head gets
            // `CaseStoreError.locked`, as on SQLite.
            ("lock_timeout", "\(Int(CaseStore.busyTimeout * 1000))"),
        ]
        return configuration
    }

    /// libpq's sslmode on postgres-nio: `disable` never uses TLS; `allow` and `prefer` use it
    /// when the server offers it; `require` insists on it; neither checks the certificate unless
    /// `sslrootcert` is given (then `require` acts as `verify-ca`, as in libpq). `verify-ca`
    /// checks the chain against `sslrootcert` (else ~/.postgresql/root.crt, else the system's
    /// roots); `verify-full` also checks that the certificate names the host.
    static func tls(_ url: PostgresURL) throws -> PostgresConnection.Configuration.TLS {
        var tls = TLSConfiguration.makeClientConfiguration()
        let defaultRoot = NSHomeDirectory() + "/.postgresql/root.crt"
        let root = url.sslRootCert ?? (FileManager.default.fileExists(atPath: defaultRoot) ? defaultRoot : nil)
        tls.trustRoots = root.map { .file($0) } ?? .default
        switch url.sslMode {
        case .disable:
            return .disable
        case .allow, .prefer:
            tls.certificateVerification = .none
            return .prefer(try NIOSSLContext(configuration: tls))
        case .require:
            tls.certificateVerification = url.sslRootCert == nil ? .none : .noHostnameVerification
        case .verifyCA:
            tls.certificateVerification = .noHostnameVerification
        case .verifyFull:
            tls.certificateVerification = .fullVerification
        }
        return .require(try NIOSSLContext(configuration: tls))
    }

    /// In a transaction of its own: `write` locks the chain head, which does not exist yet. Two
    /// concurrent installs both find no tables; the second then fails on CREATE TABLE.
    func installSchema() throws(CaseStoreError) {
        do {
            try transaction("BEGIN ISOLATION LEVEL READ COMMITTED", lockingChainHead: false) { db in
                guard try db.integer(PostgresSchema.anyCustodyTableExists) == 0 else { throw CaseStoreError.alreadyACase(location) }
                for statement in PostgresSchema.statements { try db.execute(statement, []) }
            }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "42P07" {
            // Another `case init` created the tables first.
            throw .alreadyACase(location)
        } catch {
            throw map(error)
        }
    }

    func checkSchema() throws(CaseStoreError) {
        do {
            let version = try read { db -> Int64? in
                guard try db.integer("SELECT to_regclass(?) IS NOT NULL", PostgresSchema.versionTable) == 1 else { return nil }
                return try db.integer("SELECT max(version) FROM \(PostgresSchema.versionTable)")
            }
            guard let version else {
                throw CaseStoreError.database("no case in PostgreSQL database \(location) (no Custody tables there): check --store / CUSTODY_STORE or create it with `custody case init --store \(location)`")
            }
            if version > Schema.version {
                throw CaseStoreError.newerSchema(path: location, found: Int(version), supported: Schema.version)
            }
            if version < PostgresSchema.firstVersion {
                throw CaseStoreError.database("case store \(location) has schema \(version), but PostgreSQL cases start at schema \(PostgresSchema.firstVersion): it was not made by Custody; check --store / CUSTODY_STORE")
            }
            if version < Schema.version { try upgradeSchema() }
        } catch {
            throw map(error)
        }
    }

    /// Brings a case of an earlier version up to `Schema.version` in one write transaction
    /// (under the chain-head lock, so that two stations opening it at once upgrade it once).
    func upgradeSchema() throws {
        try write { db in
            let version = Int(try db.integer("SELECT max(version) FROM \(PostgresSchema.versionTable)") ?? 0)
            for upgrade in PostgresSchema.upgrades where upgrade.version > version {
                for statement in upgrade.statements { try db.execute(statement, []) }
                try upgrade.fill(db)
                try db.execute("UPDATE \(PostgresSchema.versionTable) SET version = ?", upgrade.version)
            }
        }
    }

    func read<T>(_ body: (any SQLExecutor) throws -> T) throws -> T {
        try transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", lockingChainHead: false, body)
    }

    /// READ COMMITTED: once the chain head is locked, every later statement sees every commit
    /// that came before the lock.
    func write<T>(_ body: (any SQLExecutor) throws -> T) throws -> T {
        try transaction("BEGIN ISOLATION LEVEL READ COMMITTED", lockingChainHead: true, body)
    }

    /// Runs `body` between `begin` and COMMIT on a pooled connection; ROLLBACK when it throws.
    /// A connection that failed is closed, never reused.
    func transaction<T>(_ begin: String, lockingChainHead: Bool, _ body: (any SQLExecutor) throws -> T) throws -> T {
        let executor = try connections.begin(begin)
        let result: T
        do {
            if lockingChainHead { _ = try executor.rows("SELECT id FROM chain_head WHERE id = 1 FOR UPDATE", []) }
            result = try body(executor)
        } catch {
            if (try? executor.execute("ROLLBACK", [])) != nil {
                connections.checkIn(executor.connection)
            } else {
                connections.discard(executor.connection)
            }
            throw error
        }
        let tag: String
        do {
            tag = try executor.run("COMMIT", []).metadata.command
        } catch {
            connections.discard(executor.connection)
            throw PostgresCommitUnknown(underlying: error)
        }
        connections.checkIn(executor.connection)
        // PostgreSQL answers COMMIT of a transaction in which a statement failed with ROLLBACK.
        guard tag == "COMMIT" else { throw PostgresTransactionAborted() }
        return result
    }

    func map(_ error: any Error) -> CaseStoreError { Self.map(error, url) }

    /// Turns a postgres-nio, NIO or TLS error into one user line; the password never appears.
    static func map(_ error: any Error, _ url: PostgresURL) -> CaseStoreError {
        let store = url.location
        let server = url.server
        if let e = error as? CaseStoreError { return e }
        if let e = error as? SQLTypeMismatch {
            return .database("case store \(store) holds a value of the wrong type (\(e)): it was changed outside Custody; run `custody ledger verify`")
        }
        if error is PostgresTransactionAborted {
            return .database("case store \(store): a statement failed inside the transaction and PostgreSQL rolled it back; nothing was written")
        }
        if let e = error as? PostgresCommitUnknown {
            return .unavailable("PostgreSQL connection to \(server) was lost while committing (\(reason(e.underlying))): the change may or may not be stored; check the ledger (`custody history LABEL`) before retrying")
        }
        if let e = error as? PostgresNoAnswer {
            return .unavailable("PostgreSQL server \(server) did not answer within \(Int(e.seconds)) s: the connection was dropped and nothing was written; retry (check the server and the network)")
        }
        if let e = error as? PostgresConnectFailure {
            return mapConnectFailure(e.underlying, url)
        }
        if let e = error as? NIOSSLError {
            return .database("PostgreSQL TLS set-up for \(store) failed (\(e)): check sslrootcert and sslmode in --store / CUSTODY_STORE")
        }
        guard let e = error as? PSQLError else { return .database("case store \(store): \(error)") }
        if let info = e.serverInfo {
            let state = info[.sqlState] ?? ""
            let message = info[.message] ?? "error"
            switch state {
            case "55P03": return .locked(store)
            case "53100": return .diskFull(store)
            case "40001", "40P01":
                return .database("case store \(store): \(message) (SQLSTATE \(state)); nothing was written: retry")
            case "57P01", "57P02":
                // A terminated backend, or a server shut down or restarted mid-transaction.
                return .unavailable("PostgreSQL connection to \(server) was lost (\(message)): nothing was written; retry")
            case "57P03":
                return .unavailable("PostgreSQL server \(server) is starting or shutting down (\(message)): nothing was written; retry when it is up")
            default:
                return .database("case store \(store): \(message) (SQLSTATE \(state)); nothing was written")
            }
        }
        switch e.code {
        case .serverClosedConnection, .uncleanShutdown, .connectionError, .clientClosedConnection:
            return .unavailable("PostgreSQL connection to \(server) was lost (\(reason(e))): nothing was written; retry")
        default:
            return .database("case store \(store): PostgreSQL client error \(e.code); nothing was written")
        }
    }

    /// A connection that could not be made: the server, the login, the database or TLS.
    static func mapConnectFailure(_ error: any Error, _ url: PostgresURL) -> CaseStoreError {
        let server = url.server
        let fix = "check --store / CUSTODY_STORE"
        if let e = error as? PSQLError {
            if let info = e.serverInfo {
                let message = info[.message] ?? "refused"
                switch info[.sqlState] ?? "" {
                case "28P01":
                    let ignored = url.ignoredPasswordFile.map { " (\($0) was not read: others may read it; chmod 600 it)" } ?? ""
                    return .database("PostgreSQL refused the login of \(url.user) on \(server)/\(url.database) (wrong password?)\(ignored): check the URL, PGPASSWORD or PGPASSFILE")
                case "28000":
                    return .database("PostgreSQL refused the login of \(url.user) on \(server)/\(url.database) (\(message)): check the URL or the server's pg_hba.conf")
                case "3D000":
                    return .database("PostgreSQL database \(url.database) does not exist on \(server): create it (createdb -h \(url.host) -p \(url.port) -U \(url.user) \(url.database)) or \(fix)")
                case "53300":
                    return .unavailable("PostgreSQL server \(server) has no connection free (\(message)): retry later, or raise max_connections")
                case "57P03":
                    return .unavailable("PostgreSQL server \(server) is starting or shutting down (\(message)): retry when it is up")
                default:
                    return .database("PostgreSQL server \(server) refused the connection (\(message), SQLSTATE \(info[.sqlState] ?? "?")): \(fix)")
                }
            }
            switch e.code {
            case .sslUnsupported:
                return .database("PostgreSQL server \(server) does not offer TLS, but sslmode=\(url.sslMode.rawValue) requires it: enable ssl on the server or use sslmode=prefer")
            case .authMechanismRequiresPassword:
                let ignored = url.ignoredPasswordFile.map { " (\($0) was not read: others may read it; chmod 600 it)" } ?? ""
                return .database("PostgreSQL asks a password of \(url.user) on \(server)/\(url.database) and none was given\(ignored): put it in the URL, PGPASSWORD or PGPASSFILE")
            case .unsupportedAuthMechanism:
                return .database("PostgreSQL server \(server) asks for an authentication method Custody does not support: use scram-sha-256 or md5 in its pg_hba.conf")
            case .saslError:
                return .database("PostgreSQL refused the login of \(url.user) on \(server)/\(url.database) (SCRAM exchange failed): check the URL, PGPASSWORD or PGPASSFILE")
            default:
                if let tlsError = e.underlying.flatMap({ $0 as? NIOSSLError }) {
                    return .database("PostgreSQL server \(server)'s certificate was not accepted (sslmode=\(url.sslMode.rawValue): \(tlsError)): check sslrootcert, or the host name for verify-full")
                }
                return .unavailable("PostgreSQL server \(server) is not reachable (\(reason(e))): start it, or \(fix)")
            }
        }
        return .unavailable("PostgreSQL server \(server) is not reachable (\(reason(error))): start it, or \(fix)")
    }

    /// A short cause for a network error: "connection refused", "timed out", …
    static func reason(_ error: any Error) -> String {
        if let e = error as? PSQLError {
            if let underlying = e.underlying { return reason(underlying) }
            switch e.code {
            case .serverClosedConnection: return "the server closed the connection"
            case .uncleanShutdown: return "the connection was cut"
            default: return "\(e.code)"
            }
        }
        if let e = error as? IOError { return String(cString: strerror(e.errnoCode)).lowercased() }
        if let e = error as? NIOConnectionError {
            if let first = e.connectionErrors.first { return reason(first.error) }
            if e.dnsAError != nil || e.dnsAAAAError != nil { return "the host name does not resolve" }
            return "no address for the host"
        }
        if let e = error as? ChannelError, case .connectTimeout(let t) = e {
            return "no answer within \(t.nanoseconds / 1_000_000_000) s"
        }
        if let e = error as? NIOSSLError { return "TLS: \(e)" }
        return "\(error)"
    }
}

/// The error of COMMIT itself: the server may or may not have committed.
struct PostgresCommitUnknown: Error { let underlying: any Error }
/// A statement the server did not answer in time (`PostgresExecutor.answerTimeout`); its
/// connection was closed.
struct PostgresNoAnswer: Error { let seconds: Double }
/// COMMIT answered ROLLBACK: a statement had failed inside the transaction.
struct PostgresTransactionAborted: Error {}
/// A connection could not be made (server, login, database, TLS).
struct PostgresConnectFailure: Error { let underlying: any Error }

/// Idle connections to one database, handed to one transaction at a time; new ones are made on
/// demand, at most `maxIdle` are kept.
final class PostgresConnectionPool: Sendable {
    let configuration: PostgresConnection.Configuration
    let idle = Mutex<[PostgresConnection]>([])
    let nextID = Atomic<Int>(1)
    let logger: Logger
    static let maxIdle = 4

    init(url: PostgresURL, configuration: PostgresConnection.Configuration) {
        self.configuration = configuration
        var logger = Logger(label: "custody.postgres")
        // postgres-nio logs through swift-log; the store reports its errors itself.
        logger.logLevel = .critical
        self.logger = logger
    }

    /// A connection on which `statement` (a BEGIN) succeeded. An idle connection that the
    /// server closed meanwhile (a restart, an idle timeout) fails there, before anything was
    /// done: it is dropped and the next one, or a new one, is tried.
    func begin(_ statement: String) throws -> PostgresExecutor {
        while let connection = idle.withLock({ $0.popLast() }) {
            let executor = PostgresExecutor(connection, logger: logger)
            if !connection.isClosed, (try? executor.execute(statement, [])) != nil { return executor }
            discard(connection)
        }
        let connection: PostgresConnection
        do {
            connection = try PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration,
                                                        id: nextID.add(1, ordering: .relaxed).oldValue, logger: logger).wait()
        } catch {
            throw PostgresConnectFailure(underlying: error)
        }
        let executor = PostgresExecutor(connection, logger: logger)
        do {
            try executor.execute(statement, [])
        } catch {
            discard(connection)
            throw error
        }
        return executor
    }

    func checkIn(_ connection: PostgresConnection) {
        let kept = idle.withLock { connections in
            guard connections.count < Self.maxIdle, !connection.isClosed else { return false }
            connections.append(connection)
            return true
        }
        if !kept { discard(connection) }
    }

    func discard(_ connection: PostgresConnection) {
        try? connection.close().wait()
    }

    deinit {
        for connection in idle.withLock({ $0 }) { discard(connection) }
    }
}

/// One pooled connection inside a transaction. `?` placeholders become `$1…$n`; values bind as
/// int8, float8, text, bytea or NULL; rows of one query are buffered before `forEachRow` hands
/// them out.
final class PostgresExecutor: SQLExecutor {
    let connection: PostgresConnection
    let logger: Logger

    init(_ connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    func execute(_ sql: String, _ arguments: [SQLValue]) throws {
        _ = try run(sql, arguments)
    }

    func forEachRow(_ sql: String, _ arguments: [SQLValue], _ body: (SQLRow) throws -> Void) throws {
        let rows = try run(sql, arguments).rows
        let columns = SQLColumns(rows.first.map { $0.map(\.columnName) } ?? [])
        for row in rows { try body(SQLRow(try Self.values(row), columns: columns)) }
    }

    /// How long one statement may go unanswered before its connection is taken for dead:
    /// `CUSTODY_PG_STATEMENT_TIMEOUT` seconds, else 120. (Seen in a test: a query sent while the
    /// server was stopping was never answered nor failed, and waiting on it hung forever.)
    static let answerTimeout: Double = ProcessInfo.processInfo.environment["CUSTODY_PG_STATEMENT_TIMEOUT"].flatMap(Double.init) ?? 120

    func run(_ sql: String, _ arguments: [SQLValue]) throws -> PostgresQueryResult {
        let query = PostgresQuery(unsafeSQL: Self.numberedPlaceholders(sql), binds: Self.bindings(arguments))
        let answer = Mutex<Result<PostgresQueryResult, any Error>?>(nil)
        let answered = DispatchSemaphore(value: 0)
        connection.query(query, logger: logger).whenComplete { result in
            answer.withLock { $0 = result }
            answered.signal()
        }
        guard answered.wait(timeout: .now() + Self.answerTimeout) == .success else {
            let _: EventLoopFuture<Void> = connection.close()
            throw PostgresNoAnswer(seconds: Self.answerTimeout)
        }
        return try answer.withLock { $0! }.get()
    }

    /// `?` → `$1`, `$2`, …, except inside single-quoted literals and double-quoted identifiers.
    static func numberedPlaceholders(_ sql: String) -> String {
        guard sql.contains("?") else { return sql }
        var result = ""
        result.reserveCapacity(sql.utf8.count + 8)
        var number = 0
        var quote: Character?
        for character in sql {
            if let open = quote {
                if character == open { quote = nil }
                result.append(character)
            } else if character == "'" || character == "\"" {
                quote = character
                result.append(character)
            } else if character == "?" {
                number += 1
                result += "$\(number)"
            } else {
                result.append(character)
            }
        }
        return result
    }

    static func bindings(_ values: [SQLValue]) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .null: bindings.appendNull()
            case .integer(let i): bindings.append(i)
            case .real(let d): bindings.append(d)
            case .text(let s): bindings.append(s)
            case .blob(let b): bindings.append(ByteBuffer(bytes: b))
            }
        }
        return bindings
    }

    static func values(_ row: PostgresRow) throws -> [SQLValue] {
        var values = [SQLValue]()
        for cell in row { values.append(try value(cell)) }
        return values
    }

    /// Integers of every width, booleans as 0/1 and integral NUMERICs (what `sum` of BIGINT
    /// gives) as `.integer`; floats and other NUMERICs as `.real`; BYTEA as `.blob`; the rest as text.
    static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .float4, .float8: return .real(try cell.decode(Double.self))
        case .bytea: return .blob([UInt8](buffer: try cell.decode(ByteBuffer.self)))
        case .numeric:
            let text = "\(try cell.decode(Decimal.self))"
            if let integer = Int64(text) { return .integer(integer) }
            guard let real = Double(text) else { throw SQLTypeMismatch(description: "column \(cell.columnName) holds the NUMERIC \(text)") }
            return .real(real)
        default: return .text(try cell.decode(String.self))
        }
    }
}
