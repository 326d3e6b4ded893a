import Foundation
import Ledger

// Shelf audits (docs/CASE-STORE.md, "Audits"): an audit of a location is started, the codes of
// what is physically there are scanned one by one, and the finish compares them with what the
// case expects there. Start, every scan and the finish are signed entries; the finish's entry
// lists the four sets (found, missing, unexpected, unknown).

/// Table `audit` (schema 8): one row per audit; `id` is its `custody.audit.start` entry.
public struct AuditRecord: Sendable, Hashable, Codable, SQLRecord {
    static let table = "audit"
    public var id: Int64
    /// The location item audited (its sub-locations are audited with it).
    public var location: String
    public var startedBy: String
    /// The start entry's time (LEDGER.md §1, `YYYY-MM-DDTHH:MM:SS.mmmZ`).
    public var startedAt: String
    /// The `custody.audit.finish` entry, nil while the audit is open.
    public var finishSeq: Int64?
    public var finishedAt: String?

    public var isFinished: Bool { finishSeq != nil }
}

/// Table `audit_scan` (schema 8): one row per code scanned in an audit (`custody.audit.scan`).
public struct AuditScanRecord: Sendable, Hashable, Codable, SQLRecord {
    static let table = "audit_scan"
    /// The scan's entry.
    public var seq: Int64
    public var audit: Int64
    /// The code as scanned (trimmed): an item label, as its QR label carries it.
    public var code: String
    /// The item the code names; nil for a code the case does not know.
    public var item: String?
}

/// What an audit found of one item.
public enum AuditOutcome: String, Sendable, Codable, CaseIterable {
    /// Expected at the location (or below it) and scanned; also an item inside one of those,
    /// scanned on its own.
    case found
    /// Expected at the location or below it, not scanned.
    case missing
    /// Scanned at the location, expected elsewhere (or nowhere).
    case unexpected
}

/// Table `audit_result` (schema 8): the result of a finished audit, one row per item it names.
public struct AuditResultRecord: Sendable, Hashable, Codable, SQLRecord {
    static let table = "audit_result"
    public var audit: Int64
    public var item: String
    public var outcome: AuditOutcome
    /// For an unexpected item: the location where the case expected it (nil: none).
    public var expectedAt: String?
}

/// An item scanned in an audit that the case expected elsewhere.
public struct UnexpectedItem: Sendable, Hashable, Codable {
    public var item: String
    /// The location where the case expected it; nil: at no location.
    public var expectedAt: String?

    public init(item: String, expectedAt: String?) { self.item = item; self.expectedAt = expectedAt }
}

/// A finished audit's result: the four sets, each in label (code) order.
public struct AuditResult: Sendable, Hashable {
    public var audit: AuditRecord
    public var found: [String]
    public var missing: [String]
    public var unexpected: [UnexpectedItem]
    /// Codes that name no item of the case.
    public var unknown: [String]

    /// Every item the result names: found, missing, then unexpected.
    public var items: [String] { found + missing + unexpected.map(\.item) }
}

/// When an item was last seen by a finished audit.
public struct ItemAuditDate: Sendable, Hashable, Codable {
    public var item: String
    /// The last finished audit that found the item (found or unexpected), nil: never audited.
    public var audit: Int64?
    public var finishedAt: String?

    public init(item: String, audit: Int64? = nil, finishedAt: String? = nil) {
        self.item = item; self.audit = audit; self.finishedAt = finishedAt
    }
}

extension CaseStore {
    /// The roles that handle evidence on the shelf (audit, request a disposal, execute one):
    /// every role but the read-only ones.
    public static let evidenceRoles: [ExaminerRole] = [.clerk, .technician, .supervisor]

    /// Refuses, inside the transaction, an examiner whose role is not one of `roles`.
    static func requireRole(_ db: any SQLExecutor, _ examiner: String, _ roles: [ExaminerRole], to what: String) throws {
        guard let who = try ExaminerRecord.fetchOne(db, "WHERE id = ?", examiner) else { throw CaseStoreError.unknownExaminer(examiner) }
        guard roles.contains(who.role) else {
            let allowed = roles.map(\.rawValue).joined(separator: ", ")
            throw CaseStoreError.notPermitted("examiner \(examiner) is a \(who.role.rawValue): only a \(allowed) may \(what); nothing was written")
        }
    }

