import CaseStore
import Foundation
import Ledger

/// What one export holds, decided from a case snapshot before anything is written.
///
/// A full export holds every item and every entry. With `--items`, it holds the named items
/// and everything inside them (their ports, slots, SIMs, …), and the entries about them: those
/// naming one of them as a subject and those that created them; plus the entries that give
/// the ledger its keys and roster (entry 0, `examiner.add`, `station.add`, `station.revoke`),
/// so that every exported entry's signature and examiner can be checked.
public struct ExportPlan: Sendable {
    public let snapshot: CaseSnapshot
    /// The labels given with `--items` (empty: everything).
    public let selected: [String]
    /// Exported items, in inventory order (creating entry, then label byte order).
    public let items: [ItemRecord]
    /// The sequence numbers of the exported entries of a subset; nil: every entry below the
    /// snapshot's size.
    let subsetEntries: Set<Int64>?
    /// How many entries are exported (before the export entry).
    public let entryCount: Int
    /// Exported reads, in sequence order, without their records.
    public let acquisitions: [AcquisitionHeader]
    /// The station keys the exported entries bind (`boundKeys`).
    public let boundKeys: [VerifierKey]
    /// The exported `custody.attach` entries (their scans go in the bundle), in ledger order.
    public let attachments: [LedgerEntry]
    /// Per exported item, the sequence numbers of the exported entries about it: its creating
    /// entry and every entry naming it as a subject, ascending (inventory.csv `entries`).
    public let entriesByItem: [String: [Int64]]
    /// Reads that stopped before the ICCID (`sim.*` entries without a subject), whole case
    /// only, in ledger order: the court report lists them.
    public let readsWithoutICCID: [SignedEntry]
    public let redactPins: Bool

    public var isSubset: Bool { !selected.isEmpty }
    public var itemLabels: [String] { items.map(\.label) }
    /// The ledger's size at the snapshot.
    public var size: Int { snapshot.size }

    /// Whether entry `seq` (below the snapshot's size) is exported.
    public func exports(_ seq: Int64) -> Bool { subsetEntries?.contains(seq) ?? true }

    /// Actions exported with any subset: they establish the keys and the roster.
    static let contextActions: Set<LedgerAction> = [.caseInit, .examinerAdd, .stationAdd, .stationRevoke]

    /// Plans from `snapshot`, reading the ledger below its size from `store` once, one line at
    /// a time: what it keeps per entry is a sequence number, not the entry.
    public init(store: CaseStore, snapshot: CaseSnapshot, selected: [String], redactPins: Bool) throws(ExportError) {
        self.snapshot = snapshot
        self.redactPins = redactPins
        var seen = Set<String>()
        self.selected = selected.filter { seen.insert($0).inserted }
        var chosen: Set<String>? = nil
        if !self.selected.isEmpty {
            let labels = Set(snapshot.items.map(\.label))
            for label in self.selected where !labels.contains(label) {
                throw .unknownItem(label)
            }
            var children = [String: [String]]()
            for i in snapshot.items { if let p = i.parent { children[p, default: []].append(i.label) } }
            var inside = Set<String>()
            var stack = self.selected
            while let label = stack.popLast() {
                guard inside.insert(label).inserted else { continue }
                stack += children[label] ?? []
            }
            chosen = inside
        }
        items = chosen.map { chosen in snapshot.items.filter { chosen.contains($0.label) } } ?? snapshot.items
        let creating = Set(items.map(\.seq))
        var byItem = [String: [Int64]]()
        for i in items { byItem[i.label] = [i.seq] }
        var subset: Set<Int64>? = chosen.map { _ in [] }
        var count = 0
        var keys = [VerifierKey](), attachments = [LedgerEntry](), readsWithoutICCID = [SignedEntry]()
        do {
            try store.forEachLine(below: snapshot.size) { r in
                let e: SignedEntry
                do { e = try SignedEntry(line: Array(r.line)) } catch {
                    throw ExportError.caseUnreadable("ledger entry \(r.seq) is unreadable (\(error)): run `custody ledger verify`; no bundle written")
                }
                if let chosen {
                    guard ExportPlan.contextActions.contains(e.entry.action) || creating.contains(e.entry.sequence)
                        || e.entry.subjects.contains(where: chosen.contains) else { return }
                    subset?.insert(e.entry.sequence)
                }
                count += 1
                for key in Self.keysBound(by: e) where !keys.contains(key) { keys.append(key) }
                if e.entry.action == .custodyAttach { attachments.append(e.entry) }
                if chosen == nil, Self.isReadWithoutICCID(e.entry) { readsWithoutICCID.append(e) }
                for s in Set(e.entry.subjects) where byItem[s] != nil {
                    if byItem[s]!.last != e.entry.sequence { byItem[s]!.append(e.entry.sequence) }
                }
            }
        } catch let e as ExportError { throw e } catch let e as CaseStoreError { throw .caseStore(e) } catch {
            throw .io("cannot read the ledger: \(error); no bundle written")
        }
        subsetEntries = subset
        entryCount = count
        boundKeys = keys
        self.attachments = attachments
        self.readsWithoutICCID = readsWithoutICCID
        entriesByItem = byItem.mapValues { Array(Set($0)).sorted() }
        acquisitions = subset.map { exported in snapshot.acquisitions.filter { exported.contains($0.seq) } } ?? snapshot.acquisitions
    }

    /// Whether `entry` is a read that stopped before the ICCID: a `sim.*` read naming no item.
    static func isReadWithoutICCID(_ entry: LedgerEntry) -> Bool {
        entry.subjects.isEmpty && (entry.action == .simAcquire || entry.action == .simReread)
    }

    /// The keys entry `e` binds: entry 0's `stations`, or a `station.add` key.
    static func keysBound(by e: SignedEntry) -> [VerifierKey] {
        let values: [CanonicalJSON] = switch e.entry.action {
        case .caseInit: e.entry.payload["stations"]?.arrayValue ?? []
        case .stationAdd: [e.entry.payload["key"]].compactMap { $0 }
        default: []
        }
        return values.compactMap { $0.stringValue.flatMap { try? VerifierKey(parsing: $0) } }
    }
}

/// Why an export failed. Each description is one line: what, why, what to do.
public enum ExportError: Error, Sendable, Equatable, CustomStringConvertible {
    case outExists(String)
    case unknownItem(String)
    case caseUnreadable(String)
    case caseStore(CaseStoreError)
    case io(String)

    public var description: String {
        switch self {
        case .outExists(let p): "\(p) already exists: choose a new --out (Custody never overwrites a bundle); no bundle written"
        case .unknownItem(let l): "no item \"\(l)\" in this case: check the label (`custody device find`); no bundle written"
        case .caseUnreadable(let r): r
        case .caseStore(let e): "\(e)"
        case .io(let r): r
        }
    }
}
