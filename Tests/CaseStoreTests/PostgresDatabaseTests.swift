@testable import CaseStore
import Foundation
import Synchronization
import Testing

/// The PostgreSQL server of the tests: `CUSTODY_PG_URL` names a database on it as a superuser
/// (Scripts/pg start --dir DIR; Scripts/pg url --dir DIR); each test gets its own new database.
/// `CUSTODY_PG_DIR` (the Scripts/pg folder) adds the verify-full test with its root.crt.
enum PostgresTestServer {
    static let url = ProcessInfo.processInfo.environment["CUSTODY_PG_URL"]
    static let directory = ProcessInfo.processInfo.environment["CUSTODY_PG_DIR"]
    static let skipReason: Comment = "CUSTODY_PG_URL is not set: run Scripts/pg start --dir DIR and set CUSTODY_PG_URL=$(Scripts/pg url --dir DIR)"

    /// Creates an empty database with psql (CREATE DATABASE runs outside any transaction, which
    /// the store never does) and returns its URL, with `query` as the URL's query.
    static func newDatabase(query: String = "sslmode=disable", test: String = #function) throws -> String {
        let server = try PostgresURL(url!)
        let name = "t_" + test.lowercased().filter { $0.isLetter || $0.isNumber }.prefix(30) + "_" + UUID().uuidString.prefix(8).lowercased()
        let psql = Process()
        psql.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        psql.arguments = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", server.host, "-p", "\(server.port)",
                          "-U", server.user, "-d", server.database, "-c", "CREATE DATABASE \(name)"]
        var environment = ProcessInfo.processInfo.environment
        environment["PGPASSWORD"] = server.password
        environment["PGSSLMODE"] = "prefer"
        psql.environment = environment
        try psql.run()
        psql.waitUntilExit()
        guard psql.terminationStatus == 0 else { throw CaseStoreError.io("psql could not create the database \(name)") }
        var components = URLComponents(string: url!)!
        components.path = "/" + name
        components.query = query
        return components.string!
    }

    /// A port on 127.0.0.1 on which nothing listens.
    static func closedPort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                _ = bind(fd, $0, length)
                _ = getsockname(fd, $0, &length)
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// What needs no server: URLs, password files, placeholders, an unreachable server.
@Suite struct PostgresURLTests {
    @Test func urlPartsDefaultsAndLocationWithoutPassword() throws {
        let url = try PostgresURL("postgresql://clerk:s%3Acret@db.lab.example/op_lotus?sslmode=verify-full&sslrootcert=/etc/lab-ca.pem",
                                  environment: [:])
        #expect(url.user == "clerk")
        #expect(url.password == "s:cret")
        #expect(url.host == "db.lab.example")
        #expect(url.port == 5432)
        #expect(url.database == "op_lotus")
        #expect(url.sslMode == .verifyFull)
        #expect(url.sslRootCert == "/etc/lab-ca.pem")
        #expect(url.location == "postgresql://clerk@db.lab.example/op_lotus?sslmode=verify-full&sslrootcert=/etc/lab-ca.pem")

        let plain = try PostgresURL("postgres://clerk@10.0.0.5:6543/lab", environment: ["PGPASSWORD": "from-env"])
        #expect(plain.port == 6543)
        #expect(plain.sslMode == .prefer)
        #expect(plain.password == "from-env")
        #expect(plain.location == "postgres://clerk@10.0.0.5:6543/lab")
    }

