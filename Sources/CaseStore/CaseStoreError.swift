/// Why a case-store operation failed. Every description is one line: what failed, why,
/// and what to do.
public enum CaseStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case noCaseSelected
    case missingCase(String)
    case alreadyACase(String)
    case interruptedInit(String)
    case newerSchema(path: String, found: Int, supported: Int)
    case locked(String)
    case diskFull(String)
    case noExaminer
    case unknownExaminer(String)
    case notPermitted(String)
    case unknownItem(String)
    case itemExists(String)
    case unknownEntry(Int64, count: Int)
    case caseChanged(expected: Int64, found: Int64)
    case invalidInput(String)
    case keyProblem(String)
    case io(String)
    case database(String)
    /// The store cannot be reached for now (server restarting, connection lost); nothing was
    /// written, or (for an append) the append retries and finds out. Transient: retry.
    case unavailable(String)
    case ledger(String)

    public var description: String {
        switch self {
        case .noCaseSelected:
            "no case selected: pass --case DIR or set CUSTODY_CASE (create one with `custody case init DIR`)"
        case .missingCase(let p):
            "no case at \(p) (no case.sqlite there): check --case / CUSTODY_CASE or create it with `custody case init \(p)`"
        case .alreadyACase(let p):
            "\(p) already holds a case: choose another folder or an empty database (Custody never overwrites a case)"
        case .interruptedInit(let r):
            r
        case .newerSchema(let p, let found, let supported):
            "case store \(p) was written by a newer Custody (schema \(found) > \(supported)): upgrade Custody"
        case .locked(let p):
            "case store \(p) is locked by another process (waited \(Int(CaseStore.busyTimeout)) s): wait for it to finish and retry"
        case .diskFull(let p):
            "case store \(p): disk full, nothing was written: free space and retry"
        case .noExaminer:
            "no examiner given: pass --examiner ID or set CUSTODY_EXAMINER (see `custody examiner list`); nothing was written"
        case .unknownExaminer(let id):
            "examiner \"\(id)\" is not in this case's roster: check the id (`custody examiner list`) or have a supervisor add it with `custody examiner add`; nothing was written"
        case .notPermitted(let r):
            r
        case .unknownItem(let label):
            "no item \"\(label)\" in this case: check the label or seize it first with `custody event seize \(label)`; nothing was written"
        case .itemExists(let label):
            "an item \"\(label)\" already exists in this case: choose another label; nothing was written"
        case .unknownEntry(let seq, let count):
            "no ledger entry \(seq): this case's ledger has entries 0…\(count - 1)"
        case .caseChanged(let expected, let found):
            "the case changed while this command read it (another process appended entries: the next entry would be \(found), not \(expected)); nothing was written: run it again"
        case .invalidInput(let r):
            r
        case .keyProblem(let r):
            r
        case .io(let r):
            r
        case .unavailable(let r):
            r
        case .database(let r):
            r
        case .ledger(let r):
            r
        }
    }
}
