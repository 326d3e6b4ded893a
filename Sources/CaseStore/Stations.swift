import Foundation
import Ledger

// Stations (docs/CASE-STORE.md, "Stations"): every station key the ledger binds is a row of
// table `station`, written in the same transaction as its `case.init` / `station.add` /
// `station.revoke` entry. An append checks its signing key against that table inside its own
// transaction, so a key revoked by another process a moment earlier can no longer sign.

extension CaseStore {
    /// The key name of station `name` of case `caseID`: `custody.station/<case id>/<name>`.
    public static func stationKeyName(caseID: String, station name: String) -> String {
        "custody.station/\(caseID)/\(name)"
    }

    /// The default key file of station `name` of a case, used when neither `--key-out` nor
    /// `CUSTODY_STATION_KEY` names one: `~/.config/custody/stations/<case id>/<name>.key`
    /// (`~` is `$HOME`, else the user's home directory).
    public static func defaultStationKeyFile(caseID: String, station name: String,
                                             environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? FileManager.default.homeDirectoryForCurrentUser.path
        return "\(home)/.config/custody/stations/\(caseID)/\(name).key"
    }

    /// Makes a new station key for station `name` of this case and writes it to `keyFile`
    /// (0600, never overwritten; its folder is created 0700 when missing) and its verifier key
    /// to `keyFile` without `.key`, plus `.pub` (0644). Writes nothing into the case: a
    /// supervisor adds the printed verifier key with `station add`.
    public func makeStationKey(name: String, keyFile: String) throws(CaseStoreError) -> (StationKey, publicFile: String) {
        try CaseStore.validateID(name, what: "station name")
        let publicFile = (keyFile.hasSuffix(".key") ? String(keyFile.dropLast(4)) : keyFile) + ".pub"
        let fm = FileManager.default
        for f in [keyFile, publicFile] where fm.fileExists(atPath: f) {
            throw .io("\(f) already exists: Custody never overwrites a key; choose another --key-out")
        }
        let key: StationKey
        do { key = try StationKey.generate(name: CaseStore.stationKeyName(caseID: caseID, station: name)) } catch {
            throw .keyProblem("cannot make a station key: \(error)")
        }
        try CaseStore.writeKeyFiles(key, keyFile: keyFile, publicFile: publicFile)
        return (key, publicFile)
    }

    /// Every station of the case, in the order they were added.
    public func stations() throws(CaseStoreError) -> [StationRecord] {
        try read { db in try StationRecord.fetchAll(db, "ORDER BY addedSeq, keyID") }
    }

    /// The verifier key entries are signed with, nil when the store has no usable key.
    public var signingKeyID: KeyID? { key?.keyID }

    /// Refuses now, before any work, a signing key that may not sign (the append checks again
    /// inside its transaction).
    public func checkStationMaySign() throws(CaseStoreError) {
        let key = try signingKey()
        let problem = try read { db in try stationProblem(db, key) }
        if let problem { throw problem }
    }

    /// Why `key` may not sign an entry now (nil when it is an active station of this case).
    /// Runs inside the caller's transaction.
    func stationProblem(_ db: any SQLExecutor, _ key: StationKey) throws -> CaseStoreError? {
        let row = try StationRecord.fetchOne(db, "WHERE keyID = ?", key.keyID.hex)
        guard let row, row.key == key.verifierKey.description else {
            return .notPermitted("station key \(key.keyID) (\(key.name)) is not a station of case \(caseID): a supervisor must add it with `custody station add` first; nothing was written")
        }
        if let revoked = row.revokedSeq {
            return .notPermitted("station key \(key.keyID) was revoked at entry \(revoked) (reason: \(row.revokeReason ?? "none given")): this station may no longer sign for case \(caseID); ask a supervisor; nothing was written")
        }
        return nil
    }

    /// Fails unless `examiner` is a supervisor (inside the caller's transaction).
    static func requireSupervisor(_ db: any SQLExecutor, _ examiner: String, to what: String) throws {
        if let who = try ExaminerRecord.fetchOne(db, "WHERE id = ?", examiner), who.role != .supervisor {
            throw CaseStoreError.notPermitted("examiner \(examiner) is a \(who.role.rawValue): only a supervisor may \(what); nothing was written")
        }
    }