    @Test func badURLsAreOneLineErrorsWithoutThePassword() {
        #expect(throws: CaseStoreError.invalidInput("the store URL is not a PostgreSQL URL (postgres://USER@HOST:PORT/DATABASE?sslmode=prefer): check --store / CUSTODY_STORE")) {
            try PostgresURL("mysql://root:hunter2@db/x", environment: [:])
        }
        do {
            _ = try PostgresURL("postgres://root:hunter2@db/x?sslmode=always", environment: [:])
            Issue.record("sslmode=always was accepted")
        } catch {
            #expect("\(error)".contains("sslmode \"always\" is not one of disable, allow, prefer, require, verify-ca, verify-full"))
            #expect(!"\(error)".contains("hunter2"))
        }
    }

    @Test func passwordFileMatchesLikeLibpqAndOnlyWhenPrivate() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pgpass-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let lines = """
            # lab servers
            other.lab:5432:*:clerk:wrong
            db.lab:*:op_lotus:clerk:pa\\:ss\\\\word
            *:*:*:*:fallback
            """
        try lines.write(toFile: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        let url = try PostgresURL("postgres://clerk@db.lab/op_lotus", environment: ["PGPASSFILE": file])
        #expect(url.password == "pa:ss\\word")
        #expect(url.ignoredPasswordFile == nil)
        #expect(try PostgresURL("postgres://sup@db.lab/op_lotus", environment: ["PGPASSFILE": file]).password == "fallback")
        // The URL's password wins over the file.
        #expect(try PostgresURL("postgres://clerk:given@db.lab/op_lotus", environment: ["PGPASSFILE": file]).password == "given")

        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
        let open = try PostgresURL("postgres://clerk@db.lab/op_lotus", environment: ["PGPASSFILE": file])
        #expect(open.password == nil)
        #expect(open.ignoredPasswordFile == file)
    }

    @Test func placeholdersAreNumberedOutsideQuotes() {
        #expect(PostgresExecutor.numberedPlaceholders("SELECT a FROM t WHERE b = ? AND c = 'x?y' AND \"d?\" = ? LIMIT ?")
                == "SELECT a FROM t WHERE b = $1 AND c = 'x?y' AND \"d?\" = $2 LIMIT $3")
        #expect(PostgresExecutor.numberedPlaceholders("SELECT 'it''s ?', ?") == "SELECT 'it''s ?', $1")
    }

    @Test func aServerThatIsDownIsOneLine() {
        let port = PostgresTestServer.closedPort()
        #expect(throws: CaseStoreError.unavailable("PostgreSQL server 127.0.0.1:\(port) is not reachable (connection refused): start it, or check --store / CUSTODY_STORE")) {
            try PostgresDatabase(url: "postgres://custody:secret-pw@127.0.0.1:\(port)/custody", create: false)
        }
    }
}

