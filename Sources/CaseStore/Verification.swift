import Foundation
import Ledger

/// What `CaseStore.verify` found.
public struct CaseVerification: Sendable {
    /// Rows in `ledger_entry`.
    public var storedEntries: Int
    /// Entries that passed every ledger check, from entry 0.
    public var verifiedEntries: Int
    public var root: SHA256Hash
    public var caseID: String?
    public var examiners = 0
    public var items = 0
    public var acquisitions = 0
    public var photos = 0
    public var stations = 0
    /// Stored checkpoints checked against the ledger.
    public var checkpoints = 0
    /// The checkpoint given with --checkpoint, once verified.
    public var externalCheckpoint: Checkpoint?
    /// The first problem (nil when everything holds).
    public var failure: String?
    /// The ledger-level failure, when the problem is in the entries themselves.
    public var ledgerFailure: VerificationFailure?

    public var isValid: Bool { failure == nil }
}

extension CaseStore {
    /// Verifies the stored ledger (every hash, link, signature, roster rule), every stored
    /// checkpoint, an optional external checkpoint, and that the registry tables agree with
    /// the ledger. Trusts `trustedKeys`, or else the key in `station.pub`, for entry 0; later
    /// entries are signed by keys the ledger itself binds (LEDGER.md §6), and checkpoints may be
    /// signed by a trusted key or any key the ledger binds.
    public func verify(checkpointNote: String? = nil, trustedKeys given: [VerifierKey]? = nil) throws(CaseStoreError) -> CaseVerification {
        let keys: [VerifierKey]
        if let given { keys = given } else { keys = try trustedKeys() }
        // The lines are read a page at a time and verified a batch at a time (at ten times the
        // seizure the ledger is 117 MB): each line parsed, hashed and its signature checked on
        // every core (`LedgerVerifier.PreparedLine`), then taken in order. What is kept of each
        // is what the registry checks read (`RegistryEntry`), from the entry the verifier parsed.
        var stream = LedgerVerifier.Stream(trustedKeys: keys)
        var entries = [RegistryEntry]()
        var stored = 0
        var batch = [[UInt8]]()
        func takeBatch() {
            let keys = stream.keysByID
            for (line, entry) in batch.concurrentMap({ bytes in
                let line = LedgerVerifier.PreparedLine(bytes, keys: keys)
                return (line, line.entry.map { RegistryEntry($0.entry) })
            }) {
                guard stream.take(line) != nil, let entry else { break }
                entries.append(entry)
            }
            batch.removeAll(keepingCapacity: true)
        }
        do {
            try forEachLine(below: Int.max) { r in
                stored += 1
                batch.append(Array(r.line))
                if batch.count == LedgerVerifier.PreparedLine.batch { takeBatch() }
            }
        } catch let error as CaseStoreError { throw error } catch { throw map(error) }
        takeBatch()
        let report = LedgerVerifier.verify(stream, checkpoint: checkpointNote, origin: origin)
        var result = CaseVerification(storedEntries: stored, verifiedEntries: report.verifiedCount, root: report.root,
                                      caseID: report.caseID, externalCheckpoint: report.checkpoint)
        if let f = report.failure {
            result.failure = f.description
            result.ledgerFailure = f
            return result
        }
        if let problem = registryProblem(entries: entries, report: report, keys: keys, result: &result) {
            result.failure = problem
        }
        return result
    }

    /// What the registry checks read of an entry `LedgerVerifier` accepted: its sequence
    /// number, time, examiner, action and subjects, and the payload only for the actions whose
    /// payload the registry compares with its rows (the others' payloads are not kept).
    struct RegistryEntry {
        let sequence: Int64
        /// The entry's time as written (RFC 3339).
        let time: String
        let examiner: String
        let action: LedgerAction
        let subjects: [String]
        /// The payload of a `payloadActions` entry; empty for the others.
        let payload: [String: CanonicalJSON]

