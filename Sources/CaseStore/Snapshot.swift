
/// Everything an export reads from a case, taken in one read transaction so the parts agree
/// with each other and with `lines` (the ledger as of the snapshot).
public struct CaseSnapshot: Sendable {
    public var caseRecord: CaseRecord
    /// Every stored line, in sequence order.
    public var lines: [LedgerEntryRecord]
    /// The roster, in the order the ledger added it.
    public var examiners: [ExaminerRecord]
    /// Every item, by creating entry, then label (byte order).
    public var items: [ItemRecord]
    /// Every stored read with its record, in sequence order.
    public var acquisitions: [AcquisitionRecord]
    /// Every `sim` item's reads, state and operator (`CaseStore.simStatuses()`).
    public var simStatuses: [SIMStatus]
}

extension CaseStore {
    /// One consistent view of the case (see `CaseSnapshot`).
    public func snapshot() throws(CaseStoreError) -> CaseSnapshot {
        try read { db in
            CaseSnapshot(caseRecord: caseRecord,
                         lines: try LedgerEntryRecord.fetchAll(db, "ORDER BY seq"),
                         examiners: try ExaminerRecord.fetchAll(db, "ORDER BY seq").sorted { $0.seq != $1.seq ? $0.seq < $1.seq : CaseStore.byteOrder($0.id, $1.id) },
                         items: try ItemRecord.fetchAll(db).sorted(by: CaseStore.creationOrder),
                         acquisitions: try AcquisitionRecord.fetchAll(db, "ORDER BY seq"),
                         simStatuses: try CaseStore.simStatuses(db))
        }
    }
}
