import Foundation
import Ledger

extension LedgerAction {
    /// Puts an item (a SIM read in batch, say) into a container — a slot, a SIM lot, a phone —
    /// or moves it from one to another. Subjects: the item, then the container.
    public static let devicePlace: LedgerAction = "device.place"
}

/// Where a batch of SIM reads stands: what the registry expects and what is done.
public struct BatchProgress: Sendable, Hashable, Codable {
    /// SIMs the registry says exist: registered SIM items, plus for each SIM lot the part of its
    /// stated count that no registered SIM in it accounts for.
    public var expected: Int
    /// SIM items with at least one complete read.
    public var read: Int
    /// SIM items whose reads are all incomplete, plus reads that could not name their card.
    public var pending: Int

    public init(expected: Int, read: Int, pending: Int) {
        self.expected = expected; self.read = read; self.pending = pending
    }
}

/// A read that has to be done again (`custody sim pending`).
public struct PendingRead: Sendable, Hashable, Codable {
    /// The SIM item, nil when the read did not get as far as the ICCID.
    public var label: String?
    public var iccid: String?
    /// The latest incomplete read's entry.
    public var seq: Int64
    public var reader: String?
    public var reason: String
    /// Incomplete reads of this SIM so far.
    public var attempts: Int
    public var time: String
}

extension CaseStore {
    /// The registry's expected SIM count against the reads done, for a batch's progress line.
    public func batchProgress() throws(CaseStoreError) -> BatchProgress {
        try read { db in
            let registered = Int(try db.integer("SELECT COUNT(*) FROM item WHERE type = 'sim'") ?? 0)
            var unregisteredInLots = 0
            // `s.type || ''` keeps SQLite on the parent index: on `item_type` each lot's count walked
            // every SIM of the case (180 lots × 71,000 SIMs at ten times the seizure).
            let lots = try db.rows("""
                SELECT lot.label, lot.attributes, (SELECT COUNT(*) FROM item s WHERE s.parent = lot.label AND s.type || '' = 'sim')
                FROM item lot WHERE lot.type = 'simlot'
                """)
            for lot in lots {
                let attributes = try ItemAttributes(stored: try lot.string(1), item: try lot.string(0)), inside = try lot.int(2)
                unregisteredInLots += max(0, (attributes.count ?? 0) - inside)
            }
            let done = Int(try db.integer("SELECT COUNT(DISTINCT item) FROM acquisition WHERE item IS NOT NULL AND complete = 1") ?? 0)
            return BatchProgress(expected: registered + unregisteredInLots, read: done, pending: try CaseStore.pendingRows(db).count)
        }
    }

    /// Reads to do again: SIM items that have reads but none complete (latest attempt first in
    /// time order), and reads stored without an item because the ICCID was not reached — those
    /// stay listed, since nothing ties a later read to them.
    public func pendingReads() throws(CaseStoreError) -> [PendingRead] {
        try read { db in try CaseStore.pendingRows(db) }
    }

    static func pendingRows(_ db: any SQLExecutor) throws -> [PendingRead] {
        let rows = try db.rows("""
            SELECT a.item, a.iccid, a.seq, a.record,
                   (SELECT COUNT(*) FROM acquisition b WHERE b.item = a.item) AS attempts, l.line
            FROM acquisition a JOIN ledger_entry l ON l.seq = a.seq
            WHERE a.complete = 0 AND (a.item IS NULL OR (
                NOT EXISTS (SELECT 1 FROM acquisition c WHERE c.item = a.item AND c.complete = 1)
                AND a.seq = (SELECT MAX(d.seq) FROM acquisition d WHERE d.item = a.item)))
            ORDER BY a.seq
            """)
        struct Reason: Decodable { var reader: String?; var incompleteReason: String? }
        return try rows.map { r in
            let seq = try r.int64(2)
            let reason = try AcquisitionRecord.decode(Reason.self, try r.data(3), seq: seq)
            let time: String
            do { time = try SignedEntry(line: try r.bytes(5)).entry.time.description } catch {
                throw CaseStoreError.ledger("ledger entry \(seq) is unreadable (\(error)): run `custody ledger verify`")
            }
            let label = try r.optionalString(0)
            return PendingRead(label: label, iccid: try r.optionalString(1), seq: seq, reader: reason.reader,
                               reason: reason.incompleteReason ?? "incomplete", attempts: label == nil ? 1 : try r.int(4), time: time)
        }
    }

