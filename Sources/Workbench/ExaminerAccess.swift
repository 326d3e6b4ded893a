import ByteText
import CaseStore
import Crypto
import Foundation
import HummingbirdBcrypt
import Ledger

/// What a route or action of the desk needs (docs/DESK.md, "Roles"). Every desk route names
/// one; `ExaminerRole.permissions` says which roles hold it.
public enum Permission: String, CaseIterable, Sendable {
    /// Search, item pages, the tree, the dashboard: every role.
    case read
    /// Register and describe items, print labels: clerk, technician, supervisor.
    case catalog
    /// Move, check out, check in, audit, request disposal: clerk, technician, supervisor.
    case custody
    /// Read cards from the station's readers: technician, supervisor.
    case readCards
    /// Approve disposal and return (two-person rule): supervisor.
    case approve
    /// Manage examiners, passwords, tokens, lockouts and stations: supervisor.
    case manageUsers
    /// Download the bundle and the printed records: every role.
    case download
}

extension ExaminerRole {
    /// The permissions of this role (docs/DESK.md, "Roles"): a prosecutor only reads and
    /// downloads.
    public var permissions: Set<Permission> {
        switch self {
        case .prosecutor: [.read, .download]
        case .clerk: [.read, .download, .catalog, .custody]
        case .technician: [.read, .download, .catalog, .custody, .readCards]
        case .supervisor: Set(Permission.allCases)
        }
    }

    public func may(_ permission: Permission) -> Bool { permissions.contains(permission) }
}

/// Passwords, tokens and lockouts of the case's examiners (docs/DESK.md, "Access"): the use
/// cases behind `custody examiner password|token|tokens|unlock` and the desk's login.
public enum ExaminerAccess {
    /// bcrypt's cost: 2^12 rounds, about a quarter of a second a check on a lab PC, which makes
    /// guessing slow without making a login wait.
    public static let bcryptCost: UInt8 = 12
    /// The shortest password accepted, in characters.
    public static let minimumPasswordLength = 12
    /// Failed logins of one examiner within `lockoutWindow` that lock them out until a
    /// supervisor unlocks them.
    public static let lockoutFailures = 5
    /// Seconds over which failed logins are counted: 15 minutes.
    public static let lockoutWindow: TimeInterval = 15 * 60

    /// A hash of no one's password, checked when the examiner is unknown or has none, so that a
    /// login takes as long whether the examiner exists or not.
    static let absentPasswordHash = Bcrypt.hash(randomText(bytes: 16), cost: bcryptCost)

    /// Sets `examiner`'s password (`examiner.password`, attributed to `by`): at least
    /// `minimumPasswordLength` characters, stored as a bcrypt hash only.
    @discardableResult
    public static func setPassword(_ password: String, examiner: String, by: String, store: CaseStore) throws(WorkbenchError) -> SignedEntry {
        guard password.count >= minimumPasswordLength else {
            throw WorkbenchError("the password of \(examiner) is \(password.count) characters long: use at least \(minimumPasswordLength); nothing was written")
        }
        guard password.utf8.count <= 72 else {
            throw WorkbenchError("the password of \(examiner) is longer than bcrypt's 72 bytes: use a shorter one; nothing was written")
        }
        let hash = Bcrypt.hash(password, cost: bcryptCost)
        return try inCase { () throws(CaseStoreError) in try store.setPasswordHash(hash, examiner: examiner, by: by) }
    }

    /// What a login attempt came to.
    public enum LoginResult: Sendable, Equatable {
        /// The password is right: the examiner and the desk language they chose (nil: the case's).
        case accepted(ExaminerRecord, language: String?)
        /// Unknown examiner, no password set, or a wrong password: the same answer for all.
        case refused
        /// A wrong password that locked the examiner out (`examiner.lock`): shown as `refused`,
        /// but a desk ends the examiner's sessions.
        case refusedAndLocked
        /// The password is right but the examiner is locked out (a supervisor unlocks).
        case locked(ExaminerRecord)
    }