@Suite(.enabled(if: PostgresTestServer.url != nil, PostgresTestServer.skipReason))
struct PostgresDatabaseTests {
    @Test func everyValueKindRoundTrips() throws {
        let db = try PostgresDatabase(url: try PostgresTestServer.newDatabase(), create: true)
        let vietnamese = "Nguyễn Văn Ánh, Đà Nẵng — niêm phong số 7 ?'"
        let bytes: [UInt8] = [0x00, 0x01, 0x00, 0xFF, 0x00]
        try db.write { db in
            try db.execute("CREATE TABLE kinds (i BIGINT, r DOUBLE PRECISION, t TEXT, b BYTEA, n TEXT)", [])
            try db.execute("INSERT INTO kinds (i, r, t, b, n) VALUES (?, ?, ?, ?, ?)", [.integer(.min), .real(3.25), vietnamese.sqlValue, bytes.sqlValue, .null])
            try db.execute("INSERT INTO kinds (i, r, t, b, n) VALUES (?, ?, ?, ?, ?)", [.integer(.max), .real(-0.5), .text(""), .blob([]), .text("x")])
        }
        let rows = try db.read { db in try db.rows("SELECT i, r, t, b, n FROM kinds ORDER BY i") }
        #expect(rows.map(\.values) == [
            [.integer(.min), .real(3.25), .text(vietnamese), .blob(bytes), .null],
            [.integer(.max), .real(-0.5), .text(""), .blob([]), .text("x")],
        ])
        let found = try db.read { db in try db.string("SELECT t FROM kinds WHERE t = ? AND i < ?", vietnamese, 0) }
        #expect(found == vietnamese)
        // Booleans, small integers and integral NUMERICs (sum of BIGINT) read as integers.
        let other = try db.read { db in try db.row("SELECT true, false, 7::smallint, 8::integer, sum(length(t)), avg(r), '?' FROM kinds") }
        #expect(other?.values == [.integer(1), .integer(0), .integer(7), .integer(8), .integer(Int64(vietnamese.unicodeScalars.count)), .real(1.375), .text("?")])
    }

    @Test func schemaInstallsOnceAndOpens() throws {
        let url = try PostgresTestServer.newDatabase()
        let db = try PostgresDatabase(url: url, create: true)
        let tables = try db.read { db in
            try db.rows("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename").map { try $0.string(0) }
        }
        #expect(tables == ["access_token", "acquisition", "audit", "audit_result", "audit_scan", "case_info", "chain_head", "checkpoint", "custody_schema",
                           "custody_state", "disposal", "entry_subject", "examiner", "examiner_access", "item", "item_identifier", "item_text", "ledger_entry",
                           "login_failure", "message", "message_import", "photo", "photo_file", "station"])
        let partial = try db.read { db in try db.string("SELECT indexdef FROM pg_indexes WHERE indexname = ?", "acquisition_incomplete") }
        #expect(partial?.hasSuffix("WHERE (complete = 0)") == true)
        // Unquoted camelCase names work as the store writes them.
        try db.write { db in
            try db.execute("INSERT INTO station (keyID, name, key, addedSeq) VALUES (?, ?, ?, ?)", "k1", "bench-1", "key", 0)
            try db.execute("INSERT INTO checkpoint (size, root, note, createdAt) VALUES (?, ?, ?, ?)", 1, "r", "n", "t")
        }
        #expect(try db.read { db in try db.integer("SELECT addedSeq FROM station WHERE keyID = ?", "k1") } == 0)
        #expect(try db.read { db in try db.integer("SELECT id FROM checkpoint") } == 1)

        #expect(throws: CaseStoreError.alreadyACase(db.location)) { try PostgresDatabase(url: url, create: true) }
        let reopened = try PostgresDatabase(url: url, create: false)
        #expect(try reopened.read { db in try db.integer("SELECT version FROM custody_schema") } == Int64(Schema.version))
    }

    @Test func aNewerSchemaAndAnEmptyDatabaseAreRefused() throws {
        let url = try PostgresTestServer.newDatabase()
        #expect(throws: CaseStoreError.database("no case in PostgreSQL database \(try PostgresURL(url).location) (no Custody tables there): check --store / CUSTODY_STORE or create it with `custody case init --store \(try PostgresURL(url).location)`")) {
            try PostgresDatabase(url: url, create: false)
        }
        let db = try PostgresDatabase(url: url, create: true)
        try db.write { db in try db.execute("UPDATE custody_schema SET version = ?", Schema.version + 1) }
        #expect(throws: CaseStoreError.newerSchema(path: db.location, found: Schema.version + 1, supported: Schema.version)) {
            try PostgresDatabase(url: url, create: false)
        }
    }

    @Test func aThrowingWriteLeavesNothing() throws {
        let db = try PostgresDatabase(url: try PostgresTestServer.newDatabase(), create: true)
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try db.write { db in
                try db.execute("INSERT INTO ledger_entry (seq, line) VALUES (?, ?)", 0, [UInt8]("genesis".utf8))
                throw Stop()
            }
        }
        #expect(try db.read { db in try db.integer("SELECT count(*) FROM ledger_entry") } == 0)
        // The connection went back to the pool and works.
        try db.write { db in try db.execute("INSERT INTO ledger_entry (seq, line) VALUES (?, ?)", 0, [UInt8]("genesis".utf8)) }
        #expect(try db.read { db in try db.integer("SELECT count(*) FROM ledger_entry") } == 1)
    }

    @Test func aFailedStatementInsideAWriteIsNeverCommitted() throws {
        let db = try PostgresDatabase(url: try PostgresTestServer.newDatabase(), create: true)
        do {
            try db.write { db in
                try db.execute("INSERT INTO examiner (id, name, role, seq) VALUES (?, ?, ?, ?)", "sup1", "A", "supervisor", 0)
                // The caller swallows the error, as SQLite would let it; PostgreSQL aborts the transaction.
                try? db.execute("INSERT INTO examiner (id, name, role, seq) VALUES (?, ?, ?, ?)", "sup1", "A", "supervisor", 0)
            }
            Issue.record("the write committed")
        } catch {
            #expect(db.map(error) == .database("case store \(db.location): a statement failed inside the transaction and PostgreSQL rolled it back; nothing was written"))
        }
        #expect(try db.read { db in try db.integer("SELECT count(*) FROM examiner") } == 0)
        do {
            try db.write { db in
                try db.execute("INSERT INTO examiner (id, name, role, seq) VALUES (?, ?, ?, ?)", "sup1", "A", "supervisor", 0)
                try db.execute("INSERT INTO examiner (id, name, role, seq) VALUES (?, ?, ?, ?)", "sup1", "A", "supervisor", 0)
            }
            Issue.record("a duplicate key was inserted")
        } catch {
            #expect("\(db.map(error))".hasPrefix("case store \(db.location): duplicate key value violates unique constraint \"examiner_pkey\" (SQLSTATE 23505)"))
        }
    }

    @Test func writersFromFourThreadsSerialise() throws {
        let db = try PostgresDatabase(url: try PostgresTestServer.newDatabase(), create: true)
        try db.write { db in
            try db.execute("CREATE TABLE counter (n BIGINT NOT NULL)", [])
            try db.execute("INSERT INTO counter (n) VALUES (0)", [])
        }
        let perThread = 25
        let failures = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<perThread {
                do {
                    try db.write { db in
                        let n = try db.integer("SELECT n FROM counter")!
                        try db.execute("UPDATE counter SET n = ?", n + 1)
                    }
                } catch {
                    failures.withLock { $0 += 1 }
                }
            }
        }
        #expect(failures.withLock { $0 } == 0)
        #expect(try db.read { db in try db.integer("SELECT n FROM counter") } == Int64(4 * perThread))
    }

    @Test func aWriterWaitsForTheChainHeadAtMostTheBusyTimeout() throws {
        let db = try PostgresDatabase(url: try PostgresTestServer.newDatabase(), create: true)
        #expect(try db.read { db in try db.string("SELECT setting FROM pg_settings WHERE name = 'lock_timeout'") }
                == "\(Int(CaseStore.busyTimeout * 1000))")
        let holding = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let holder = Thread {
            try? db.write { _ in
                holding.signal()
                _ = release.wait(timeout: .now() + 60)
            }
        }
        holder.start()
        holding.wait()
        let started = Date()
        do {
            try db.write { db in try db.execute("INSERT INTO ledger_entry (seq, line) VALUES (?, ?)", 0, [UInt8]("x".utf8)) }
            Issue.record("a second writer got the chain head while the first held it")
        } catch {
            #expect(db.map(error) == .locked(db.location))
        }
        release.signal()
        #expect(Date().timeIntervalSince(started) >= CaseStore.busyTimeout - 0.5)
    }

    @Test func aConnectionLostMidWriteWritesNothing() throws {
        let db = try PostgresDatabase(url: try PostgresTestServer.newDatabase(), create: true)
        do {
            try db.write { db in
                try db.execute("INSERT INTO ledger_entry (seq, line) VALUES (?, ?)", 0, [UInt8]("genesis".utf8))
                try db.execute("SELECT pg_terminate_backend(pg_backend_pid())", [])
            }
            Issue.record("the write survived its connection")
        } catch {
            let line = "\(db.map(error))"
            #expect(line.hasPrefix("PostgreSQL connection to \(try PostgresURL(db.location).server) was lost ("))
            #expect(line.hasSuffix("): nothing was written; retry"))
        }
        #expect(try db.read { db in try db.integer("SELECT count(*) FROM ledger_entry") } == 0)
    }

    @Test func pooledConnectionsThatTheServerClosedAreReplaced() throws {
        let url = try PostgresTestServer.newDatabase()
        let db = try PostgresDatabase(url: url, create: true)
        try db.write { db in try db.execute("INSERT INTO ledger_entry (seq, line) VALUES (?, ?)", 0, [UInt8]("genesis".utf8)) }
        #expect(db.connections.idle.withLock { $0.count } == 1)
        // What a server restart does to the idle connections of every station.
        let other = try PostgresDatabase(url: url, create: false)
        let terminated = try other.read { db in
            // MATERIALIZED: the filter runs before pg_terminate_backend, which would otherwise hit other tests' connections.
            try db.integer("""
                WITH victim AS MATERIALIZED (SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid())
                SELECT count(*) FROM victim WHERE pg_terminate_backend(pid)
                """)
        }
        #expect(terminated == 1)
        try db.write { db in try db.execute("INSERT INTO ledger_entry (seq, line) VALUES (?, ?)", 1, [UInt8]("next".utf8)) }
        #expect(try db.read { db in try db.integer("SELECT count(*) FROM ledger_entry") } == 2)
    }

    @Test func tlsWhenRequired() throws {
        let db = try PostgresDatabase(url: try PostgresTestServer.newDatabase(query: "sslmode=require"), create: true)
        #expect(try db.read { db in try db.integer("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()") } == 1)
        let plain = try PostgresDatabase(url: try PostgresTestServer.newDatabase(query: "sslmode=disable"), create: true)
        #expect(try plain.read { db in try db.integer("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()") } == 0)
    }

    @Test func verifyFullChecksTheCertificate() throws {
        // The throwaway server's certificate is self-signed: the system's roots refuse it.
        let url = try PostgresTestServer.newDatabase(query: "sslmode=verify-full")
        do {
            _ = try PostgresDatabase(url: url, create: true)
            Issue.record("a self-signed certificate passed verify-full against the system's roots")
        } catch {
            #expect("\(error)".hasPrefix("PostgreSQL server \(try PostgresURL(url).server)'s certificate was not accepted (sslmode=verify-full: "))
        }
        guard let directory = PostgresTestServer.directory else { return }
        let trusted = try PostgresTestServer.newDatabase(query: "sslmode=verify-full&sslrootcert=\(directory)/root.crt")
        let db = try PostgresDatabase(url: trusted, create: true)
        #expect(try db.read { db in try db.integer("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()") } == 1)
    }

    @Test func aWrongPasswordIsOneLineWithoutIt() throws {
        var components = URLComponents(string: try PostgresTestServer.newDatabase())!
        components.password = "not-the-password-7f3a"
        let url = try PostgresURL(components.string!)
        do {
            _ = try PostgresDatabase(url: components.string!, create: false)
            Issue.record("a wrong password was accepted")
        } catch {
            #expect(error == .database("PostgreSQL refused the login of \(url.user) on \(url.server)/\(url.database) (wrong password?): check the URL, PGPASSWORD or PGPASSFILE"))
            #expect(!"\(error)".contains("not-the-password"))
        }
    }

    @Test func aMissingDatabaseIsOneLine() throws {
        var components = URLComponents(string: PostgresTestServer.url!)!
        components.path = "/no_such_case_db"
        let url = try PostgresURL(components.string!)
        #expect(throws: CaseStoreError.database("PostgreSQL database no_such_case_db does not exist on \(url.server): create it (createdb -h \(url.host) -p \(url.port) -U \(url.user) no_such_case_db) or check --store / CUSTODY_STORE")) {
            try PostgresDatabase(url: components.string!, create: false)
        }
    }
}
