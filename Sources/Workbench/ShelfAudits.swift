import CaseStore
import Export
import Foundation
import Ledger
import Wording

/// Shelf audits as every front end runs them (`custody audit …`, the desk's audit pages):
/// start an audit of a location, scan what is physically there, finish with the four sets
/// (docs/CASE-STORE.md, "Audits"). Who may audit is decided in the case store, inside each
/// append's transaction (`CaseStore.evidenceRoles`), so the CLI and the desk share the rule.
public enum ShelfAudits {
    /// One audit: where it stands, its scans and its result (schema custody.audit/1). The
    /// result of an open audit is a preview: what a finish now would record.
    public struct AuditOutput: Encodable, Sendable {
        public var schema = "custody.audit/1"
        public var caseID: String
        public var id: Int64
        public var location: String
        public var startedBy: String
        public var startedAt: String
        public var finished: Bool
        /// The `custody.audit.finish` entry and its time, absent while open.
        public var finishEntry: Int64?
        public var finishedAt: String?
        public var scans: [ScanRow]
        public var result: ResultOutput
    }

    /// A code scanned in an audit.
    public struct ScanRow: Encodable, Sendable, Hashable {
        /// The scan's entry.
        public var entry: Int64
        public var code: String
        /// The item the code names, absent for an unknown code.
        public var item: String?
    }

    /// The four sets (labels and codes in label order).
    public struct ResultOutput: Encodable, Sendable, Hashable {
        public var found: [String]
        public var missing: [String]
        public var unexpected: [UnexpectedItem]
        public var unknown: [String]
    }

    /// One scan as recorded, with what it means for the audit at once (schema
    /// custody.audit.scan/1): the desk's scan field confirms or warns on it.
    public struct ScanOutput: Encodable, Sendable {
        public var schema = "custody.audit.scan/1"
        public var audit: Int64
        public var entry: Int64
        public var code: String
        public var item: String?
        /// `expected` (the case keeps it at the location or below it), `unexpected` (kept
        /// elsewhere: `expectedAt` says where), or `unknown` (no item has this label).
        public var status: String
        public var expectedAt: String?
    }

    /// Audits, newest first (schema custody.audits/1).
    public struct AuditList: Encodable, Sendable {
        public var schema = "custody.audits/1"
        public var caseID: String
        public var audits: [Summary]
    }

    /// One line of the audit list.
    public struct Summary: Encodable, Sendable {
        public var id: Int64
        public var location: String
        public var startedBy: String
        public var startedAt: String
        public var finished: Bool
        public var finishEntry: Int64?
        public var finishedAt: String?
    }

    /// Items not audited for `days` days (schema custody.audit.overdue/1), never-audited first.
    public struct OverdueOutput: Encodable, Sendable {
        public var schema = "custody.audit.overdue/1"
        public var caseID: String
        public var days: Int
        /// Items whose last audit is older than this (RFC 3339 UTC).
        public var since: String
        public var items: [OverdueItem]
    }

    public struct OverdueItem: Encodable, Sendable, Hashable {
        public var item: String
        /// The last finished audit that saw it and when it finished; absent: never audited.
        public var lastAudit: Int64?
        public var lastAuditedAt: String?
    }

    /// Starts an audit of `location` by `examiner`.
    public static func start(_ store: CaseStore, location: String, by examiner: String) throws(WorkbenchError) -> (SignedEntry, AuditOutput) {
        let (entry, audit) = try inCase { () throws(CaseStoreError) in try store.startAudit(location: location, by: examiner) }
        return (entry, try show(store, audit: audit.id))
    }

    /// Records one scanned `code` (an item label, as its QR label carries it) in `audit`.
    public static func scan(_ store: CaseStore, audit: Int64, code: String, by examiner: String) throws(WorkbenchError) -> (SignedEntry, ScanOutput) {
        try inCase { () throws(CaseStoreError) in
            let (entry, scan) = try store.scanAudit(audit, code: code, by: examiner)
            var output = ScanOutput(audit: audit, entry: scan.seq, code: scan.code, item: scan.item, status: "unknown")
            if let item = scan.item {
                let (here, keptAt) = try store.auditPlacement(audit: audit, item: item)
                output.status = here ? "expected" : "unexpected"
                output.expectedAt = here ? nil : keptAt
            }
            return (entry, output)
        }
    }

