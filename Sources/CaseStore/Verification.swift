import Crypto
import Foundation
import GRDB
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
    /// the ledger. Trusts `trustedKeys`, or else the key in `station.pub`.
    public func verify(checkpointNote: String? = nil, trustedKeys given: [VerifierKey]? = nil) throws(CaseStoreError) -> CaseVerification {
        let keys: [VerifierKey]
        if let given { keys = given } else { keys = try trustedKeys() }
        let rows = try lineRecords()
        let report = LedgerVerifier.verify(lineBytes: rows.map { Array($0.line) }, trustedKeys: keys,
                                           checkpoint: checkpointNote, origin: origin)
        var result = CaseVerification(storedEntries: rows.count, verifiedEntries: report.verifiedCount, root: report.root,
                                      caseID: report.caseID, externalCheckpoint: report.checkpoint)
        if let f = report.failure {
            result.failure = f.description
            result.ledgerFailure = f
            return result
        }
        // Every line is now known good: decode once.
        var entries = [SignedEntry]()
        for r in rows { entries.append(try! SignedEntry(line: Array(r.line))) }
        if let problem = registryProblem(entries: entries, report: report, keys: keys, result: &result) {
            result.failure = problem
        }
        return result
    }

    private func registryProblem(entries: [SignedEntry], report: LedgerVerifier.Report, keys: [VerifierKey],
                                 result: inout CaseVerification) -> String? {
        let tables: ([CaseRecord], [ExaminerRecord], [ItemRecord], [AcquisitionRecord], [PhotoRecord], [CheckpointRecord])
        do {
            tables = try pool.read { db in
                (try CaseRecord.fetchAll(db), try ExaminerRecord.fetchAll(db), try ItemRecord.fetchAll(db),
                 try AcquisitionRecord.fetchAll(db), try PhotoRecord.fetchAll(db), try CheckpointRecord.order(Column("id")).fetchAll(db))
            }
        } catch { return "cannot read the registry tables: \(map(error))" }
        let (cases, examiners, items, acquisitions, photos, checkpoints) = tables
        func entry(_ seq: Int64) -> SignedEntry? { seq >= 0 && seq < Int64(entries.count) ? entries[Int(seq)] : nil }
        let genesis = entries[0].entry

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
        if let keyProblem { return keyProblem }

        // Examiners: each row has its entry; each examiner.add entry has its row.
        let roster = Set(genesis.payload["examiners"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? [])
        let byID = Dictionary(examiners.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for x in examiners {
            if x.seq == 0 {
                guard roster.contains(x.id) else { return "examiner \(x.id) claims entry 0, which does not list it" }
            } else {
                guard let e = entry(x.seq), e.entry.action == .examinerAdd, e.entry.payload["id"]?.stringValue == x.id,
                      e.entry.payload["role"]?.stringValue == x.role else {
                    return "examiner \(x.id) (role \(x.role)) has no matching examiner.add entry at \(x.seq)"
                }
            }
        }
        for id in roster where byID[id] == nil { return "entry 0 lists examiner \(id) but table examiner lacks it" }
        for e in entries where e.entry.action == .examinerAdd {
            let id = e.entry.payload["id"]?.stringValue ?? ""
            guard byID[id]?.seq == e.entry.sequence else { return "entry \(e.entry.sequence) adds examiner \(id) but table examiner lacks that row" }
        }
        result.examiners = examiners.count

        // Items: each row created by an entry naming it; every subject is an item.
        let itemLabels = Set(items.map(\.label))
        for i in items {
            guard let e = entry(i.seq), e.entry.subjects.contains(i.label),
                  [LedgerAction.custodySeize, .simAcquire].contains(e.entry.action) else {
                return "item \(i.label) has no creating entry at \(i.seq) (custody.seize or sim.acquire naming it)"
            }
        }
        for e in entries {
            for s in e.entry.subjects where !itemLabels.contains(s) {
                return "entry \(e.entry.sequence) (\(e.entry.action)) is about item \(s), which table item lacks"
            }
        }
        result.items = items.count

        // Acquisitions: row ⇔ sim.acquire / sim.reread entry, with the same hashes.
        let acqBySeq = Dictionary(acquisitions.map { ($0.seq, $0) }, uniquingKeysWith: { a, _ in a })
        for a in acquisitions {
            let recordSHA = SHA256.hash(data: a.record).map { String(format: "%02x", $0) }.joined()
            guard recordSHA == a.recordSHA256 else { return "acquisition \(a.seq): stored record's SHA-256 is \(recordSHA), the row says \(a.recordSHA256)" }
            guard let e = entry(a.seq), [LedgerAction.simAcquire, .simReread].contains(e.entry.action) else {
                return "acquisition row \(a.seq) has no sim.acquire/sim.reread entry"
            }
            let p = e.entry.payload
            guard p["recordSHA256"]?.stringValue == a.recordSHA256, p["contentSHA256"]?.stringValue == a.contentSHA256,
                  p["transcriptSHA256"]?.stringValue == a.transcriptSHA256, p["complete"] == .bool(a.complete),
                  e.entry.subjects == (a.item.map { [$0] } ?? []) else {
                return "acquisition \(a.seq) differs from its ledger entry (hashes, completeness or item)"
            }
        }
        for e in entries where [LedgerAction.simAcquire, .simReread].contains(e.entry.action) && acqBySeq[e.entry.sequence] == nil {
            return "entry \(e.entry.sequence) (\(e.entry.action)) has no row in table acquisition"
        }
        result.acquisitions = acquisitions.count

        // Photos: row ⇔ custody.photograph entry; the file's bytes still hash the same.
        let photoBySeq = Dictionary(photos.map { ($0.seq, $0) }, uniquingKeysWith: { a, _ in a })
        for ph in photos {
            guard let e = entry(ph.seq), e.entry.action == .custodyPhotograph, e.entry.payload["sha256"]?.stringValue == ph.sha256,
                  e.entry.subjects == [ph.item] else {
                return "photo \(ph.path) has no matching custody.photograph entry at \(ph.seq)"
            }
            guard let data = FileManager.default.contents(atPath: path(ph.path)) else { return "photo file \(ph.path) (entry \(ph.seq)) is missing" }
            let sha = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            guard sha == ph.sha256 else { return "photo file \(ph.path) (entry \(ph.seq)) has SHA-256 \(sha), not \(ph.sha256)" }
        }
        for e in entries where e.entry.action == .custodyPhotograph && photoBySeq[e.entry.sequence] == nil {
            return "entry \(e.entry.sequence) (custody.photograph) has no row in table photo"
        }
        result.photos = photos.count

        // Stored checkpoints: each signed by a trusted/bound key and consistent with the ledger.
        let bound = stations.compactMap { try? VerifierKey(parsing: $0) }
        for cpr in checkpoints {
            do {
                let cp = try Checkpoint.open(cpr.note, trustedKeys: keys + bound, origin: origin)
                guard cp.size <= report.tree.size else {
                    return "stored checkpoint \(cpr.id ?? 0) covers \(cp.size) entries but the ledger holds \(report.tree.size): the ledger was truncated"
                }
                let root = try report.tree.root(size: cp.size)
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
