import Foundation
import Ledger
import SIMCard
import Synchronization
import Wording

/// One case, in one of two backends (docs/CASE-STORE.md, "Backends"): a folder holding
/// `DIR/case.sqlite` (GRDB, WAL) beside `DIR/station.key` (the case's own Ed25519 station key,
/// bound in entry 0, 0600) and `DIR/station.pub` (its verifier key, the trust anchor for
/// `ledger verify`); or a PostgreSQL database shared by several stations, each signing with its
/// own key file. Entries are signed by the station key the store was opened with: the case's
/// own, or another station's added by `station.add`. Every change and its signed ledger entry
/// commit in one transaction.
public final class CaseStore: Sendable {
    public static let databaseName = "case.sqlite"
    public static let keyName = "station.key"
    public static let publicKeyName = "station.pub"
    public static let photosName = "photos"
    /// Seconds a command waits for another process's write before reporting the store locked.
    /// `CUSTODY_BUSY_TIMEOUT` overrides it (tests).
    public static let busyTimeout: Double = ProcessInfo.processInfo.environment["CUSTODY_BUSY_TIMEOUT"].flatMap(Double.init) ?? 5
    /// Schema version this build writes.
    public static var schemaVersion: Int { Schema.version }

    /// The case folder, or for a PostgreSQL case its URL without the password.
    public let directory: String
    /// The SQLite file, or for a PostgreSQL case its URL without the password.
    public let databasePath: String
    public let caseRecord: CaseRecord
    let database: any CaseDatabase
    /// The station signing key, nil when its file is absent or unreadable (read-only use).
    let key: StationKey?
    let keyProblem: String?
    /// The signing key's file when it is not the case's own `station.key`.
    let stationKeyFile: String?
    /// The last `simStatuses()` made and the ledger head it was made at (`sharedSIMStatuses`).
    let simStatusCache = Mutex<(head: Int64, statuses: [SIMStatus])?>(nil)

    /// Checkpoint origin: `custody.case/<case id>`.
    public var origin: String { "custody.case/\(caseRecord.id)" }
    public var caseID: String { caseRecord.id }

    init(directory: String, database: any CaseDatabase, caseRecord: CaseRecord, key: StationKey?, keyProblem: String?, stationKeyFile: String? = nil) {
        self.directory = directory
        self.databasePath = database.location
        self.database = database
        self.caseRecord = caseRecord
        self.key = key
        self.keyProblem = keyProblem
        self.stationKeyFile = stationKeyFile
    }

    static func path(_ dir: String, _ name: String) -> String { (dir as NSString).appendingPathComponent(name) }

    public func path(_ relative: String) -> String { CaseStore.path(directory, relative) }

    // MARK: Opening

    /// Whether `store` names a PostgreSQL case (`postgres://…` or `postgresql://…`) rather than
    /// a case folder.
    public static func isPostgres(_ store: String) -> Bool {
        store.hasPrefix("postgres://") || store.hasPrefix("postgresql://")
    }

    /// Opens the case at `store`: a case folder, or a PostgreSQL URL. A PostgreSQL case has no
    /// folder and so no `station.key` of its own: every station signs with its key file.
    /// `readOnly`: the command only reads (a case folder is then opened read-only, so that it
    /// works on a full disk, see `SQLiteDatabase.readingConnection`; appending fails).
    public static func open(store: String, stationKeyFile: String? = nil, readOnly: Bool = false) throws(CaseStoreError) -> CaseStore {
        guard isPostgres(store) else { return try open(directory: store, stationKeyFile: stationKeyFile, readOnly: readOnly) }
        let database = try PostgresDatabase(url: store, create: false)
        let record = try caseRecord(in: database)
        let (key, problem) = stationKeyFile.map(loadStationKey)
            ?? (nil, "a PostgreSQL case has no station.key of its own: pass this station's key with --station-key or CUSTODY_STATION_KEY (make one with `custody station init`)")
        return CaseStore(directory: database.location, database: database, caseRecord: record, key: key, keyProblem: problem, stationKeyFile: stationKeyFile)
    }

