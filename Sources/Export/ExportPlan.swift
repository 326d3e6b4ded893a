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
    /// Exported entries (before the export entry), in sequence order.
    public let entries: [SignedEntry]
    /// Exported reads, in sequence order.
    public let acquisitions: [AcquisitionRecord]
    public let redactPins: Bool

    public var isSubset: Bool { !selected.isEmpty }
    public var itemLabels: [String] { items.map(\.label) }

    /// Actions exported with any subset: they establish the keys and the roster.
    static let contextActions: Set<LedgerAction> = [.caseInit, .examinerAdd, .stationAdd, .stationRevoke]

    public init(snapshot: CaseSnapshot, selected: [String], redactPins: Bool) throws(ExportError) {
        self.snapshot = snapshot
        self.redactPins = redactPins
        var seen = Set<String>()
        self.selected = selected.filter { seen.insert($0).inserted }
        var all = [SignedEntry]()
        all.reserveCapacity(snapshot.lines.count)
        for r in snapshot.lines {
            do { all.append(try SignedEntry(line: Array(r.line))) } catch {
                throw .caseUnreadable("ledger entry \(r.seq) is unreadable (\(error)): run `custody ledger verify`; no bundle written")
            }
        }
        guard !self.selected.isEmpty else {
            items = snapshot.items
            entries = all
            acquisitions = snapshot.acquisitions
            return
        }
        let labels = Set(snapshot.items.map(\.label))
        for label in self.selected where !labels.contains(label) {
            throw .unknownItem(label)
        }
        var children = [String: [String]]()
        for i in snapshot.items { if let p = i.parent { children[p, default: []].append(i.label) } }
        var chosen = Set<String>()
        var stack = self.selected
        while let label = stack.popLast() {
            guard chosen.insert(label).inserted else { continue }
            stack += children[label] ?? []
        }
        items = snapshot.items.filter { chosen.contains($0.label) }
        let creating = Set(items.map(\.seq))
        entries = all.filter { e in
            ExportPlan.contextActions.contains(e.entry.action) || creating.contains(e.entry.sequence)
                || e.entry.subjects.contains(where: chosen.contains)
        }
        let exported = Set(entries.map(\.entry.sequence))
        acquisitions = snapshot.acquisitions.filter { exported.contains($0.seq) }
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