    // MARK: Audits

    /// Starts an audit of `location` (`custody.audit.start`, subject the location, payload
    /// `location`). Refused: a label that is not a location, a location with an open audit, an
    /// examiner whose role does not handle evidence.
    @discardableResult
    public func startAudit(location: String, by examiner: String) throws(CaseStoreError) -> (SignedEntry, AuditRecord) {
        try CaseStore.validateLabel(location)
        let time = LedgerTime(Date())
        var record = AuditRecord(id: 0, location: location, startedBy: examiner, startedAt: time.description)
        let entry = try append(examiner: examiner, subjects: [location], time: time) { db in
            try CaseStore.requireRole(db, examiner, CaseStore.evidenceRoles, to: "audit a location")
            guard let item = try ItemRecord.fetchOne(db, "WHERE label = ?", location) else { throw CaseStoreError.unknownItem(location) }
            guard item.type == .device(.location) else {
                throw CaseStoreError.invalidInput("\(location) is a \(item.type.rawValue), not a location: audit a storage location (room, shelf or box); nothing was written")
            }
            if let open = try AuditRecord.fetchOne(db, "WHERE location = ? AND finishSeq IS NULL", location) {
                throw CaseStoreError.invalidInput("location \(location) already has audit \(open.id) open: scan into it or finish it (`custody audit finish \(open.id)`); nothing was written")
            }
            return EntryDraft(action: .custodyAuditStart, payload: ["location": .string(location)]) { db, seq in
                record.id = seq
                try record.insert(db)
            }
        }
        return (entry, record)
    }

    /// Records one scanned code in audit `id` (`custody.audit.scan`, subject the item when the
    /// code names one, payload `audit`, `code`, and `item` when known). An unknown code is
    /// recorded too (the finish lists it). Refused: a finished or unknown audit, an empty code,
    /// a code already scanned in this audit.
    @discardableResult
    public func scanAudit(_ id: Int64, code scanned: String, by examiner: String) throws(CaseStoreError) -> (SignedEntry, AuditScanRecord) {
        let code = scanned.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !code.isEmpty else { throw .invalidInput("the scanned code is empty: scan the item's QR label or type its label; nothing was written") }
        let known = try read { db in try CaseStore.itemExists(db, code) }
        var record = AuditScanRecord(seq: 0, audit: id, code: code, item: known ? code : nil)
        let entry = try append(examiner: examiner, subjects: known ? [code] : []) { db in
            try CaseStore.requireRole(db, examiner, CaseStore.evidenceRoles, to: "scan in an audit")
            let audit = try CaseStore.openAudit(db, id)
            if let earlier = try AuditScanRecord.fetchOne(db, "WHERE audit = ? AND code = ?", id, code) {
                throw CaseStoreError.invalidInput("\(code) was already scanned in audit \(id) (entry \(earlier.seq)): scan the next item; nothing was written")
            }
            guard try CaseStore.itemExists(db, code) == known else {
                throw CaseStoreError.invalidInput("item \(code) was registered while it was being scanned: scan it again; nothing was written")
            }
            var payload: [String: CanonicalJSON] = ["audit": .integer(audit.id), "code": .string(code)]
            if known { payload["item"] = .string(code) }
            return EntryDraft(action: .custodyAuditScan, payload: payload) { db, seq in
                record.seq = seq
                try record.insert(db)
            }
        }
        return (entry, record)
    }

