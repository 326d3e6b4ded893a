import Foundation
import Ledger

// Access to the desk (docs/CASE-STORE.md, "Access"): each examiner's password hash, desk
// language and lock (table `examiner_access`), the tokens scripts use (table `access_token`,
// SHA-256 only) and the failed logins (table `login_failure`). None of these tables goes into
// a bundle. Setting a password, issuing and revoking a token, a lockout and an unlock are
// ledger entries (never with the hash or the token); a failed login and the desk language are
// not changes to the case and are stored without one.

/// Table `examiner_access`: one row per examiner who has a password, a desk language or a lock.
public struct ExaminerAccessRecord: Sendable, Hashable, SQLRecord {
    static let table = "examiner_access"
    public var examiner: String
    /// The bcrypt hash (`$2b$…`), nil while no password is set.
    public var passwordHash: String?
    /// The `examiner.password` entry that set it.
    public var passwordSeq: Int64?
    /// The language the examiner chose for the desk (`vi`, `en`), nil for the case's.
    public var language: String?
    /// The `examiner.lock` entry while the examiner is locked out, nil otherwise.
    public var lockedSeq: Int64?

    public var isLocked: Bool { lockedSeq != nil }

    static let columns = ["examiner", "passwordHash", "passwordSeq", "language", "lockedSeq"]
    init(examiner: String, passwordHash: String? = nil, passwordSeq: Int64? = nil, language: String? = nil, lockedSeq: Int64? = nil) {
        self.examiner = examiner; self.passwordHash = passwordHash; self.passwordSeq = passwordSeq
        self.language = language; self.lockedSeq = lockedSeq
    }
    init(row: SQLRow) throws {
        self.init(examiner: try row.string("examiner"), passwordHash: try row.optionalString("passwordHash"),
                  passwordSeq: try row.optionalInt64("passwordSeq"), language: try row.optionalString("language"),
                  lockedSeq: try row.optionalInt64("lockedSeq"))
    }
    var sqlValues: [SQLValue] {
        [.text(examiner), passwordHash.map(SQLValue.text) ?? .null, passwordSeq.map(SQLValue.integer) ?? .null,
         language.map(SQLValue.text) ?? .null, lockedSeq.map(SQLValue.integer) ?? .null]
    }
}

/// Table `access_token`: a token for scripts (`Authorization: Bearer …`), stored as the SHA-256
/// of its text only; `seq` is the `examiner.token.issue` entry, `revokedSeq` the revoking one.
public struct AccessTokenRecord: Sendable, Hashable, SQLRecord {
    static let table = "access_token"
    /// The token's public id (`tok-` and 8 hex digits), printed by `examiner tokens`.
    public var id: String
    public var examiner: String
    /// Hex SHA-256 of the token's text.
    public var sha256: String
    public var label: String
    public var seq: Int64
    public var revokedSeq: Int64?

    public var isActive: Bool { revokedSeq == nil }

    static let columns = ["id", "examiner", "sha256", "label", "seq", "revokedSeq"]
    public init(id: String, examiner: String, sha256: String, label: String, seq: Int64, revokedSeq: Int64? = nil) {
        self.id = id; self.examiner = examiner; self.sha256 = sha256; self.label = label; self.seq = seq; self.revokedSeq = revokedSeq
    }
    init(row: SQLRow) throws {
        self.init(id: try row.string("id"), examiner: try row.string("examiner"), sha256: try row.string("sha256"),
                  label: try row.string("label"), seq: try row.int64("seq"), revokedSeq: try row.optionalInt64("revokedSeq"))
    }
    var sqlValues: [SQLValue] {
        [.text(id), .text(examiner), .text(sha256), .text(label), .integer(seq), revokedSeq.map(SQLValue.integer) ?? .null]
    }
}

extension LedgerAction {
    /// An examiner's desk password was set (payload `id`; never the password or its hash).
    public static let examinerPassword: LedgerAction = "examiner.password"
    /// A token was issued (payload `id`: the examiner, `token`: the token id, `label`).
    public static let examinerTokenIssue: LedgerAction = "examiner.token.issue"
    /// A token was revoked (payload `id`: the examiner, `token`: the token id).
    public static let examinerTokenRevoke: LedgerAction = "examiner.token.revoke"
    /// An examiner was locked out after failed logins (payload `id`, `failures`, `windowMinutes`).
    public static let examinerLock: LedgerAction = "examiner.lock"
    /// A supervisor lifted a lockout (payload `id`).
    public static let examinerUnlock: LedgerAction = "examiner.unlock"

    /// What an entry attributed to a prosecutor may record: their own access (password, tokens,
    /// a lockout), a record printed and a bundle exported; every other action is refused.
    static let prosecutorActions: Set<LedgerAction> = [.examinerPassword, .examinerTokenIssue, .examinerTokenRevoke, .examinerLock,
                                                       .formPrint, "export.bundle"]
}

