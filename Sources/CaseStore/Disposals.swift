import Foundation
import Ledger

// Disposal and return (docs/CASE-STORE.md, "Disposal and return"): requested by one examiner,
// approved by a supervisor who is not the requester (the two-person rule, checked here inside
// the approval's transaction, so every front end is held to it), executed before witnesses.
// The execution is the item's `custody.dispose` entry, which makes its `custody_state` disposed:
// from then on the item leaves the active lists (the dashboard's counts, audit expectations, the
// not-audited list) and stays in the ledger and its history.

/// How an item leaves the evidence store.
public enum DisposalMethod: String, Sendable, Codable, CaseIterable {
    /// Destroyed (tiêu hủy).
    case destroy
    /// Returned to its owner or a person entitled to it (trả lại), named by the request.
    case giveBack = "return"
}

/// Where a disposal request stands.
public enum DisposalState: String, Sendable, Codable, CaseIterable {
    case requested, approved, executed
}

/// Table `disposal` (schema 8): one row per request; `id` is its `custody.dispose.request` entry.
public struct DisposalRecord: Sendable, Hashable, Codable, SQLRecord {
    static let table = "disposal"
    public var id: Int64
    public var item: String
    public var method: DisposalMethod
    /// Whom the item is returned to (`return` only).
    public var recipient: String?
    public var reason: String
    public var state: DisposalState
    public var requestedBy: String
    public var requestedAt: String
    /// The approval's entry, its supervisor and time; nil until approved.
    public var approveSeq: Int64?
    public var approvedBy: String?
    public var approvedAt: String?
    /// The execution's `custody.dispose` entry and time; nil until executed.
    public var executeSeq: Int64?
    public var executedAt: String?
}

