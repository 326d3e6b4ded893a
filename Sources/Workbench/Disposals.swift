import CaseStore
import Export
import Foundation
import Ledger
import Wording

/// Disposal and return as every front end runs them (`custody dispose …`, the desk's disposal
/// pages): a request, its approval by a supervisor who is not the requester, the execution
/// before witnesses (docs/CASE-STORE.md, "Disposal and return"). The roles and the two-person
/// rule are enforced by the case store inside each append's transaction; `mayApprove` lets a
/// front end show the approval only to whoever may give it.
public enum Disposals {
    /// One request as it stands (schema custody.disposal/1).
    public struct DisposalOutput: Encodable, Sendable, Hashable {
        public var schema = "custody.disposal/1"
        public var caseID: String
        public var id: Int64
        public var item: String
        /// `destroy` or `return`.
        public var method: String
        /// Whom a return goes to.
        public var to: String?
        public var reason: String
        /// `requested`, `approved` or `executed`.
        public var state: String
        public var requestedBy: String
        public var requestedAt: String
        public var approveEntry: Int64?
        public var approvedBy: String?
        public var approvedAt: String?
        /// The item's `custody.dispose` entry (its record, biên bản, is printed from it).
        public var executeEntry: Int64?
        public var executedAt: String?

        public init(caseID: String, _ r: DisposalRecord) {
            self.caseID = caseID
            id = r.id; item = r.item; method = r.method.rawValue; to = r.recipient; reason = r.reason; state = r.state.rawValue
            requestedBy = r.requestedBy; requestedAt = r.requestedAt
            approveEntry = r.approveSeq; approvedBy = r.approvedBy; approvedAt = r.approvedAt
            executeEntry = r.executeSeq; executedAt = r.executedAt
        }
    }

    /// Requests, newest first (schema custody.disposals/1).
    public struct DisposalList: Encodable, Sendable {
        public var schema = "custody.disposals/1"
        public var caseID: String
        /// The state asked for, absent: every state.
        public var state: String?
        public var disposals: [DisposalOutput]
    }

    /// `--method destroy|return`, or the one line naming the methods.
    public static func method(_ option: String) throws(WorkbenchError) -> DisposalMethod {
        guard let method = DisposalMethod(rawValue: option.lowercased()) else {
            throw WorkbenchError("--method \(option): use destroy or return")
        }
        return method
    }

    /// `--state requested|approved|executed`, or the one line naming the states.
    public static func state(_ option: String) throws(WorkbenchError) -> DisposalState {
        guard let state = DisposalState(rawValue: option.lowercased()) else {
            throw WorkbenchError("--state \(option): use one of \(DisposalState.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return state
    }

    /// Requests the disposal (`destroy`) or return (`return`, to `recipient`) of `label`.
    public static func request(_ store: CaseStore, label: String, method: DisposalMethod, to recipient: String?, reason: String,
                               by examiner: String) throws(WorkbenchError) -> (SignedEntry, DisposalOutput) {
        try inCase { () throws(CaseStoreError) in
            let (entry, record) = try store.requestDisposal(label: label, method: method, recipient: recipient, reason: reason, by: examiner)
            return (entry, DisposalOutput(caseID: store.caseID, record))
        }
    }

    /// Approves request `id` (a supervisor who did not request it).
    public static func approve(_ store: CaseStore, request id: Int64, by examiner: String) throws(WorkbenchError) -> (SignedEntry, DisposalOutput) {
        try inCase { () throws(CaseStoreError) in
            let (entry, record) = try store.approveDisposal(id, by: examiner)
            return (entry, DisposalOutput(caseID: store.caseID, record))
        }
    }

    /// Executes approved request `id` before `participants` (at least one witness): the item's
    /// `custody.dispose` entry, from which its record (`custody form disposal` or `return`) prints.
    public static func execute(_ store: CaseStore, request id: Int64, participants: [EventParticipant],
                               by examiner: String) throws(WorkbenchError) -> (SignedEntry, DisposalOutput) {
        try inCase { () throws(CaseStoreError) in
            let (entry, record) = try store.executeDisposal(id, participants: participants, by: examiner)
            return (entry, DisposalOutput(caseID: store.caseID, record))
        }
    }

    /// Request `id` as it stands.
    public static func show(_ store: CaseStore, request id: Int64) throws(WorkbenchError) -> DisposalOutput {
        try inCase { () throws(CaseStoreError) in
            guard let record = try store.disposal(id) else {
                throw CaseStoreError.invalidInput("no disposal request \(id) in this case: `custody dispose list` shows them")
            }
            return DisposalOutput(caseID: store.caseID, record)
        }
    }

    /// Prints the record (biên bản) of executed request `id`: a destruction's or a return's,
    /// from its `custody.dispose` entry (`RecordForms.print`, a `form.print` entry by `examiner`).
    public static func printRecord(_ store: CaseStore, request id: Int64, language: Language, to path: String,
                                   tool: ToolIdentity, by examiner: String) throws -> RecordForms.Output {
        let disposal = try show(store, request: id)
        guard let entry = disposal.executeEntry else {
            throw WorkbenchError("disposal request \(id) of \(disposal.item) is not executed yet: execute it before witnesses, then print its record")
        }
        return try RecordForms.print(store, kind: disposal.method == DisposalMethod.giveBack.rawValue ? .giveBack : .disposal,
                                     label: disposal.item, seq: entry, language: language, to: path, tool: tool, by: examiner)
    }

    /// Every request in `state` (nil: every state), newest first.
    public static func list(_ store: CaseStore, state: DisposalState? = nil) throws(WorkbenchError) -> DisposalList {
        try inCase { () throws(CaseStoreError) in
            DisposalList(caseID: store.caseID, state: state?.rawValue,
                         disposals: try store.disposals(state: state).map { DisposalOutput(caseID: store.caseID, $0) })
        }
    }

    /// Whether `examiner` may approve `request`: a supervisor who did not request it, while it
    /// waits for approval. The store enforces the same rule when the approval is appended.
    public static func mayApprove(_ request: DisposalRecord, examiner: ExaminerRecord) -> Bool {
        request.state == .requested && examiner.role == .supervisor && examiner.id != request.requestedBy
    }
}