    /// The case row of a store that was opened.
    static func caseRecord(in database: any CaseDatabase) throws(CaseStoreError) -> CaseRecord {
        let record: CaseRecord?
        do { record = try database.read { db in try CaseRecord.fetchOne(db) } } catch { throw database.map(error) }
        guard let record else {
            throw .interruptedInit("case store \(database.location) holds no case (an interrupted `custody case init`?): remove it and run `custody case init` again")
        }
        return record
    }

    /// Opens the case in `directory`, to sign with the station key in `stationKeyFile`, or with
    /// the case's own `station.key` when nil. Whether that key may sign is checked by every
    /// append (`stationProblem`), not here: reading needs no active key.
    public static func open(directory: String, stationKeyFile: String? = nil, readOnly: Bool = false) throws(CaseStoreError) -> CaseStore {
        let dbPath = path(directory, databaseName)
        guard FileManager.default.fileExists(atPath: dbPath) else { throw .missingCase(directory) }
        let database = try SQLiteDatabase(path: dbPath, readOnly: readOnly)
        let record = try caseRecord(in: database)
        let (key, problem) = stationKeyFile.map(loadStationKey) ?? loadCaseKey(directory: directory, record: record)
        return CaseStore(directory: directory, database: database, caseRecord: record, key: key, keyProblem: problem, stationKeyFile: stationKeyFile)
    }

    /// The case's own `DIR/station.key`, which must be the key bound in entry 0.
    static func loadCaseKey(directory: String, record: CaseRecord) -> (StationKey?, String?) {
        let keyPath = path(directory, keyName)
        guard let text = try? String(contentsOfFile: keyPath, encoding: .utf8) else {
            return (nil, "cannot read the station key \(keyPath): restore it (it signs every entry), run on the station that holds it, or pass another station's key with --station-key")
        }
        do {
            let k = try StationKey(parsing: text)
            guard k.verifierKey.description == record.stationKey else {
                return (nil, "\(keyPath) is not the station key bound in this case's ledger (key \(k.keyID), ledger \(record.stationKey)): restore the case's own station.key")
            }
            return (k, nil)
        } catch {
            return (nil, "\(keyPath) is not a station key (\(error)): restore the case's own station.key")
        }
    }