extension CaseStore {
    /// Requests the disposal or return of `label` (`custody.dispose.request`, payload `method`,
    /// `reason`, and `to` for a return). Refused: an unknown item, a location, an item already
    /// disposed or with a request still open, a return without a recipient (or a destruction
    /// with one), an empty reason, an examiner whose role does not handle evidence.
    @discardableResult
    public func requestDisposal(label: String, method: DisposalMethod, recipient: String?, reason: String,
                                by examiner: String) throws(CaseStoreError) -> (SignedEntry, DisposalRecord) {
        try CaseStore.validateLabel(label)
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        let recipient = recipient?.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw .invalidInput("--reason must not be empty: say why the item is disposed of or returned; nothing was written") }
        switch method {
        case .giveBack where recipient?.isEmpty ?? true:
            throw .invalidInput("a return needs the person it goes to: add --to \"Full Name\"; nothing was written")
        case .destroy where recipient != nil:
            throw .invalidInput("--to names whom an item is returned to: a destruction has none; leave --to out or use --method return; nothing was written")
        default: break
        }
        let time = LedgerTime(Date())
        var record = DisposalRecord(id: 0, item: label, method: method, recipient: recipient, reason: reason, state: .requested,
                                    requestedBy: examiner, requestedAt: time.description)
        let entry = try append(examiner: examiner, subjects: [label], time: time) { db in
            try CaseStore.requireRole(db, examiner, CaseStore.evidenceRoles, to: "request a disposal or return")
            guard let item = try ItemRecord.fetchOne(db, "WHERE label = ?", label) else { throw CaseStoreError.unknownItem(label) }
            guard item.type != .device(.location) else {
                throw CaseStoreError.invalidInput("\(label) is a storage location, not evidence: dispose of the items it holds; nothing was written")
            }
            if let earlier = try DisposalRecord.fetchOne(db, "WHERE item = ? ORDER BY id DESC", label) {
                if earlier.state == .executed {
                    throw CaseStoreError.invalidInput("\(label) was already \(earlier.method == .destroy ? "destroyed" : "returned") at entry \(earlier.executeSeq ?? earlier.id) (request \(earlier.id)); nothing was written")
                }
                throw CaseStoreError.invalidInput("\(label) already has disposal request \(earlier.id) (\(earlier.state.rawValue)): approve or execute that one; nothing was written")
            }
            var payload: [String: CanonicalJSON] = ["method": .string(method.rawValue), "reason": .string(reason)]
            if let recipient { payload["to"] = .string(recipient) }
            return EntryDraft(action: .custodyDisposeRequest, payload: payload) { db, seq in
                record.id = seq
                try record.insert(db)
            }
        }
        return (entry, record)
    }

    /// Approves request `id` (`custody.dispose.approve`, subject the item, payload `request`).
    /// The two-person rule: only a supervisor may approve, and never the examiner who
    /// requested it. Refused too: an unknown request, one approved or executed already.
    @discardableResult
    public func approveDisposal(_ id: Int64, by examiner: String) throws(CaseStoreError) -> (SignedEntry, DisposalRecord) {
        let time = LedgerTime(Date())
        let item = try disposalItem(id)
        var record: DisposalRecord?
        let entry = try append(examiner: examiner, subjects: [item], time: time) { db in
            var request = try CaseStore.disposal(db, id, in: .requested, to: "approved")
            try CaseStore.requireRole(db, examiner, [.supervisor], to: "approve a disposal or return")
            guard request.requestedBy != examiner else {
                throw CaseStoreError.notPermitted("examiner \(examiner) requested disposal \(id) and may not approve it too (two-person rule): another supervisor must approve it; nothing was written")
            }
            return EntryDraft(action: .custodyDisposeApprove, payload: ["request": .integer(id)]) { db, seq in
                request.state = .approved
                request.approveSeq = seq
                request.approvedBy = examiner
                request.approvedAt = time.description
                try db.execute("UPDATE disposal SET state = ?, approveSeq = ?, approvedBy = ?, approvedAt = ? WHERE id = ?",
                               request.state.rawValue, seq, examiner, time.description, id)
                record = request
            }
        }
        return (entry, record!)
    }

    /// Executes approved request `id`: the item's `custody.dispose` entry (payload `request`,
    /// `approval`, `method`, `reason`, `to` for a return, `participants`). At least one witness
    /// must be named. The item's `custody_state` becomes disposed. Refused: an unknown request,
    /// one not approved or executed already, an item checked out, an examiner whose role does
    /// not handle evidence.
    @discardableResult
    public func executeDisposal(_ id: Int64, participants: [EventParticipant], by examiner: String) throws(CaseStoreError) -> (SignedEntry, DisposalRecord) {
        guard participants.contains(where: { $0.role == .witness }) else {
            throw .invalidInput("a disposal or return is executed before witnesses: name at least one with --witness \"Full Name[,unit]\"; nothing was written")
        }
        let time = LedgerTime(Date())
        let item = try disposalItem(id)
        var record: DisposalRecord?
        let entry = try append(examiner: examiner, subjects: [item], time: time) { db in
            var request = try CaseStore.disposal(db, id, in: .approved, to: "executed")
            try CaseStore.requireRole(db, examiner, CaseStore.evidenceRoles, to: "execute a disposal or return")
            if let held = try CaseStore.custodyRow(db, request.item), held.state == .checkedOut {
                throw CaseStoreError.invalidInput("\(request.item) is checked out\(held.holder.map { " to \($0)" } ?? "") since \(held.since): check it in (`custody event checkin \(request.item)`) before it is disposed of or returned; nothing was written")
            }
            var payload: [String: CanonicalJSON] = [
                "request": .integer(id), "approval": .integer(request.approveSeq ?? 0), "method": .string(request.method.rawValue),
                "reason": .string(request.reason), "participants": .array(participants.map(\.canonical)),
            ]
            if let recipient = request.recipient { payload["to"] = .string(recipient) }
            let recorded = payload
            return EntryDraft(action: .custodyDispose, payload: recorded) { db, seq in
                request.state = .executed
                request.executeSeq = seq
                request.executedAt = time.description
                try db.execute("UPDATE disposal SET state = ?, executeSeq = ?, executedAt = ? WHERE id = ?",
                               request.state.rawValue, seq, time.description, id)
                try CaseStore.recordCustodyState(db, label: item, action: .custodyDispose, payload: recorded, seq: seq, time: time)
                record = request
            }
        }
        return (entry, record!)
    }

    /// The item of request `id` (the entry's subject, known before the transaction).
    func disposalItem(_ id: Int64) throws(CaseStoreError) -> String {
        guard let request = try disposal(id) else {
            throw .invalidInput("no disposal request \(id) in this case: `custody dispose list` shows them; nothing was written")
        }
        return request.item
    }

    /// Request `id`, which must be in `state` to be `next`; else the one line saying where it stands.
    static func disposal(_ db: any SQLExecutor, _ id: Int64, in state: DisposalState, to next: String) throws -> DisposalRecord {
        guard let request = try DisposalRecord.fetchOne(db, "WHERE id = ?", id) else {
            throw CaseStoreError.invalidInput("no disposal request \(id) in this case: `custody dispose list` shows them; nothing was written")
        }
        guard request.state == state else {
            let hint = switch request.state {
            case .requested: "a supervisor who did not request it must approve it first (`custody dispose approve \(id)`)"
            case .approved: "it was approved at entry \(request.approveSeq ?? 0): execute it (`custody dispose execute \(id)`)"
            case .executed: "it was executed at entry \(request.executeSeq ?? 0)"
            }
            throw CaseStoreError.invalidInput("disposal request \(id) of \(request.item) is \(request.state.rawValue), so it cannot be \(next): \(hint); nothing was written")
        }
        return request
    }

    // MARK: Reading

    /// Every disposal request, newest first; `state` nil: in every state.
    public func disposals(state: DisposalState? = nil) throws(CaseStoreError) -> [DisposalRecord] {
        try read { db in
            if let state { return try DisposalRecord.fetchAll(db, "WHERE state = ? ORDER BY id DESC", state.rawValue) }
            return try DisposalRecord.fetchAll(db, "ORDER BY id DESC")
        }
    }

    /// Request `id`, nil when the case has none.
    public func disposal(_ id: Int64) throws(CaseStoreError) -> DisposalRecord? {
        try read { db in try DisposalRecord.fetchOne(db, "WHERE id = ?", id) }
    }

    /// The latest request about `label` (nil: none): the item page shows a request under way.
    public func disposal(of label: String) throws(CaseStoreError) -> DisposalRecord? {
        try read { db in try DisposalRecord.fetchOne(db, "WHERE item = ? ORDER BY id DESC", label) }
    }
}