        static let payloadActions = Set<LedgerAction>([.caseInit, .examinerAdd, .stationAdd, .stationRevoke, .simAcquire, .simReread,
                                                       .custodyPhotograph, .custodyAttach, .deviceAdd, .deviceImport, .messagesImport,
                                                       .custodyAuditStart, .custodyAuditScan, .custodyAuditFinish,
                                                       .custodyDisposeRequest, .custodyDisposeApprove])
            .union(CustodyStateRecord.actions)

        init(_ entry: LedgerEntry) {
            sequence = entry.sequence
            time = entry.time.description
            examiner = entry.examiner
            action = entry.action
            subjects = entry.subjects
            payload = RegistryEntry.payloadActions.contains(entry.action) ? entry.payload : [:]
        }

        /// The entry of stored line `line` at `sequence`, nil when it does not parse as that entry.
        init?(sequence: Int64, line: [UInt8]) {
            guard let se = try? SignedEntry(line: line), se.entry.sequence == sequence else { return nil }
            self.init(se.entry)
        }
    }

    private func registryProblem(entries: [RegistryEntry], report: LedgerVerifier.Report, keys: [VerifierKey],
                                 result: inout CaseVerification) -> String? {
        let tables: ([CaseRecord], [ExaminerRecord], [StationRecord], [ItemRecord], [StoredAcquisition], [PhotoRecord], [CheckpointRecord])
        do {
            tables = try database.read { db in
                (try CaseRecord.fetchAll(db), try ExaminerRecord.fetchAll(db), try StationRecord.fetchAll(db), try ItemRecord.fetchAll(db),
                 try StoredAcquisition.all(db), try PhotoRecord.fetchAll(db), try CheckpointRecord.fetchAll(db, "ORDER BY id"))
            }
        } catch { return "cannot read the registry tables: \(map(error))" }
        let (cases, examiners, stationRows, items, acquisitions, photos, checkpoints) = tables
        func entry(_ seq: Int64) -> RegistryEntry? { seq >= 0 && seq < Int64(entries.count) ? entries[Int(seq)] : nil }
        let genesis = entries[0]

        // The case row and the keys beside it agree with entry 0.
        guard cases.count == 1, let c = cases.first else { return "table case_info holds \(cases.count) rows, expected 1" }
        guard c.id == report.caseID else { return "case_info says case \(c.id) but entry 0 binds \(report.caseID ?? "none")" }
        let stations = genesis.payload["stations"]?.arrayValue?.compactMap(\.stringValue) ?? []
        guard stations.contains(c.stationKey) else { return "case_info's station key \(c.stationKey) is not bound in entry 0" }
        let caseFields = genesis.payload["case"]?.objectValue ?? [:]
        for (field, value) in [("name", c.name), ("agency", c.agency), ("authority", c.authority), ("timeZone", c.timeZone)]
        where caseFields[field]?.stringValue != value {
            return "case_info.\(field) \"\(value)\" differs from entry 0 (\(caseFields[field]?.stringValue ?? "absent"))"
        }
        // A folder's `station.key`, when there is one, is the case's own key whichever key this
        // store signs with. A copy handed on (`case copy`) has none; a PostgreSQL case has no folder.
        if hasFolder, FileManager.default.fileExists(atPath: path(CaseStore.keyName)),
           let caseKeyProblem = CaseStore.loadCaseKey(directory: directory, record: c).1 {
            return caseKeyProblem
        }

        // Stations: the table is exactly what entry 0 and the station.* entries imply.
        let (impliedStations, stationProblem) = StationRecord.derived(from: entries.filter {
            [LedgerAction.caseInit, .stationAdd, .stationRevoke].contains($0.action)
        })
        if let stationProblem { return "\(stationProblem): table station cannot record that (Custody never writes it)" }
        let stationByID = Dictionary(stationRows.map { ($0.keyID, $0) }, uniquingKeysWith: { a, _ in a })
        for s in impliedStations {
            guard let row = stationByID[s.keyID] else { return "entry \(s.addedSeq) binds station key \(s.keyID) but table station lacks it" }
            guard row == s else {
                return "table station's row for \(s.keyID) (added \(row.addedSeq), revoked \(row.revokedSeq.map(String.init) ?? "never")) differs from the ledger (added \(s.addedSeq), revoked \(s.revokedSeq.map(String.init) ?? "never"), name, key or reason)"
            }
        }
        if let extra = stationRows.first(where: { row in !impliedStations.contains { $0.keyID == row.keyID } }) {
            return "table station holds station \(extra.keyID) (\(extra.name)), which no entry binds"
        }
        result.stations = stationRows.count

        // Examiners: each row has its entry; each examiner.add entry has its row.
        let roster = Set(genesis.payload["examiners"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? [])
        let byID = Dictionary(examiners.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for x in examiners {
            if x.seq == 0 {
                guard roster.contains(x.id) else { return "examiner \(x.id) claims entry 0, which does not list it" }
            } else {
                guard let e = entry(x.seq), e.action == .examinerAdd, e.payload["id"]?.stringValue == x.id,
                      e.payload["role"]?.stringValue == x.role.rawValue else {
                    return "examiner \(x.id) (role \(x.role.rawValue)) has no matching examiner.add entry at \(x.seq)"
                }
            }
        }
        for id in roster where byID[id] == nil { return "entry 0 lists examiner \(id) but table examiner lacks it" }
        for e in entries where e.action == .examinerAdd {
            let id = e.payload["id"]?.stringValue ?? ""
            guard byID[id]?.seq == e.sequence else { return "entry \(e.sequence) adds examiner \(id) but table examiner lacks that row" }
        }
        result.examiners = examiners.count

        // Items: each row created by an entry naming it; every subject is an item.
        let itemLabels = Set(items.map(\.label))
        // device.add names the device and creates it (a box also its `<box>/P…` ports and
        // slots); device.import names none and creates its rows: each entry's payload
        // `items` must equal the rows it created.
        var createdBy = [Int64: Int]()
        for i in items {
            guard let e = entry(i.seq) else { return "item \(i.label) has no creating entry at \(i.seq)" }
            switch e.action {
            case .custodySeize, .simAcquire:
                guard e.subjects.contains(i.label) else {
                    return "item \(i.label) has no creating entry at \(i.seq) (custody.seize or sim.acquire naming it)"
                }
            case .deviceAdd:
                guard let device = e.subjects.first, i.label == device || i.label.hasPrefix(device + "/P") else {
                    return "item \(i.label) has no creating entry at \(i.seq) (device.add naming it or its box)"
                }
                createdBy[i.seq, default: 0] += 1
            case .deviceImport:
                createdBy[i.seq, default: 0] += 1
            default:
                return "item \(i.label) has no creating entry at \(i.seq) (custody.seize, sim.acquire, device.add or device.import)"
            }
        }
        for e in entries where e.action == .deviceAdd || e.action == .deviceImport {
            let expected = e.payload["items"]?.integerValue ?? -1
            guard Int64(createdBy[e.sequence] ?? 0) == expected else {
                return "entry \(e.sequence) (\(e.action)) created \(expected) items but table item holds \(createdBy[e.sequence] ?? 0) from it"
            }
        }
        do {
            let orphan = try database.read { db in
                try db.string("SELECT x.label FROM item_identifier x LEFT JOIN item i ON i.label = x.label WHERE i.label IS NULL LIMIT 1")
            }
            if let orphan { return "table item_identifier indexes item \(orphan), which table item lacks" }
        } catch { return "cannot read table item_identifier: \(map(error))" }
        for e in entries {
            for s in e.subjects where !itemLabels.contains(s) {
                return "entry \(e.sequence) (\(e.action)) is about item \(s), which table item lacks"
            }
        }
        result.items = items.count

        // Acquisitions: row ⇔ sim.acquire / sim.reread entry, with the same hashes.
        let acqBySeq = Dictionary(acquisitions.map { ($0.seq, $0) }, uniquingKeysWith: { a, _ in a })
        for a in acquisitions {
            let recordSHA = a.hashOfRecord
            guard recordSHA == a.recordSHA256 else { return "acquisition \(a.seq): stored record's SHA-256 is \(recordSHA), the row says \(a.recordSHA256)" }
            guard let e = entry(a.seq), [LedgerAction.simAcquire, .simReread].contains(e.action) else {
                return "acquisition row \(a.seq) has no sim.acquire/sim.reread entry"
            }
            let p = e.payload
            guard p["recordSHA256"]?.stringValue == a.recordSHA256, p["contentSHA256"]?.stringValue == a.contentSHA256,
                  p["transcriptSHA256"]?.stringValue == a.transcriptSHA256, p["complete"] == .bool(a.complete),
                  e.subjects == (a.item.map { [$0] } ?? []) else {
                return "acquisition \(a.seq) differs from its ledger entry (hashes, completeness or item)"
            }
        }
        for e in entries where [LedgerAction.simAcquire, .simReread].contains(e.action) && acqBySeq[e.sequence] == nil {
            return "entry \(e.sequence) (\(e.action)) has no row in table acquisition"
        }
        result.acquisitions = acquisitions.count

        // Photos and attached scans: row ⇔ custody.photograph or custody.attach entry; the file's bytes still hash the same.
        let filed: Set<LedgerAction> = [.custodyPhotograph, .custodyAttach]
        let photoBySeq = Dictionary(photos.map { ($0.seq, $0) }, uniquingKeysWith: { a, _ in a })
        for ph in photos {
            guard let e = entry(ph.seq), filed.contains(e.action), e.payload["sha256"]?.stringValue == ph.sha256,
                  e.subjects == [ph.item] else {
                return "photo \(ph.path) has no matching custody.photograph or custody.attach entry at \(ph.seq)"
            }
            let stored: Data?
            do { stored = try photoData(ph.path) } catch { return "photo file \(ph.path) (entry \(ph.seq)) is unreadable (\(error))" }
            guard let data = stored else { return "photo file \(ph.path) (entry \(ph.seq)) is missing" }
            let sha = SHA256Hash.of([UInt8](data)).hex
            guard sha == ph.sha256 else { return "photo file \(ph.path) (entry \(ph.seq)) has SHA-256 \(sha), not \(ph.sha256)" }
        }
        for e in entries where filed.contains(e.action) && photoBySeq[e.sequence] == nil {
            return "entry \(e.sequence) (\(e.action)) has no row in table photo"
        }
        result.photos = photos.count

        // Imported messages: message_import row ⇔ messages.import entry (same file hash, item
        // and row count), and that many message rows pointing at the entry.
        let importSeqs = Set(entries.filter { $0.action == .messagesImport }.map(\.sequence))
        do {
            let imports = try database.read { db in
                try MessageImportRecord.fetchAll(db).map { i in (i, try db.integer("SELECT count(*) FROM message WHERE entry = ?", i.seq) ?? 0) }
            }
            for (i, stored) in imports {
                guard let e = entry(i.seq), e.action == .messagesImport, e.payload["sha256"]?.stringValue == i.sha256,
                      e.payload["rows"]?.integerValue == i.rows, e.subjects == [i.item] else {
                    return "message import \(i.file) has no matching messages.import entry at \(i.seq)"
                }
                guard stored == i.rows else { return "entry \(i.seq) (messages.import) imported \(i.rows) messages but table message holds \(stored) from it" }
            }
            if let missing = importSeqs.subtracting(imports.map(\.0.seq)).min() {
                return "entry \(missing) (messages.import) has no row in table message_import"
            }
        } catch { return "cannot read the message tables: \(map(error))" }

        // Custody state: table custody_state is exactly what the moves, check-outs, check-ins
        // and disposals imply (`CustodyStateRecord.derived`).
        let implied = CustodyStateRecord.derived(from: entries)
        do {
            let stored = try database.read { db in try CustodyStateRecord.fetchAll(db) }
            for row in stored where implied[row.label] != row {
                return "table custody_state's row for \(row.label) (\(row.state.rawValue), entry \(row.seq)) differs from what the ledger implies"
                    + (implied[row.label].map { " (\($0.state.rawValue), entry \($0.seq))" } ?? " (no custody event names it)")
            }
            let storedLabels = Set(stored.map(\.label))
            if let missing = implied.keys.sorted().first(where: { !storedLabels.contains($0) }) {
                return "entry \(implied[missing]!.seq) changes the custody of \(missing) but table custody_state has no row for it"
            }
        } catch { return "cannot read table custody_state: \(map(error))" }
        if let problem = auditDisposalProblem(entries: entries) { return problem }

        // Stored checkpoints: each signed by a trusted/bound key and consistent with the ledger.
        let bound = report.boundKeys
        // Open every note first, then compute the roots of all their sizes in one pass over
        // the tree (`MerkleTree.roots`), so many stored checkpoints do not each cost a full
        // root; the checks below still run per checkpoint, in order.
        var opened = [Result<Checkpoint, any Error>]()
        for cpr in checkpoints {
            do { opened.append(.success(try Checkpoint.open(cpr.note, trustedKeys: keys + bound, origin: origin))) } catch {
                opened.append(.failure(error))
            }
        }
        let sizes = opened.compactMap { try? $0.get().size }.filter { $0 >= 0 && $0 <= report.tree.size }
        let roots = (try? report.tree.roots(sizes: sizes)) ?? [:]
        for (cpr, o) in zip(checkpoints, opened) {
            do {
                let cp = try o.get()
                guard cp.size <= report.tree.size else {
                    return "stored checkpoint \(cpr.id ?? 0) covers \(cp.size) entries but the ledger holds \(report.tree.size): the ledger was truncated"
                }
                let root: SHA256Hash
                if let r = roots[cp.size] { root = r } else { root = try report.tree.root(size: cp.size) }
                guard root == cp.root else {
                    return "stored checkpoint \(cpr.id ?? 0) (size \(cp.size)) has root \(cp.root.base64), the ledger's is \(root.base64): entries were rewritten"
                }
            } catch {
                return "stored checkpoint \(cpr.id ?? 0) does not verify: \(error)"
            }
        }
        result.checkpoints = checkpoints.count
        return nil
    }
}

/// An acquisition row as verification needs it: the columns, and the SHA-256 of the stored
/// record instead of the record (at ten times the seizure the records are 1 GiB).
struct StoredAcquisition {
    var seq: Int64
    var item: String?
    var complete: Bool
    var contentSHA256: String
    var transcriptSHA256: String
    var recordSHA256: String
    var hashOfRecord: String

    /// Every row, read in pages of 50 by `seq` (a full read's record is about 150 KB: what a
    /// page holds is what this adds to an export's memory, which verifies beside its producers).
    static func all(_ db: any SQLExecutor) throws -> [StoredAcquisition] {
        var rows = [StoredAcquisition]()
        try db.forEachRowBySeq("SELECT seq, item, complete, contentSHA256, transcriptSHA256, recordSHA256, record FROM acquisition", pageSize: 50) { r in
            rows.append(StoredAcquisition(seq: try r.int64(0), item: try r.optionalString(1), complete: try r.bool(2),
                                          contentSHA256: try r.string(3), transcriptSHA256: try r.string(4), recordSHA256: try r.string(5),
                                          hashOfRecord: SHA256Hash.of(try r.bytes(6)).hex))
        }
        return rows
    }
}