    /// Finishes audit `id` (`custody.audit.finish`): compares the scans with the items the case
    /// expects at the location or below it and writes the result (table `audit_result`) with
    /// the entry, whose subjects are the location then every item found, missing or unexpected,
    /// and whose payload holds `audit`, `location`, `scans`, the sets `found`, `missing`,
    /// `unknown` (arrays of labels and codes) and `unexpected` (an array of {`item`,
    /// `expectedAt`}).
    @discardableResult
    public func finishAudit(_ id: Int64, by examiner: String) throws(CaseStoreError) -> (SignedEntry, AuditResult) {
        let time = LedgerTime(Date())
        // The subjects are known only from the store: read them first, then check inside the
        // transaction that the result is still the same (a scan or a move meanwhile refuses it).
        let planned = try read { db in try CaseStore.auditOutcome(db, id) }
        var result = planned
        // An audited location may hold itself as an item of the result only if it was scanned
        // there; name it once.
        let subjects = [planned.audit.location] + planned.items.filter { $0 != planned.audit.location }
        let entry = try append(examiner: examiner, subjects: subjects, time: time) { db in
            try CaseStore.requireRole(db, examiner, CaseStore.evidenceRoles, to: "finish an audit")
            var outcome = try CaseStore.auditOutcome(db, id)
            guard outcome == planned else {
                throw CaseStoreError.invalidInput("audit \(id) changed while it was being finished (a scan or a move came in): finish it again; nothing was written")
            }
            let payload: [String: CanonicalJSON] = [
                "audit": .integer(id), "location": .string(outcome.audit.location),
                "scans": .integer(Int64(try db.integer("SELECT COUNT(*) FROM audit_scan WHERE audit = ?", id) ?? 0)),
                "found": .array(outcome.found.map(CanonicalJSON.string)),
                "missing": .array(outcome.missing.map(CanonicalJSON.string)),
                "unexpected": .array(outcome.unexpected.map { u in
                    var member: [String: CanonicalJSON] = ["item": .string(u.item)]
                    if let at = u.expectedAt { member["expectedAt"] = .string(at) }
                    return .object(member)
                }),
                "unknown": .array(outcome.unknown.map(CanonicalJSON.string)),
            ]
            return EntryDraft(action: .custodyAuditFinish, payload: payload) { db, seq in
                outcome.audit.finishSeq = seq
                outcome.audit.finishedAt = time.description
                try db.execute("UPDATE audit SET finishSeq = ?, finishedAt = ? WHERE id = ?", seq, time.description, id)
                for label in outcome.found { try AuditResultRecord(audit: id, item: label, outcome: .found).insert(db) }
                for label in outcome.missing { try AuditResultRecord(audit: id, item: label, outcome: .missing).insert(db) }
                for u in outcome.unexpected {
                    try AuditResultRecord(audit: id, item: u.item, outcome: .unexpected, expectedAt: u.expectedAt).insert(db)
                }
                result = outcome
            }
        }
        return (entry, result)
    }

    /// The open audit `id`, or the one line saying why it cannot take scans or a finish.
    static func openAudit(_ db: any SQLExecutor, _ id: Int64) throws -> AuditRecord {
        guard let audit = try AuditRecord.fetchOne(db, "WHERE id = ?", id) else {
            throw CaseStoreError.invalidInput("no audit \(id) in this case: `custody audit list` shows the audits; nothing was written")
        }
        if let seq = audit.finishSeq {
            throw CaseStoreError.invalidInput("audit \(id) of \(audit.location) was finished at entry \(seq): start a new audit (`custody audit start \(audit.location)`); nothing was written")
        }
        return audit
    }

    /// The result open audit `id` would have if finished now.
    static func auditOutcome(_ db: any SQLExecutor, _ id: Int64) throws -> AuditResult {
        let audit = try openAudit(db, id)
        let scans = try AuditScanRecord.fetchAll(db, "WHERE audit = ? ORDER BY seq", id)
        let area = try locationSubtree(db, audit.location)
        let expected = Set(try itemsAt(db, locations: area))
        var found = [String](), unexpected = [UnexpectedItem](), unknown = [String]()
        for scan in scans {
            guard let item = scan.item else { unknown.append(scan.code); continue }
            if expected.contains(item) {
                found.append(item)
            } else {
                let at = try keptAt(db, item)
                if let at, area.contains(at) { found.append(item) } else { unexpected.append(UnexpectedItem(item: item, expectedAt: at)) }
            }
        }
        let scanned = Set(scans.compactMap(\.item))
        return AuditResult(audit: audit, found: found.sorted(by: labelOrder), missing: expected.subtracting(scanned).sorted(by: labelOrder),
                           unexpected: unexpected.sorted { labelOrder($0.item, $1.item) }, unknown: unknown.sorted())
    }

    // MARK: Where items are