    /// What placing an item did.
    public struct Placement: Sendable {
        public var entry: SignedEntry
        /// The container the item was in before, if any.
        public var from: String?
    }

    /// `device place`: puts `label` into `container` with a `device.place` entry. An item that is
    /// already somewhere else moves only with `move` (a SIM found in the wrong slot is a
    /// finding, not a typo to fix silently); a slot holds one SIM.
    @discardableResult
    public func place(_ label: String, in container: String, move: Bool = false, by examiner: String) throws(CaseStoreError) -> Placement {
        var from: String? = nil
        let entry = try append(examiner: examiner, subjects: [label, container]) { db in
            guard let item = try CaseStore.fetchItem(db, label) else { throw CaseStoreError.unknownItem(label) }
            guard let target = try CaseStore.fetchItem(db, container) else { throw CaseStoreError.unknownItem(container) }
            try CaseStore.checkPlacement(item, in: target, move: move, db)
            from = item.parent
            var payload: [String: CanonicalJSON] = ["to": .string(container)]
            if let from { payload["from"] = .string(from) }
            return EntryDraft(action: .devicePlace, payload: payload) { db, _ in
                try db.execute("UPDATE item SET parent = ? WHERE label = ?", container, label)
            }
        }
        return Placement(entry: entry, from: from)
    }
}

extension CaseStore {
    /// The rules `place` enforces: a container type the item may be in, no silent move, one SIM
    /// per slot, no item inside itself.
    static func checkPlacement(_ item: ItemRecord, in target: ItemRecord, move: Bool, _ db: any SQLExecutor) throws {
        let label = item.label, container = target.label
        if let type = item.type.deviceType {
            guard type != .location else {
                throw CaseStoreError.invalidInput("\(label) is a location: move it with `custody event move \(label) --to \(container)`; nothing was written")
            }
            guard !type.needsParent else {
                throw CaseStoreError.invalidInput("\(label) is a \(type.rawValue) of its box and cannot move; nothing was written")
            }
            guard DeviceType.canHold(type, itemType: target.type) else {
                throw CaseStoreError.invalidInput("a \(type.rawValue) cannot be inside a \(target.type) (\(container)): put it in a \(type.parentTypesText); nothing was written")
            }
        }
        guard item.parent != container else {
            throw CaseStoreError.invalidInput("\(label) is already in \(container); nothing was written")
        }
        if let current = item.parent, !move {
            throw CaseStoreError.invalidInput("\(label) is recorded in \(current), not \(container): check the exhibit, then give --move if \(container) is right; nothing was written")
        }
        if target.type == .device(.slot), item.type == .device(.sim),
           let other = try db.string("SELECT label FROM item WHERE parent = ? AND type = 'sim' LIMIT 1", container) {
            throw CaseStoreError.invalidInput("slot \(container) already holds SIM \(other): one SIM per slot; nothing was written")
        }
        var ancestor: String? = container
        while let a = ancestor {
            guard a != label else { throw CaseStoreError.invalidInput("\(container) is inside \(label): an item cannot contain itself; nothing was written") }
            ancestor = try db.string("SELECT parent FROM item WHERE label = ?", a)
        }
    }
}

extension DeviceType {
    /// Whether an item of type `child` may be placed in an item of `itemType` (a registry type,
    /// or an `exhibit`/`bag` from before the registry).
    public static func canHold(_ child: DeviceType, itemType: ItemType) -> Bool {
        if child == .location { return itemType == .device(.location) }
        if let container = itemType.deviceType { return child.parentTypes.contains(container) }
        return !child.needsParent && ItemType.legacyContainers.contains(itemType)
    }
}

extension CaseStore {
    /// The item an ICCID was registered on or read into, if any.
    public func simLabel(iccid: String) throws(CaseStoreError) -> String? {
        try read { db in try CaseStore.itemHolding(iccid: iccid, db) }
    }
}