extension CaseStore {
    /// Tables `examiner_access`, `access_token`, `login_failure` (the access migration) on
    /// SQLite; `postgreSQL: true` gives BIGINT for INTEGER and an identity column for the
    /// failures' id.
    static func accessStatements(postgreSQL: Bool) -> [String] {
        let integer = postgreSQL ? "BIGINT" : "INTEGER"
        let failureID = postgreSQL ? "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" : "INTEGER PRIMARY KEY"
        return [
            """
            CREATE TABLE examiner_access (examiner TEXT PRIMARY KEY, passwordHash TEXT, passwordSeq \(integer), \
            language TEXT, lockedSeq \(integer))
            """,
            """
            CREATE TABLE access_token (id TEXT PRIMARY KEY, examiner TEXT NOT NULL, sha256 TEXT NOT NULL, label TEXT NOT NULL, \
            seq \(integer) NOT NULL, revokedSeq \(integer))
            """,
            "CREATE UNIQUE INDEX access_token_sha256 ON access_token (sha256)",
            "CREATE TABLE login_failure (id \(failureID), examiner TEXT NOT NULL, time TEXT NOT NULL)",
            "CREATE INDEX login_failure_examiner_time ON login_failure (examiner, time)",
        ]
    }

    /// The access row of `examiner` (nil: no password, language or lock recorded).
    public func access(examiner: String) throws(CaseStoreError) -> ExaminerAccessRecord? {
        try read { db in try ExaminerAccessRecord.fetchOne(db, "WHERE examiner = ?", examiner) }
    }

    /// Upserts the access row of `examiner` with `update` applied (inside a transaction).
    static func updateAccess(_ db: any SQLExecutor, _ examiner: String, _ update: (inout ExaminerAccessRecord) -> Void) throws {
        var row = try ExaminerAccessRecord.fetchOne(db, "WHERE examiner = ?", examiner) ?? ExaminerAccessRecord(examiner: examiner)
        update(&row)
        try db.execute("DELETE FROM examiner_access WHERE examiner = ?", examiner)
        try row.insert(db)
    }

    /// Fails unless `by` is `examiner` or a supervisor (inside the caller's transaction).
    static func requireSelfOrSupervisor(_ db: any SQLExecutor, _ by: String, for examiner: String, to what: String) throws {
        guard by != examiner else { return }
        try requireSupervisor(db, by, to: what)
    }

    /// Stores `hash` (bcrypt, made by the caller) as the password of `examiner`
    /// (`examiner.password` {`id`}). The examiner may set their own; a supervisor anyone's.
    @discardableResult
    public func setPasswordHash(_ hash: String, examiner: String, by: String) throws(CaseStoreError) -> SignedEntry {
        try read { db in
            guard try CaseStore.examinerExists(db, examiner) else { throw CaseStoreError.unknownExaminer(examiner) }
            try CaseStore.requireSelfOrSupervisor(db, by, for: examiner, to: "set another examiner's password")
        }
        return try append(examiner: by, action: .examinerPassword, payload: ["id": .string(examiner)]) { db, seq in
            try CaseStore.updateAccess(db, examiner) { $0.passwordHash = hash; $0.passwordSeq = seq }
        }
    }

    /// Stores the desk language `examiner` chose (a preference: no ledger entry).
    public func setDeskLanguage(_ language: String, examiner: String) throws(CaseStoreError) {
        do {
            try database.write { db in
                guard try CaseStore.examinerExists(db, examiner) else { throw CaseStoreError.unknownExaminer(examiner) }
                try CaseStore.updateAccess(db, examiner) { $0.language = language }
            }
        } catch { throw map(error) }
    }

    /// Records a failed login for `examiner` (who need not be in the roster) at `time`; when
    /// it makes `limit` failures within `window` seconds and the examiner is in the roster and
    /// not locked yet, locks them out with an `examiner.lock` entry (attributed to the examiner
    /// the failures name). Returns the lock entry when this failure locked the examiner.
    @discardableResult
    public func recordLoginFailure(examiner: String, time: Date, limit: Int, window: TimeInterval) throws(CaseStoreError) -> SignedEntry? {
        let now = CaseStore.accessTime(time), since = CaseStore.accessTime(time.addingTimeInterval(-window))
        let (failures, known): (Int64, Bool)
        do {
            (failures, known) = try database.write { db in
                try db.execute("INSERT INTO login_failure (examiner, time) VALUES (?, ?)", examiner, now)
                let count = try db.integer("SELECT COUNT(*) FROM login_failure WHERE examiner = ? AND time > ?", examiner, since) ?? 0
                let locked = try ExaminerAccessRecord.fetchOne(db, "WHERE examiner = ?", examiner)?.isLocked ?? false
                let inRoster = try CaseStore.examinerExists(db, examiner)
                return (count, inRoster && !locked)
            }
        } catch { throw map(error) }
        guard known, failures >= Int64(limit) else { return nil }
        return try append(examiner: examiner, action: .examinerLock, subjects: [],
                          payload: ["id": .string(examiner), "failures": .integer(failures), "windowMinutes": .integer(Int64(window / 60))]) { db, seq in
            if try ExaminerAccessRecord.fetchOne(db, "WHERE examiner = ?", examiner)?.isLocked == true {
                throw CaseStoreError.invalidInput("examiner \(examiner) is already locked out; nothing was written")
            }
            try CaseStore.updateAccess(db, examiner) { $0.lockedSeq = seq }
        }
    }