    /// `location` and every location below it (locations hold locations through the parent link).
    static func locationSubtree(_ db: any SQLExecutor, _ location: String) throws -> Set<String> {
        var area: Set<String> = [location]
        var frontier = [location]
        while let next = frontier.popLast() {
            for row in try db.rows("SELECT label FROM item WHERE parent = ? AND type = ?", next, DeviceType.location.rawValue) {
                let label = try row.string(0)
                if area.insert(label).inserted { frontier.append(label) }
            }
        }
        return area
    }

    /// The items on the shelf at one of `locations` (moved or checked in to it, `custody_state`;
    /// not what they hold, not checked out, not disposed of): what an audit of them expects.
    static func itemsAt(_ db: any SQLExecutor, locations: Set<String>) throws -> [String] {
        var labels = [String]()
        for location in locations {
            for row in try db.rows("""
                SELECT s.label FROM custody_state s JOIN item i ON i.label = s.label \
                WHERE s.location = ? AND s.state = ? AND i.type <> ?
                """, location, ShelfState.onShelf.rawValue, DeviceType.location.rawValue) {
                labels.append(try row.string(0))
            }
        }
        return labels.sorted(by: labelOrder)
    }

    /// Where the case keeps `label` on a shelf: its own location, else its nearest container's
    /// (as `custody(of:)` says); nil when it has none, or when it or a container holding it is
    /// checked out or disposed of (found on a shelf, it is unexpected wherever it is).
    static func keptAt(_ db: any SQLExecutor, _ label: String) throws -> String? {
        var current: String? = label
        var seen = Set<String>()
        while let holder = current, seen.insert(holder).inserted {
            if let row = try custodyRow(db, holder) {
                guard row.state == .onShelf else { return nil }
                if let location = row.location { return location }
            }
            current = try db.string("SELECT parent FROM item WHERE label = ?", holder)
        }
        return nil
    }

    /// Whether audit `id` expects `item` at its location (kept at it or below it), and where the
    /// case keeps the item: what a scan means at once, without working out the whole result.
    public func auditPlacement(audit id: Int64, item: String) throws(CaseStoreError) -> (here: Bool, keptAt: String?) {
        try read { db in
            guard let audit = try AuditRecord.fetchOne(db, "WHERE id = ?", id) else {
                throw CaseStoreError.invalidInput("no audit \(id) in this case: `custody audit list` shows the audits")
            }
            guard let at = try CaseStore.keptAt(db, item) else { return (false, nil) }
            return (try CaseStore.locationSubtree(db, audit.location).contains(at), at)
        }
    }

    // MARK: Reading audits

    /// Every audit, newest first; `location` nil: of every location.
    public func audits(location: String? = nil) throws(CaseStoreError) -> [AuditRecord] {
        try read { db in
            if let location { return try AuditRecord.fetchAll(db, "WHERE location = ? ORDER BY id DESC", location) }
            return try AuditRecord.fetchAll(db, "ORDER BY id DESC")
        }
    }

    /// Audit `id`, nil when the case has none.
    public func audit(_ id: Int64) throws(CaseStoreError) -> AuditRecord? {
        try read { db in try AuditRecord.fetchOne(db, "WHERE id = ?", id) }
    }

    /// The codes scanned in audit `id`, in scan order.
    public func auditScans(_ id: Int64) throws(CaseStoreError) -> [AuditScanRecord] {
        try read { db in try AuditScanRecord.fetchAll(db, "WHERE audit = ? ORDER BY seq", id) }
    }

    /// The result of audit `id`: as recorded when it is finished, else what a finish now would
    /// record (a preview). Nil when the case has no audit `id`.
    public func auditResult(_ id: Int64) throws(CaseStoreError) -> AuditResult? {
        try read { db in
            guard let audit = try AuditRecord.fetchOne(db, "WHERE id = ?", id) else { return nil }
            guard audit.isFinished else { return try CaseStore.auditOutcome(db, id) }
            let rows = try AuditResultRecord.fetchAll(db, "WHERE audit = ?", id)
            func labels(_ outcome: AuditOutcome) -> [String] { rows.filter { $0.outcome == outcome }.map(\.item).sorted(by: labelOrder) }
            let unknown = try AuditScanRecord.fetchAll(db, "WHERE audit = ? AND item IS NULL", id).map(\.code).sorted()
            let unexpected = rows.filter { $0.outcome == .unexpected }.sorted { labelOrder($0.item, $1.item) }
                .map { UnexpectedItem(item: $0.item, expectedAt: $0.expectedAt) }
            return AuditResult(audit: audit, found: labels(.found), missing: labels(.missing), unexpected: unexpected, unknown: unknown)
        }
    }