    /// Checks `password` for `examiner`. Runs bcrypt once whatever the case (a hash of no one's
    /// password when the examiner is unknown or has none), records a failure, and locks the
    /// examiner out (`examiner.lock`) at `lockoutFailures` failures within `lockoutWindow`.
    public static func authenticate(examiner: String, password: String, store: CaseStore, now: Date = Date()) throws(WorkbenchError) -> LoginResult {
        let (record, access) = try inCase { () throws(CaseStoreError) in
            (try store.examiner(id: examiner), try store.access(examiner: examiner))
        }
        let hash = record == nil ? nil : access?.passwordHash
        let matches = Bcrypt.verify(password, hash: hash ?? absentPasswordHash) && hash != nil
        guard let record, matches else {
            // What was typed is kept to the longest examiner id, so that the table cannot be
            // filled with a megabyte a try.
            let lock = try inCase { () throws(CaseStoreError) in
                try store.recordLoginFailure(examiner: String(examiner.prefix(64)), time: now, limit: lockoutFailures, window: lockoutWindow)
            }
            return lock == nil ? .refused : .refusedAndLocked
        }
        if access?.isLocked == true { return .locked(record) }
        return .accepted(record, language: access?.language)
    }

    /// The examiner a script's token belongs to: nil for an unknown or revoked token, or one
    /// whose examiner is locked out.
    public static func authenticate(token: String, store: CaseStore) throws(WorkbenchError) -> ExaminerRecord? {
        try inCase { () throws(CaseStoreError) in
            guard let row = try store.token(sha256: tokenHash(token)), row.isActive,
                  try store.access(examiner: row.examiner)?.isLocked != true else { return nil }
            return try store.examiner(id: row.examiner)
        }
    }

    /// A new token for `examiner` (`examiner.token.issue`, attributed to `by`): the token's
    /// text, shown once and stored only as its SHA-256, and its row.
    public static func issueToken(examiner: String, label: String, by: String, store: CaseStore) throws(WorkbenchError) -> (token: String, record: AccessTokenRecord, entry: SignedEntry) {
        let id = "tok-" + randomHex(bytes: 4)
        let token = "custody_" + randomHex(bytes: 32)
        let entry = try inCase { () throws(CaseStoreError) in
            try store.addToken(id: id, sha256: tokenHash(token), label: label, examiner: examiner, by: by)
        }
        let record = AccessTokenRecord(id: id, examiner: examiner, sha256: tokenHash(token), label: label, seq: entry.entry.sequence)
        return (token, record, entry)
    }

    /// Hex SHA-256 of a token's text, as table `access_token` keeps it.
    static func tokenHash(_ token: String) -> String {
        Hex.lowercase(SHA256.hash(data: Data(token.utf8)))
    }

    /// `bytes` random bytes from the system's generator, as lowercase hex.
    public static func randomHex(bytes: Int) -> String {
        Hex.lowercase(randomBytes(bytes))
    }

    /// `bytes` random bytes as base64url text without padding (session ids, CSRF tokens).
    public static func randomText(bytes: Int) -> String {
        Data(randomBytes(bytes)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}

/// One token as `custody examiner tokens --json` lists it (schema custody.tokens/1): never the
/// token's text or hash.
public struct TokenOutput: Encodable, Sendable {
    public var id: String
    public var examiner: String
    public var label: String
    public var issuedAt: Int64
    public var revokedAt: Int64?

    public init(_ t: AccessTokenRecord) {
        id = t.id; examiner = t.examiner; label = t.label; issuedAt = t.seq; revokedAt = t.revokedSeq
    }
}

/// One examiner as the desk's examiners page and `GET /api/v1/examiners` show them (schema
/// custody.desk.examiners/1): who they are, whether a password is set, whether they are
/// locked out and their tokens; never a hash or a token's text.
public struct ExaminerAccessOutput: Encodable, Sendable {
    public var id: String
    public var name: String
    public var role: String
    /// The `examiner.password` entry that set the password, nil while none is set.
    public var passwordSetAt: Int64?
    /// The `examiner.lock` entry while the examiner is locked out, nil otherwise.
    public var lockedAt: Int64?
    public var tokens: [TokenOutput]
}

extension ExaminerAccess {
    /// The case's examiners with their password, lockout and tokens, in roster order.
    public static func roster(_ store: CaseStore) throws(WorkbenchError) -> [ExaminerAccessOutput] {
        try inCase { () throws(CaseStoreError) in
            let tokens = Dictionary(grouping: try store.tokens(), by: \.examiner)
            return try store.examiners().map { examiner throws(CaseStoreError) in
                let access = try store.access(examiner: examiner.id)
                return ExaminerAccessOutput(id: examiner.id, name: examiner.name, role: examiner.role.rawValue,
                                            passwordSetAt: access?.passwordSeq, lockedAt: access?.lockedSeq,
                                            tokens: (tokens[examiner.id] ?? []).map(TokenOutput.init))
            }
        }
    }
}
