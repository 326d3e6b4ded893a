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
    /// Biên bản tiêu hủy vật chứng (`custody.dispose`).
    case disposal
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
        case .disposal: [.custodyDispose]
        case .examination: [.simAcquire, .simReread]
        }
    }

    /// The record kind printed from an entry of `action`, nil when none is.
    public init?(action: LedgerAction) {
        guard let kind = RecordKind.allCases.first(where: { $0.actions.contains(action) }) else { return nil }
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
        case .examination: [.technician]
        }
    }
}

/// A record that cannot be printed: one line, what failed and what to do.
public struct RecordError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
