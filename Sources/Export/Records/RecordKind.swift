import CaseStore
import Ledger

/// The records (biên bản) Custody prints from the ledger, one per kind of event
/// (docs/RECORDS.md): which entries each is made from and which people it must name.
public enum RecordKind: String, CaseIterable, Sendable {
    /// Biên bản thu giữ vật chứng (`custody.seize`).
    case seizure
    /// Biên bản niêm phong vật chứng (`custody.seal`).
    case seal
    /// Biên bản mở niêm phong vật chứng (`custody.unseal`).
    case unseal
    /// Biên bản giao nhận vật chứng (`custody.transfer`, `custody.receive`).
    case handover
    /// Biên bản xuất vật chứng for examination (`custody.checkout`).
    case checkout
    /// Biên bản nhập lại vật chứng after examination (`custody.checkin`).
    case checkin
    /// Biên bản tiêu hủy vật chứng (`custody.dispose`, except a return).
    case disposal
    /// Biên bản trả lại vật chứng (`custody.dispose` whose `method` is `return`).
    case giveBack = "return"
    /// Biên bản kiểm kê vật chứng: the result of a shelf audit (`custody.audit.finish`, printed on its location).
    case audit
    /// Biên bản kiểm tra, thu thập dữ liệu điện tử: a SIM read (`sim.acquire`, `sim.reread`).
    case examination

    /// `custody form KIND`: the kind, or one line naming the kinds there are.
    public init(option: String) throws(RecordError) {
        guard let kind = RecordKind(rawValue: option.lowercased()) else {
            throw RecordError("unknown record kind \"\(option)\": use one of \(RecordKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = kind
    }

    /// The ledger actions whose entries this record is printed from.
    public var actions: [LedgerAction] {
        switch self {
        case .seizure: [.custodySeize]
        case .seal: [.custodySeal]
        case .unseal: [.custodyUnseal]
        case .handover: [.custodyTransfer, .custodyReceive]
        case .checkout: [.custodyCheckOut]
        case .checkin: [.custodyCheckIn]
        case .disposal, .giveBack: [.custodyDispose]
        case .examination: [.simAcquire, .simReread]
        case .audit: [.custodyAuditFinish]
        }
    }

    /// Whether this record is printed from `entry`: an entry of one of its actions, and for a
    /// disposal the method (a return has its own record).
    public func isPrinted(from entry: LedgerEntry) -> Bool {
        guard actions.contains(entry.action) else { return false }
        let returned = entry.payload["method"]?.stringValue == DisposalMethod.giveBack.rawValue
        switch self {
        case .disposal: return !returned
        case .giveBack: return returned
        default: return true
        }
    }

    /// The record kind printed from `entry`, nil when none is.
    public init?(entry: LedgerEntry) {
        guard let kind = RecordKind.allCases.first(where: { $0.isPrinted(from: entry) }) else { return nil }
        self = kind
    }

    /// The people the record must name: a record of an event recorded without one of them says
    /// so in one line instead of printing an empty line to fill in.
    var requiredRoles: [ParticipantRole] {
        switch self {
        case .seizure: [.investigator, .owner, .witness]
        case .seal, .unseal: [.technician, .witness]
        case .handover: [.deliverer, .receiver]
        case .checkout, .checkin: [.clerk, .technician]
        case .disposal: [.investigator, .witness]
        case .giveBack: [.receiver, .witness]
        case .examination: [.technician]
        case .audit: []
        }
    }
}

/// A record that cannot be printed: one line, what failed and what to do.
public struct RecordError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