    /// When `label` was last seen by a finished audit (found or unexpected).
    public func lastAudit(of label: String) throws(CaseStoreError) -> ItemAuditDate {
        try read { db in
            let row = try db.row("""
                SELECT audit.id, audit.finishedAt FROM audit_result JOIN audit ON audit.id = audit_result.audit \
                WHERE audit_result.item = ? AND audit_result.outcome <> 'missing' ORDER BY audit.finishSeq DESC LIMIT 1
                """, label)
            return ItemAuditDate(item: label, audit: try row?.optionalInt64(0), finishedAt: try row?.optionalString(1))
        }
    }

    /// The items on the shelf at a location (moved or checked in to one; not checked out, not
    /// disposed of) that no finished audit has seen since `since`, with when one last did, oldest
    /// first (never audited before the rest), then in label order.
    public func itemsNotAudited(since: LedgerTime) throws(CaseStoreError) -> [ItemAuditDate] {
        try read { db in
            // The last audit that saw each item: the latest finish wins.
            var seen = [String: ItemAuditDate]()
            try db.forEachRow("""
                SELECT audit_result.item, audit.id, audit.finishedAt FROM audit_result JOIN audit ON audit.id = audit_result.audit \
                WHERE audit_result.outcome <> 'missing' ORDER BY audit.finishSeq
                """, []) { row in
                let item = try row.string(0)
                seen[item] = ItemAuditDate(item: item, audit: try row.int64(1), finishedAt: try row.optionalString(2))
            }
            let kept = try db.rows("""
                SELECT s.label FROM custody_state s JOIN item i ON i.label = s.label \
                WHERE s.location IS NOT NULL AND s.state = ? AND i.type <> ?
                """, ShelfState.onShelf.rawValue, DeviceType.location.rawValue).map { try $0.string(0) }
            let dates = kept.map { seen[$0] ?? ItemAuditDate(item: $0) }.filter { ($0.finishedAt ?? "") < since.description }
            return dates.sorted { a, b in
                if a.finishedAt != b.finishedAt { return (a.finishedAt ?? "") < (b.finishedAt ?? "") }
                return labelOrder(a.item, b.item)
            }
        }
    }
}

extension AuditRecord {
    static let columns = ["id", "location", "startedBy", "startedAt", "finishSeq", "finishedAt"]
    init(row: SQLRow) throws {
        self.init(id: try row.int64("id"), location: try row.string("location"), startedBy: try row.string("startedBy"),
                  startedAt: try row.string("startedAt"), finishSeq: try row.optionalInt64("finishSeq"), finishedAt: try row.optionalString("finishedAt"))
    }
    var sqlValues: [SQLValue] { [.integer(id), .text(location), .text(startedBy), .text(startedAt), finishSeq.sqlValueOrNull, finishedAt.sqlValueOrNull] }
}

extension AuditScanRecord {
    static let columns = ["seq", "audit", "code", "item"]
    init(row: SQLRow) throws {
        self.init(seq: try row.int64("seq"), audit: try row.int64("audit"), code: try row.string("code"), item: try row.optionalString("item"))
    }
    var sqlValues: [SQLValue] { [.integer(seq), .integer(audit), .text(code), item.sqlValueOrNull] }
}

extension AuditResultRecord {
    static let columns = ["audit", "item", "outcome", "expectedAt"]
    init(row: SQLRow) throws {
        let outcome = try row.string("outcome")
        guard let known = AuditOutcome(rawValue: outcome) else {
            throw SQLTypeMismatch(description: "audit_result: outcome \(outcome) is none of found, missing, unexpected")
        }
        self.init(audit: try row.int64("audit"), item: try row.string("item"), outcome: known, expectedAt: try row.optionalString("expectedAt"))
    }
    var sqlValues: [SQLValue] { [.integer(audit), .text(item), .text(outcome.rawValue), expectedAt.sqlValueOrNull] }
}