    /// Registers another station's key (`station.add` {`key`, `name`}); it may sign from the
    /// next entry on. Only a supervisor may. Refused: a key made for another case, a key ID
    /// this case has ever bound (a revoked key never comes back), a name an active station has.
    @discardableResult
    public func addStation(_ key: VerifierKey, name: String, by examiner: String) throws(CaseStoreError) -> SignedEntry {
        try CaseStore.validateID(name, what: "station name")
        let prefix = "custody.station/"
        if key.name.hasPrefix(prefix) {
            let expected = CaseStore.stationKeyName(caseID: caseID, station: name)
            guard key.name == expected else {
                throw .invalidInput("station key \(key.keyID) is named \(key.name), not \(expected): it was made for another case or station (run `custody station init \(name)` for this case); nothing was written")
            }
        }
        return try append(examiner: examiner, subjects: []) { db in
            try CaseStore.requireSupervisor(db, examiner, to: "add stations")
            if let old = try StationRecord.fetchOne(db, "WHERE keyID = ?", key.keyID.hex) {
                let state = old.revokedSeq.map { "revoked at entry \($0)" } ?? "active"
                throw CaseStoreError.invalidInput("station key \(key.keyID) is already station \(old.name) (added at entry \(old.addedSeq), \(state)): a key is added once; make a new one with `custody station init`; nothing was written")
            }
            if let same = try StationRecord.fetchOne(db, "WHERE name = ? AND revokedSeq IS NULL", name) {
                throw CaseStoreError.invalidInput("station name \(name) is taken by active station \(same.keyID): choose another name, or revoke that station first; nothing was written")
            }
            return EntryDraft(action: .stationAdd, payload: ["key": .string(key.description), "name": .string(name)]) { db, seq in
                try StationRecord(keyID: key.keyID.hex, name: name, key: key.description, addedSeq: seq).insert(db)
            }
        }
    }

    /// Revokes an active station (`station.revoke` {`station`, `reason`}): its key may not sign
    /// from the next entry on. Only a supervisor may; the case's last active key is refused.
    @discardableResult
    public func revokeStation(_ keyID: KeyID, reason: String, by examiner: String) throws(CaseStoreError) -> SignedEntry {
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw .invalidInput("--reason must not be empty") }
        return try append(examiner: examiner, subjects: []) { db in
            try CaseStore.requireSupervisor(db, examiner, to: "revoke stations")
            guard let station = try StationRecord.fetchOne(db, "WHERE keyID = ?", keyID.hex) else {
                throw CaseStoreError.invalidInput("no station \(keyID) in case \(self.caseID): check the key ID (`custody station list`); nothing was written")
            }
            if let revoked = station.revokedSeq {
                throw CaseStoreError.invalidInput("station \(keyID) (\(station.name)) was already revoked at entry \(revoked); nothing was written")
            }
            let active = try db.integer("SELECT COUNT(*) FROM station WHERE revokedSeq IS NULL") ?? 0
            guard active > 1 else {
                throw CaseStoreError.notPermitted("station \(keyID) (\(station.name)) is the case's last active station key: revoking it would leave no key that may sign; add another station first (`custody station add`); nothing was written")
            }
            return EntryDraft(action: .stationRevoke, payload: ["station": .string(keyID.hex), "reason": .string(reason)]) { db, seq in
                try db.execute("UPDATE station SET revokedSeq = ?, revokeReason = ? WHERE keyID = ?", seq, reason, keyID.hex)
            }
        }
    }
}

extension StationRecord {
    /// The `station` table the ledger implies, from its `case.init`, `station.add` and
    /// `station.revoke` entries in order (other entries are ignored), and the first entry the
    /// table cannot represent (a key bound twice, a revoke of a key that is not active).
    static func derived(from entries: [CaseStore.RegistryEntry]) -> (stations: [StationRecord], problem: String?) {
        var stations = [StationRecord]()
        var index = [String: Int]()
        var problem: String?
        func bind(_ key: VerifierKey, name: String, seq: Int64) {
            guard index[key.keyID.hex] == nil else {
                problem = problem ?? "entry \(seq) binds station key \(key.keyID) a second time"
                return
            }
            index[key.keyID.hex] = stations.count
            stations.append(StationRecord(keyID: key.keyID.hex, name: name, key: key.description, addedSeq: seq))
        }
        for e in entries {
            switch e.action {
            case .caseInit:
                for k in e.payload["stations"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
                    if let key = try? VerifierKey(parsing: k) { bind(key, name: key.name, seq: e.sequence) }
                }
            case .stationAdd:
                let p = e.payload
                if let key = p["key"]?.stringValue.flatMap({ try? VerifierKey(parsing: $0) }) {
                    bind(key, name: p["name"]?.stringValue ?? key.name, seq: e.sequence)
                }
            case .stationRevoke:
                let id = e.payload["station"]?.stringValue ?? ""
                guard let i = index[id], stations[i].revokedSeq == nil else {
                    problem = problem ?? "entry \(e.sequence) revokes station \(id), which is not active"
                    continue
                }
                stations[i].revokedSeq = e.sequence
                stations[i].revokeReason = e.payload["reason"]?.stringValue
            default:
                continue
            }
        }
        return (stations, problem)
    }

    /// `derived(from:)` over the stored ledger (the `v4-stations` migration); unreadable lines
    /// are skipped (`ledger verify` reports them).
    static func derived(_ db: any SQLExecutor) throws -> [StationRecord] {
        var entries = [CaseStore.RegistryEntry]()
        try db.forEachRow("SELECT seq, line FROM ledger_entry ORDER BY seq", []) { row in
            let line = try row.bytes(1)
            guard let action = StoredLine(line)?.action, [LedgerAction.caseInit, .stationAdd, .stationRevoke].contains(action),
                  let entry = CaseStore.RegistryEntry(sequence: try row.int64(0), line: line) else { return }
            entries.append(entry)
        }
        return derived(from: entries).stations
    }
}
