import Foundation

/// What an export plans with, taken in one read transaction so the parts agree with each other
/// and with `size` (the ledger as of the snapshot). The large parts of a case, the ledger lines
/// and the read records, are not in it: the export streams them below `size`
/// (`forEachLine(below:)`, `forEachAcquisition(below:)`), and the export entry is appended
/// only if the ledger has not grown, so they are the same rows.
public struct CaseSnapshot: Sendable {
    public var caseRecord: CaseRecord
    /// How many lines the ledger holds: entries 0 ..< size.
    public var size: Int
    /// The roster, in the order the ledger added it.
    public var examiners: [ExaminerRecord]
    /// Every item, by creating entry, then label (byte order).
    public var items: [ItemRecord]
    /// Every stored read without its record, in sequence order.
    public var acquisitions: [AcquisitionHeader]
    /// Every `sim` item's reads, state and operator (`CaseStore.simStatuses()`).
    public var simStatuses: [SIMStatus]
}

extension CaseStore {
    /// One consistent view of the case (see `CaseSnapshot`).
    public func snapshot() throws(CaseStoreError) -> CaseSnapshot {
        try read { db in
            let size = Int(try db.integer("SELECT COUNT(*) FROM ledger_entry") ?? 0)
            return CaseSnapshot(caseRecord: caseRecord, size: size,
                                examiners: try ExaminerRecord.fetchAll(db, "ORDER BY seq").sorted { $0.seq != $1.seq ? $0.seq < $1.seq : CaseStore.byteOrder($0.id, $1.id) },
                                items: try ItemRecord.fetchAll(db).sorted(by: CaseStore.creationOrder),
                                acquisitions: try CaseStore.acquisitionHeaders(db, below: size),
                                simStatuses: try sharedSIMStatuses(db))
        }
    }
}