    /// Finishes `audit`: its result becomes a signed entry.
    public static func finish(_ store: CaseStore, audit: Int64, by examiner: String) throws(WorkbenchError) -> (SignedEntry, AuditOutput) {
        let (entry, _) = try inCase { () throws(CaseStoreError) in try store.finishAudit(audit, by: examiner) }
        return (entry, try show(store, audit: audit))
    }

    /// Audit `id` as it stands.
    public static func show(_ store: CaseStore, audit id: Int64) throws(WorkbenchError) -> AuditOutput {
        try inCase { () throws(CaseStoreError) in
            guard let result = try store.auditResult(id) else {
                throw CaseStoreError.invalidInput("no audit \(id) in this case: `custody audit list` shows the audits")
            }
            let audit = result.audit
            return AuditOutput(caseID: store.caseID, id: audit.id, location: audit.location, startedBy: audit.startedBy, startedAt: audit.startedAt,
                               finished: audit.isFinished, finishEntry: audit.finishSeq, finishedAt: audit.finishedAt,
                               scans: try store.auditScans(id).map { ScanRow(entry: $0.seq, code: $0.code, item: $0.item) },
                               result: ResultOutput(found: result.found, missing: result.missing, unexpected: result.unexpected, unknown: result.unknown))
        }
    }

    /// Every audit (of `location` only, when given), newest first.
    public static func list(_ store: CaseStore, location: String? = nil) throws(WorkbenchError) -> AuditList {
        try inCase { () throws(CaseStoreError) in
            AuditList(caseID: store.caseID, audits: try store.audits(location: location).map {
                Summary(id: $0.id, location: $0.location, startedBy: $0.startedBy, startedAt: $0.startedAt, finished: $0.isFinished,
                        finishEntry: $0.finishSeq, finishedAt: $0.finishedAt)
            })
        }
    }

    /// The items kept at a location that no finished audit has seen for `days` days before `now`.
    public static func overdue(_ store: CaseStore, days: Int, now: Date = Date()) throws(WorkbenchError) -> OverdueOutput {
        guard days >= 0 else { throw WorkbenchError("--days \(days) must be 0 or more") }
        let since = LedgerTime(now.addingTimeInterval(-Double(days) * 86_400))
        return try inCase { () throws(CaseStoreError) in
            OverdueOutput(caseID: store.caseID, days: days, since: since.description, items: try store.itemsNotAudited(since: since).map {
                OverdueItem(item: $0.item, lastAudit: $0.audit, lastAuditedAt: $0.finishedAt)
            })
        }
    }

    /// Prints the report of finished audit `id` (the `audit` record of its finish entry, on its
    /// location) in `language` to `path`; the printing is a `form.print` entry by `examiner`.
    public static func printReport(_ store: CaseStore, audit id: Int64, language: Language, to path: String,
                                   tool: ToolIdentity, by examiner: String) throws -> RecordForms.Output {
        let audit = try inCase { () throws(CaseStoreError) in
            guard let audit = try store.audit(id) else {
                throw CaseStoreError.invalidInput("no audit \(id) in this case: `custody audit list` shows the audits")
            }
            return audit
        }
        guard let finish = audit.finishSeq else {
            throw WorkbenchError("audit \(id) of \(audit.location) is still open: finish it (`custody audit finish \(id)`), then print its report")
        }
        return try RecordForms.print(store, kind: .audit, label: audit.location, seq: finish, language: language, to: path, tool: tool, by: examiner)
    }

    /// When `label` was last seen by a finished audit (the item page shows it).
    public static func lastAudit(_ store: CaseStore, label: String) throws(WorkbenchError) -> ItemAuditDate {
        try inCase { () throws(CaseStoreError) in
            guard try store.item(label) != nil else { throw CaseStoreError.unknownItem(label) }
            return try store.lastAudit(of: label)
        }
    }
}