extension CaseStore {
    /// What `ledger verify` checks of the audit and disposal tables: they hold exactly the rows
    /// the `custody.audit.*` and `custody.dispose*` entries imply; nil when they do.
    func auditDisposalProblem(entries: [RegistryEntry]) -> String? {
        var audits = [Int64: AuditRecord](), scans = [AuditScanRecord](), results = [AuditResultRecord]()
        var disposals = [Int64: DisposalRecord]()
        for e in entries {
            let p = e.payload
            func text(_ key: String) -> String? { p[key]?.stringValue }
            func number(_ key: String) -> Int64 { p[key]?.integerValue ?? -1 }
            let time = e.time
            switch e.action {
            case .custodyAuditStart:
                audits[e.sequence] = AuditRecord(id: e.sequence, location: text("location") ?? "", startedBy: e.examiner, startedAt: time)
            case .custodyAuditScan:
                scans.append(AuditScanRecord(seq: e.sequence, audit: number("audit"), code: text("code") ?? "", item: text("item")))
            case .custodyAuditFinish:
                let id = number("audit")
                audits[id]?.finishSeq = e.sequence
                audits[id]?.finishedAt = time
                func labels(_ key: String) -> [String] { p[key]?.arrayValue?.compactMap(\.stringValue) ?? [] }
                results += labels("found").map { AuditResultRecord(audit: id, item: $0, outcome: .found) }
                results += labels("missing").map { AuditResultRecord(audit: id, item: $0, outcome: .missing) }
                for member in p["unexpected"]?.arrayValue ?? [] {
                    results.append(AuditResultRecord(audit: id, item: member["item"]?.stringValue ?? "", outcome: .unexpected,
                                                     expectedAt: member["expectedAt"]?.stringValue))
                }
            case .custodyDisposeRequest:
                guard let method = text("method").flatMap(DisposalMethod.init(rawValue:)) else { return "entry \(e.sequence) requests a disposal by an unknown method" }
                disposals[e.sequence] = DisposalRecord(id: e.sequence, item: e.subjects.first ?? "", method: method, recipient: text("to"),
                                                       reason: text("reason") ?? "", state: .requested, requestedBy: e.examiner, requestedAt: time)
            case .custodyDisposeApprove:
                let id = number("request")
                disposals[id]?.state = .approved
                disposals[id]?.approveSeq = e.sequence
                disposals[id]?.approvedBy = e.examiner
                disposals[id]?.approvedAt = time
            case .custodyDispose where p["request"] != nil:
                let id = number("request")
                disposals[id]?.state = .executed
                disposals[id]?.executeSeq = e.sequence
                disposals[id]?.executedAt = time
            default: continue
            }
        }
        let stored: ([AuditRecord], [AuditScanRecord], [AuditResultRecord], [DisposalRecord])
        do {
            stored = try database.read { db in
                (try AuditRecord.fetchAll(db, "ORDER BY id"), try AuditScanRecord.fetchAll(db, "ORDER BY seq"),
                 try AuditResultRecord.fetchAll(db), try DisposalRecord.fetchAll(db, "ORDER BY id"))
            }
        } catch { return "cannot read the audit and disposal tables: \(map(error))" }
        func differs<Row: Hashable>(_ table: String, _ rows: [Row], _ implied: [Row], _ name: (Row) -> String) -> String? {
            let have = Set(rows), want = Set(implied)
            if let extra = rows.first(where: { !want.contains($0) }) {
                return "table \(table) holds \(name(extra)), which differs from or lacks its entries in the ledger"
            }
            if let lacking = implied.first(where: { !have.contains($0) }) {
                return "the ledger records \(name(lacking)), which table \(table) lacks or holds otherwise"
            }
            return nil
        }
        return differs("audit", stored.0, Array(audits.values), { "audit \($0.id)" })
            ?? differs("audit_scan", stored.1, scans, { "the scan at entry \($0.seq)" })
            ?? differs("audit_result", stored.2, results, { "audit \($0.audit)'s \($0.outcome.rawValue) item \($0.item)" })
            ?? differs("disposal", stored.3, Array(disposals.values), { "disposal request \($0.id)" })
    }
}