    /// The failed logins of `examiner` since `time` (for the desk's tests and `examiner list`).
    public func loginFailures(examiner: String, since time: Date) throws(CaseStoreError) -> Int {
        Int(try read { db in try db.integer("SELECT COUNT(*) FROM login_failure WHERE examiner = ? AND time > ?", examiner, CaseStore.accessTime(time)) } ?? 0)
    }

    /// Lifts the lockout of `examiner` (`examiner.unlock` {`id`}). Only a supervisor may; the
    /// failures counted so far are cleared so the next wrong password does not lock again.
    @discardableResult
    public func unlockExaminer(_ examiner: String, by: String) throws(CaseStoreError) -> SignedEntry {
        try read { db in try CaseStore.requireSupervisor(db, by, to: "unlock an examiner") }
        return try append(examiner: by, action: .examinerUnlock, payload: ["id": .string(examiner)]) { db, _ in
            guard try ExaminerAccessRecord.fetchOne(db, "WHERE examiner = ?", examiner)?.isLocked == true else {
                throw CaseStoreError.invalidInput("examiner \(examiner) is not locked out; nothing was written")
            }
            try CaseStore.updateAccess(db, examiner) { $0.lockedSeq = nil }
            try db.execute("DELETE FROM login_failure WHERE examiner = ?", examiner)
        }
    }

    /// Records a token of `examiner` by the SHA-256 of its text (`examiner.token.issue`
    /// {`id`, `token`, `label`}). The examiner may issue their own; a supervisor anyone's.
    @discardableResult
    public func addToken(id: String, sha256: String, label: String, examiner: String, by: String) throws(CaseStoreError) -> SignedEntry {
        try CaseStore.checkText(label, "--label")
        try read { db in
            guard try CaseStore.examinerExists(db, examiner) else { throw CaseStoreError.unknownExaminer(examiner) }
            try CaseStore.requireSelfOrSupervisor(db, by, for: examiner, to: "issue a token for another examiner")
        }
        return try append(examiner: by, action: .examinerTokenIssue,
                          payload: ["id": .string(examiner), "token": .string(id), "label": .string(label)]) { db, seq in
            try AccessTokenRecord(id: id, examiner: examiner, sha256: sha256, label: label, seq: seq).insert(db)
        }
    }

    /// Revokes token `id` (`examiner.token.revoke` {`id`, `token`}): its examiner or a supervisor.
    @discardableResult
    public func revokeToken(id: String, by: String) throws(CaseStoreError) -> SignedEntry {
        let token = try read { db in try AccessTokenRecord.fetchOne(db, "WHERE id = ?", id) }
        guard let token else {
            throw .invalidInput("token \(id) is not a token of this case: list them with `custody examiner tokens`; nothing was written")
        }
        guard token.isActive else { throw .invalidInput("token \(id) was already revoked at entry \(token.revokedSeq!); nothing was written") }
        try read { db in try CaseStore.requireSelfOrSupervisor(db, by, for: token.examiner, to: "revoke another examiner's token") }
        return try append(examiner: by, action: .examinerTokenRevoke, payload: ["id": .string(token.examiner), "token": .string(id)]) { db, seq in
            try db.execute("UPDATE access_token SET revokedSeq = ? WHERE id = ? AND revokedSeq IS NULL", seq, id)
        }
    }

    /// The tokens of `examiner` (every examiner's when nil), in the order they were issued.
    public func tokens(examiner: String? = nil) throws(CaseStoreError) -> [AccessTokenRecord] {
        try read { db in
            if let examiner { return try AccessTokenRecord.fetchAll(db, "WHERE examiner = ? ORDER BY seq", examiner) }
            return try AccessTokenRecord.fetchAll(db, "ORDER BY seq")
        }
    }

    /// The token whose text has SHA-256 `sha256` (active or not), nil when none has.
    public func token(sha256: String) throws(CaseStoreError) -> AccessTokenRecord? {
        try read { db in try AccessTokenRecord.fetchOne(db, "WHERE sha256 = ?", sha256) }
    }

    /// A failure's time as stored: UTC, whole seconds, so that text order is time order.
    static func accessTime(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