extension DisposalRecord {
    static let columns = ["id", "item", "method", "recipient", "reason", "state", "requestedBy", "requestedAt",
                          "approveSeq", "approvedBy", "approvedAt", "executeSeq", "executedAt"]
    init(row: SQLRow) throws {
        let id = try row.int64("id")
        let method = try row.string("method"), state = try row.string("state")
        guard let knownMethod = DisposalMethod(rawValue: method), let knownState = DisposalState(rawValue: state) else {
            throw SQLTypeMismatch(description: "disposal \(id): method \(method) or state \(state) is not one Custody writes")
        }
        self.init(id: id, item: try row.string("item"), method: knownMethod, recipient: try row.optionalString("recipient"),
                  reason: try row.string("reason"), state: knownState, requestedBy: try row.string("requestedBy"),
                  requestedAt: try row.string("requestedAt"), approveSeq: try row.optionalInt64("approveSeq"),
                  approvedBy: try row.optionalString("approvedBy"), approvedAt: try row.optionalString("approvedAt"),
                  executeSeq: try row.optionalInt64("executeSeq"), executedAt: try row.optionalString("executedAt"))
    }
    var sqlValues: [SQLValue] {
        [.integer(id), .text(item), .text(method.rawValue), recipient.sqlValueOrNull, .text(reason), .text(state.rawValue),
         .text(requestedBy), .text(requestedAt), approveSeq.sqlValueOrNull, approvedBy.sqlValueOrNull, approvedAt.sqlValueOrNull,
         executeSeq.sqlValueOrNull, executedAt.sqlValueOrNull]
    }
}