    /// A station key chosen with `--station-key` / `CUSTODY_STATION_KEY`.
    static func loadStationKey(_ file: String) -> (StationKey?, String?) {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            return (nil, "cannot read the station key \(file): check --station-key / CUSTODY_STATION_KEY (a station makes its key with `custody station init`)")
        }
        do { return (try StationKey(parsing: text), nil) } catch {
            return (nil, "\(file) is not a station key (\(error)): check --station-key / CUSTODY_STATION_KEY")
        }
    }

    /// The examiner who opens a case (becomes its first supervisor).
    public struct FirstExaminer: Sendable {
        public var id: String
        public var name: String
        public init(id: String, name: String) { self.id = id; self.name = name }
    }

    /// What a new case is: its fields and the examiner who opens it.
    public struct NewCase: Sendable {
        public var name: String
        public var agency: String
        public var authority: String
        public var timeZone: String
        /// The language of the case's documents (entry 0's `case.language`).
        public var language: Language
        public var examiner: FirstExaminer
        public var time: LedgerTime
        /// `language` nil: Vietnamese for a case in Vietnam's time zone, else English
        /// (`Language.defaultForNewCase`).
        public init(name: String, agency: String, authority: String, timeZone: String, language: Language? = nil,
                    examiner: FirstExaminer, time: LedgerTime = LedgerTime(Date())) {
            self.name = name; self.agency = agency; self.authority = authority; self.timeZone = timeZone; self.examiner = examiner; self.time = time
            self.language = language ?? TimeZone(identifier: timeZone).map { Language.defaultForNewCase(timeZone: $0) } ?? .en
        }

        func validate() throws(CaseStoreError) {
            for (field, value) in [("--name", name), ("--agency", agency), ("--authority", authority), ("--examiner", examiner.id), ("--examiner-name", examiner.name)]
            where value.trimmingCharacters(in: .whitespaces).isEmpty {
                throw .invalidInput("\(field) must not be empty")
            }
            guard TimeZone(identifier: timeZone) != nil else {
                throw .invalidInput("--time-zone \(timeZone) is not an IANA time zone: use a name such as Asia/Ho_Chi_Minh")
            }
            try validateID(examiner.id, what: "examiner id")
            for (field, value) in [("--name", name), ("--agency", agency), ("--authority", authority), ("--examiner-name", examiner.name)] {
                try checkText(value, field)
            }
        }
    }

    /// Creates a case in `directory` (created if needed): station key, database, entry 0.
    public static func create(directory: String, name: String, agency: String, authority: String, timeZone: String,
                              examiner: FirstExaminer, time: LedgerTime = LedgerTime(Date())) throws(CaseStoreError) -> CaseStore {
        try create(directory: directory, NewCase(name: name, agency: agency, authority: authority, timeZone: timeZone, examiner: examiner, time: time))
    }

    public static func create(directory: String, _ new: NewCase) throws(CaseStoreError) -> CaseStore {
        try new.validate()
        let fm = FileManager.default
        let dbPath = path(directory, databaseName), keyPath = path(directory, keyName), pubPath = path(directory, publicKeyName)
        if fm.fileExists(atPath: dbPath) { throw .alreadyACase(directory) }
        if fm.fileExists(atPath: keyPath) {
            throw .interruptedInit("\(directory) holds a station.key but no case.sqlite (an interrupted `custody case init`?): choose another folder or remove \(keyPath) if it signs nothing")
        }
        do { try fm.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw .io("cannot create the case folder \(directory): \(error.localizedDescription); choose another folder")
        }
        let caseID = UUID().uuidString.lowercased()
        let key = try caseKey(caseID)
        var created: [String] = []
        func cleanUp() { for p in created { try? fm.removeItem(atPath: p) } }
        do {
            try writeExclusive(keyPath, Array(key.privateKeyFile.utf8), mode: 0o600)
            created.append(keyPath)
            try writeExclusive(pubPath, Array((key.verifierKey.description + "\n").utf8), mode: 0o644)
            created.append(pubPath)
            created += [dbPath, dbPath + "-wal", dbPath + "-shm"]
            let database = try SQLiteDatabase(path: dbPath)
            let record = try writeGenesis(database, caseID: caseID, new, key: key)
            return CaseStore(directory: directory, database: database, caseRecord: record, key: key, keyProblem: nil)
        } catch {
            cleanUp()
            throw error
        }
    }

    /// Creates a case in the empty PostgreSQL database `url`. Its first station key is written to
    /// `keyFile` (0600, never overwritten; default `defaultStationKeyFile(caseID:station: "case")`)
    /// with the verifier key beside it (`.pub`); the station signs with it through
    /// `--station-key`.
    public static func create(postgres url: String, keyFile: String?, _ new: NewCase) throws(CaseStoreError) -> (CaseStore, keyFile: String) {
        try new.validate()
        let caseID = UUID().uuidString.lowercased()
        let keyFile = keyFile ?? defaultStationKeyFile(caseID: caseID, station: "case")
        let publicFile = (keyFile.hasSuffix(".key") ? String(keyFile.dropLast(4)) : keyFile) + ".pub"
        let fm = FileManager.default
        for f in [keyFile, publicFile] where fm.fileExists(atPath: f) {
            throw .io("\(f) already exists: Custody never overwrites a key; choose another --station-key")
        }
        let database = try PostgresDatabase(url: url, create: true)
        let key = try caseKey(caseID)
        try writeKeyFiles(key, keyFile: keyFile, publicFile: publicFile)
        do {
            let record = try writeGenesis(database, caseID: caseID, new, key: key)
            return (CaseStore(directory: database.location, database: database, caseRecord: record, key: key, keyProblem: nil, stationKeyFile: keyFile), keyFile)
        } catch {
            for f in [keyFile, publicFile] { try? fm.removeItem(atPath: f) }
            throw error
        }
    }

    /// The case's first station key, named `custody.case/<case id>`.
    static func caseKey(_ caseID: String) throws(CaseStoreError) -> StationKey {
        do { return try StationKey.generate(name: "custody.case/\(caseID)") } catch { throw .keyProblem("cannot make a station key: \(error)") }
    }

    /// Writes `key` to `keyFile` (0600) and its verifier key to `publicFile` (0644), never
    /// overwriting; the key's folder is created 0700 when missing.
    static func writeKeyFiles(_ key: StationKey, keyFile: String, publicFile: String) throws(CaseStoreError) {
        let fm = FileManager.default
        let folder = (keyFile as NSString).deletingLastPathComponent
        if !folder.isEmpty, !fm.fileExists(atPath: folder) {
            do { try fm.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]) } catch {
                throw .io("cannot create \(folder) for the station key: \(error.localizedDescription); choose another key file")
            }
        }
        try writeExclusive(keyFile, Array(key.privateKeyFile.utf8), mode: 0o600)
        do { try writeExclusive(publicFile, Array((key.verifierKey.description + "\n").utf8), mode: 0o644) } catch {
            try? fm.removeItem(atPath: keyFile)
            throw error
        }
    }

    /// Entry 0 and the rows it implies (case, first supervisor, first station), in one transaction.
    static func writeGenesis(_ database: any CaseDatabase, caseID: String, _ new: NewCase, key: StationKey) throws(CaseStoreError) -> CaseRecord {
        let record = CaseRecord(id: caseID, name: new.name, agency: new.agency, authority: new.authority, timeZone: new.timeZone,
                                stationKey: key.verifierKey.description, createdAt: new.time.description)
        let genesis: SignedEntry
        do {
            genesis = try LedgerWriter.genesis(
                caseID: caseID,
                caseFields: ["name": .string(new.name), "agency": .string(new.agency), "authority": .string(new.authority),
                             "timeZone": .string(new.timeZone), "language": .string(new.language.rawValue)],
                examiners: [["id": .string(new.examiner.id), "name": .string(new.examiner.name), "role": .string(ExaminerRole.supervisor.rawValue)]],
                stations: [key.verifierKey], examiner: new.examiner.id, time: new.time, key: key)
        } catch { throw CaseStoreError.ledger("\(error)") }
        do {
            try database.write { db in
                try record.insert(db)
                try ExaminerRecord(id: new.examiner.id, name: new.examiner.name, role: .supervisor, seq: 0).insert(db)
                try StationRecord(keyID: key.keyID.hex, name: key.name, key: key.verifierKey.description, addedSeq: 0).insert(db)
                try LedgerEntryRecord(seq: 0, line: Data(genesis.lineBytes)).insert(db)
            }
        } catch { throw database.map(error) }
        return record
    }

    static func writeExclusive(_ path: String, _ bytes: [UInt8], mode: mode_t) throws(CaseStoreError) {
        let fd = Foundation.open(path, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard fd >= 0 else { throw .io("cannot create \(path): \(String(cString: strerror(errno))); check the folder's permissions") }
        defer { close(fd) }
        _ = fchmod(fd, mode)
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw .io("cannot write \(path): \(String(cString: strerror(errno))); check free space") }
            off += n
        }
        guard fsync(fd) == 0 else { throw .io("cannot write \(path): \(String(cString: strerror(errno))); check free space") }
    }

    static func validateID(_ id: String, what: String) throws(CaseStoreError) {
        let ok = !id.isEmpty && id.utf8.count <= 64 && id.unicodeScalars.allSatisfy {
            $0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.@".unicodeScalars.contains($0)
        }
        guard ok else { throw .invalidInput("\(what) \"\(id)\" must be 1–64 letters, digits, '-', '_', '.', '@'") }
    }

    func map(_ error: any Error) -> CaseStoreError { database.map(error) }

    // MARK: Appending

    /// Resolves the examiner from an option or CUSTODY_EXAMINER; nil/empty → `.noExaminer`.
    public static func examinerID(_ option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws(CaseStoreError) -> String {
        if let option, !option.isEmpty { return option }
        if let env = environment["CUSTODY_EXAMINER"], !env.isEmpty { return env }
        throw .noExaminer
    }

    func signingKey() throws(CaseStoreError) -> StationKey {
        guard let key else { throw .keyProblem(keyProblem ?? "no station key") }
        return key
    }

    /// Appends one entry and applies `change` in the same immediate transaction. `change`
    /// gets the database and the new entry's sequence number; it runs before the entry is
    /// inserted, so a throw leaves neither. The examiner must be in the roster and the signing
    /// key an active station (checked inside the transaction). With
    /// `expectedSequence`, the entry is written only if it gets that sequence number (nothing
    /// was appended since the caller read the ledger), else `.caseChanged`.
    @discardableResult
    public func append(examiner: String, action: LedgerAction, subjects: [String] = [],
                       payload: [String: CanonicalJSON] = [:], time: LedgerTime? = nil, expectedSequence: Int64? = nil) throws(CaseStoreError) -> SignedEntry {
        try append(examiner: examiner, action: action, subjects: subjects, payload: payload, time: time, expectedSequence: expectedSequence) { _, _ in }
    }

    /// `append` with the store change that the entry records.
    @discardableResult
    func append(examiner: String, action: LedgerAction, subjects: [String] = [],
                payload: [String: CanonicalJSON] = [:], time: LedgerTime? = nil, expectedSequence: Int64? = nil,
                change: @escaping (any SQLExecutor, Int64) throws -> Void) throws(CaseStoreError) -> SignedEntry {
        try append(examiner: examiner, subjects: subjects, time: time, expectedSequence: expectedSequence) { _ in EntryDraft(action: action, payload: payload, change: change) }
    }

    /// What an entry will say and do, decided inside the append's transaction.
    struct EntryDraft {
        var action: LedgerAction
        var payload: [String: CanonicalJSON]
        /// Applied with the new entry's sequence number, before the entry is inserted.
        var change: (any SQLExecutor, Int64) throws -> Void
    }

    /// Appends one entry whose action and payload depend on the database: `decide` runs first
    /// inside the immediate transaction, so what it reads cannot change before the entry is
    /// written.
    func append(examiner: String, subjects: [String], time: LedgerTime? = nil, expectedSequence: Int64? = nil,
                decide: (any SQLExecutor) throws -> EntryDraft) throws(CaseStoreError) -> SignedEntry {
        let key = try signingKey()
        let deadline = Date().addingTimeInterval(CaseStore.retryWindow)
        var pause = 0.2
        // Entries whose commit was cut off (the connection was lost): each may or may not be
        // stored. The next attempt looks for them first, under the write lock, which it gets
        // only once the cut-off transaction has ended on the server either way.
        var unconfirmed = [SignedEntry]()
        while true {
            var attempted: SignedEntry?
            do {
                return try database.write { db in
                    for e in unconfirmed where try db.row("SELECT line FROM ledger_entry WHERE seq = ?", e.entry.sequence)?.bytes(0) == e.lineBytes {
                        return e
                    }
                    guard let role = try CaseStore.examinerRole(db, examiner) else { throw CaseStoreError.unknownExaminer(examiner) }
                    if let problem = try stationProblem(db, key) { throw problem }
                    var draft = try decide(db)
                    if role == .prosecutor, !LedgerAction.prosecutorActions.contains(draft.action) {
                        throw CaseStoreError.notPermitted("examiner \(examiner) is a prosecutor, who only reads the case: \(draft.action) needs a technician, clerk or supervisor; nothing was written")
                    }
                    draft.payload = EnteredText.annotate(draft.payload)
                    try CaseStore.checkEntryText(examiner: examiner, subjects: subjects, payload: draft.payload)
                    let head = try CaseStore.head(db)
                    if let expectedSequence, head.seq + 1 != expectedSequence {
                        throw CaseStoreError.caseChanged(expected: expectedSequence, found: head.seq + 1)
                    }
                    let entry: SignedEntry
                    do {
                        entry = try CaseStore.nextEntry(after: head, time: time ?? LedgerTime(Date()), examiner: examiner,
                                                        action: draft.action, subjects: subjects, payload: draft.payload, key: key)
                    } catch let e as CaseStoreError { throw e } catch { throw CaseStoreError.ledger("\(error)") }
                    try draft.change(db, entry.entry.sequence)
                    try CaseStore.indexEntryText(db, entry.entry.sequence, action: draft.action, subjects: subjects, payload: draft.payload)
                    try CaseStore.indexSubjects(db, entry.entry.sequence, subjects: subjects)
                    try db.execute("INSERT INTO ledger_entry (seq, line) VALUES (?, ?)", entry.entry.sequence, entry.lineBytes)
                    attempted = entry
                    return entry
                }
            } catch {
                let failure = map(error)
                guard case .unavailable = failure, Date() < deadline else { throw failure }
                if let attempted { unconfirmed.append(attempted) }
                Thread.sleep(forTimeInterval: pause)
                pause = min(pause * 2, 2)
            }
        }
    }

    /// How long an append keeps retrying while the store is unavailable (a PostgreSQL server
    /// restarting, a connection lost): `CUSTODY_RETRY_SECONDS`, else 60 s.
    public static let retryWindow: Double = ProcessInfo.processInfo.environment["CUSTODY_RETRY_SECONDS"].flatMap(Double.init) ?? 60

    static func nextEntry(after head: Head, time: LedgerTime, examiner: String, action: LedgerAction,
                          subjects: [String], payload: [String: CanonicalJSON], key: StationKey) throws -> SignedEntry {
        try LedgerWriter.next(afterSequence: head.seq, hash: head.hash, time: time, examiner: examiner,
                              action: action, subjects: subjects, payload: payload, key: key)
    }

    /// What appending needs of the last entry: its sequence number and hash.
    struct Head {
        var seq: Int64
        var hash: SHA256Hash
    }

    /// The last entry, read inside the caller's transaction. Not a re-verification (that is
    /// `ledger verify`), but enough to chain from: the line has the stored-line frame
    /// (LEDGER.md §4), its stored hash is the SHA-256 of its body, and its body's `seq` is the
    /// row's `seq`.
    static func head(_ db: any SQLExecutor) throws -> Head {
        guard let row = try db.row("SELECT seq, line FROM ledger_entry ORDER BY seq DESC LIMIT 1") else {
            throw CaseStoreError.ledger("the case's ledger is empty: the store is damaged; run `custody ledger verify`")
        }
        let seq = try row.int64(0)
        let line = try row.bytes(1)
        func unreadable(_ why: String) -> CaseStoreError {
            .ledger("the last ledger entry (\(seq)) is unreadable (\(why)): run `custody ledger verify`")
        }
        guard let frame = StoredLine(line) else { throw unreadable("not a stored ledger line") }
        guard frame.bodySequence == seq else { throw unreadable("its body is not entry \(seq)") }
        guard SHA256Hash.of(LedgerEntry.domainPrefix, Array(frame.body)) == frame.hash else { throw unreadable("hash mismatch") }
        return Head(seq: seq, hash: frame.hash)
    }

    /// Whether `id` is in the roster.
    static func examinerExists(_ db: any SQLExecutor, _ id: String) throws -> Bool {
        try db.row("SELECT 1 FROM examiner WHERE id = ?", id) != nil
    }

    /// The role of examiner `id`, nil when not in the roster.
    static func examinerRole(_ db: any SQLExecutor, _ id: String) throws -> ExaminerRole? {
        guard let text = try db.string("SELECT role FROM examiner WHERE id = ?", id) else { return nil }
        return try ExaminerRole(stored: text, examiner: id)
    }

    /// Whether item `label` exists.
    static func itemExists(_ db: any SQLExecutor, _ label: String) throws -> Bool {
        try db.row("SELECT 1 FROM item WHERE label = ?", label) != nil
    }

    // MARK: Reading

    /// Every stored line, in sequence order.
    public func lineRecords() throws(CaseStoreError) -> [LedgerEntryRecord] {
        try read { db in try LedgerEntryRecord.fetchAll(db, "ORDER BY seq") }
    }

    /// Every entry, parsed (fails on an unreadable line: use `verify` to diagnose).
    public func entries() throws(CaseStoreError) -> [SignedEntry] {
        var out = [SignedEntry]()
        for r in try lineRecords() {
            do { out.append(try SignedEntry(line: Array(r.line))) } catch {
                throw .ledger("ledger entry \(r.seq) is unreadable (\(error)): run `custody ledger verify`")
            }
        }
        return out
    }

    /// Runs `body` in one read transaction (one consistent state of the store).
    func read<T>(_ body: (any SQLExecutor) throws -> T) throws(CaseStoreError) -> T {
        do { return try database.read(body) } catch { throw map(error) }
    }

    /// The language of the case's documents: entry 0's `case.language`, or English for a case
    /// opened before Custody had languages (its entry 0 has none).
    public func language() throws(CaseStoreError) -> Language {
        guard let line = try read({ db in try LedgerEntryRecord.fetchOne(db, "WHERE seq = 0") }) else {
            throw .ledger("the ledger has no entry 0: run `custody ledger verify`")
        }
        let genesis: SignedEntry
        do { genesis = try SignedEntry(line: Array(line.line)) } catch {
            throw .ledger("ledger entry 0 is unreadable (\(error)): run `custody ledger verify`")
        }
        guard let word = genesis.entry.payload["case"]?.objectValue?["language"] else { return .en }
        guard let text = word.stringValue, let language = Language(rawValue: text) else {
            throw .ledger("ledger entry 0 names case language \(word), which this Custody does not know: use a Custody that writes it")
        }
        return language
    }

    public func examiners() throws(CaseStoreError) -> [ExaminerRecord] {
        try read { db in try ExaminerRecord.fetchAll(db, "ORDER BY seq") }
    }

    /// The roster's examiner `id`, nil when not in the roster.
    public func examiner(id: String) throws(CaseStoreError) -> ExaminerRecord? {
        try read { db in try ExaminerRecord.fetchOne(db, "WHERE id = ?", id) }
    }

    public func items() throws(CaseStoreError) -> [ItemRecord] {
        try read { db in try ItemRecord.fetchAll(db, "ORDER BY seq, label") }
    }

    public func acquisitions() throws(CaseStoreError) -> [AcquisitionRecord] {
        try read { db in try AcquisitionRecord.fetchAll(db, "ORDER BY seq") }
    }

    /// The reads of one scope (identity or full), in entry order.
    public func acquisitions(scope: AcquisitionScope) throws(CaseStoreError) -> [AcquisitionRecord] {
        try read { db in try AcquisitionRecord.fetchAll(db, "WHERE scope = ? ORDER BY seq", scope.rawValue) }
    }

    public func item(_ label: String) throws(CaseStoreError) -> ItemRecord? {
        try read { db in try ItemRecord.fetchOne(db, "WHERE label = ?", label) }
    }
}

/// What an examiner may do (docs/DESK.md, "Roles"): a technician reads cards, a clerk keeps the
/// evidence store, a supervisor approves and manages the roster; a prosecutor only reads
/// (search, item pages, the bundle and records) and may sign no entry but their own password,
/// token and desk changes of access.
public enum ExaminerRole: String, Codable, Sendable, CaseIterable {
    case technician, clerk, supervisor, prosecutor
}
