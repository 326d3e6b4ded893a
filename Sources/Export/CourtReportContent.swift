import CaseStore
import Foundation
import Ledger
import SIMCard

/// What the report shows, read from the case store: the selected items as a tree, the
/// sequence numbers of each item's ledger entries, the SIM states, and which full read of each
/// SIM lists its SMS. The entries and the reads' records themselves are fetched a few sections at
/// a time while the report is written (`entries(for:)`, `smsRecords(_:)`), so that what is held
/// does not grow with the ledger or the records (a full read's record is about 150 KB).
struct ReportContent {
    let store: CaseStore
    let caseRecord: CaseRecord
    let examiners: [ExaminerRecord]
    /// Labels the caller asked for, nil for the whole case.
    let requested: [String]?
    /// The selected items in report order (pre-order over the tree, children by position).
    let ordered: [ItemRecord]
    let selected: Set<String>
    let children: [String: [ItemRecord]]
    let itemsByLabel: [String: ItemRecord]
    /// The sequence numbers of the entries naming the item, plus the entry that created it,
    /// ascending (ledger order).
    let chains: [String: [Int64]]
    let sims: [String: SIMStatus]
    /// The full read whose SMS the report lists, per SIM that has one.
    let smsReads: [String: SMSRead]
    /// `sim.*` entries without a subject: reads that stopped before the ICCID (whole case only).
    let readsWithoutICCID: [SignedEntry]
    let ledgerEntries: Int

    struct SMSRead {
        var seq: Int64
        var recordSHA256: String
        var complete: Bool
        /// SMS records in use and deleted messages still in free records; nil when the stored
        /// record holds no summary (the report says it does not decode; it is still covered by its hash).
        var counts: (used: Int, residue: Int)?
    }

    /// What the report takes from the ledger for the selected items: each one's chain (`chains`),
    /// the reads without an ICCID (whole case only) and the number of entries. Read from the
    /// store by `init(store:items:)`; an export has them from its plan (`init(plan:store:)`).
    struct LedgerFacts {
        var chains: [String: [Int64]]
        var readsWithoutICCID: [SignedEntry]
        var entries: Int
    }

    init(store: CaseStore, items requested: Set<String>?) throws(CaseStoreError) {
        try self.init(store: store, items: requested, catalog: try store.items(), sims: try store.simStatuses(), ledger: nil)
    }

    /// The report of an export, from what its plan already holds (the snapshot's items and SIM
    /// states, the entries of every exported item, the reads without an ICCID): the ledger is not
    /// read again. The same content as `init(store:items:)` at the snapshot.
    init(plan: ExportPlan, store: CaseStore) throws(CaseStoreError) {
        try self.init(store: store, items: plan.isSubset ? Set(plan.itemLabels) : nil, catalog: plan.snapshot.items, sims: plan.snapshot.simStatuses,
                      ledger: LedgerFacts(chains: plan.entriesByItem, readsWithoutICCID: plan.readsWithoutICCID, entries: plan.size))
    }

    /// The content of `catalog` (every item) for `requested` (nil: the whole case), with
    /// `ledger` read from the store when nil.
    private init(store: CaseStore, items requested: Set<String>?, catalog all: [ItemRecord], sims statuses: [SIMStatus],
                 ledger: LedgerFacts?) throws(CaseStoreError) {
        self.store = store
        caseRecord = store.caseRecord
        examiners = try store.examiners()
        var byLabel = [String: ItemRecord](minimumCapacity: all.count)
        var children = [String: [ItemRecord]]()
        for item in all {
            byLabel[item.label] = item
            if let parent = item.parent { children[parent, default: []].append(item) }
        }
        children = children.mapValues { $0.sorted(by: ReportContent.byPosition) }
        itemsByLabel = byLabel
        self.children = children

        var selected = Set<String>()
        var roots: [ItemRecord]
        if let requested {
            guard !requested.isEmpty else { throw .invalidInput("--items names no exhibit: give at least one label, or leave it out for the whole case") }
            for label in requested.sorted() where byLabel[label] == nil { throw .unknownItem(label) }
            var stack = Array(requested)
            while let label = stack.popLast() {
                guard selected.insert(label).inserted else { continue }
                stack += (children[label] ?? []).map(\.label)
            }
            roots = requested.compactMap { byLabel[$0] }.filter { item in
                !ReportContent.ancestors(of: item, in: byLabel).contains { requested.contains($0.label) }
            }
            self.requested = requested.sorted()
        } else {
            selected = Set(byLabel.keys)
            roots = all.filter { $0.parent == nil || byLabel[$0.parent!] == nil }
            self.requested = nil
        }
        roots.sort(by: ReportContent.byPosition)
        var ordered = [ItemRecord]()
        ordered.reserveCapacity(selected.count)
        var stack = Array(roots.reversed())
        while let item = stack.popLast() {
            ordered.append(item)
            stack += (children[item.label] ?? []).reversed()
        }
        self.ordered = ordered
        self.selected = selected

        let facts: LedgerFacts
        if let ledger { facts = ledger } else { facts = try Self.ledgerFacts(store, catalog: all, selected: selected, wholeCase: requested == nil) }
        ledgerEntries = facts.entries
        chains = facts.chains
        readsWithoutICCID = facts.readsWithoutICCID

        var sims = [String: SIMStatus]()
        for s in statuses where selected.contains(s.label) { sims[s.label] = s }
        self.sims = sims

        var smsReads = [String: SMSRead]()
        for read in try store.acquisitionHeaders(below: Int.max, scope: .full) {
            guard let label = read.item, selected.contains(label) else { continue }
            // The latest complete full read, else the latest full read.
            if let chosen = smsReads[label], chosen.complete, !read.complete { continue }
            smsReads[label] = SMSRead(seq: read.seq, recordSHA256: read.recordSHA256, complete: read.complete, counts: nil)
        }
        // The counts the SMS section opens with, from the chosen records a page at a time (only
        // the two counts are decoded; the messages are decoded when the reads are written).
        let chosen = smsReads.values.map(\.seq).sorted()
        let labelOf = Dictionary(smsReads.map { ($0.value.seq, $0.key) }, uniquingKeysWith: { a, _ in a })
        for start in stride(from: 0, to: chosen.count, by: Self.recordsPerFetch) {
            for read in try store.acquisitions(chosen[start..<min(start + Self.recordsPerFetch, chosen.count)]) {
                guard let label = labelOf[read.seq], let counts = try read.decoded(as: StoredCounts.self).summary else { continue }
                smsReads[label]?.counts = (counts.smsUsed, counts.smsDeletedResidue)
            }
        }
        self.smsReads = smsReads
    }

    /// One pass over the ledger, one line at a time: what stays is sequence numbers.
    private static func ledgerFacts(_ store: CaseStore, catalog all: [ItemRecord], selected: Set<String>,
                                    wholeCase: Bool) throws(CaseStoreError) -> LedgerFacts {
        var facts = LedgerFacts(chains: [:], readsWithoutICCID: [], entries: 0)
        var createdBy = [Int64: [String]]()
        for item in all where selected.contains(item.label) { createdBy[item.seq, default: []].append(item.label) }
        do {
            try store.forEachLine(below: Int.max) { r in
                let e: SignedEntry
                do { e = try SignedEntry(line: Array(r.line)) } catch {
                    throw CaseStoreError.ledger("ledger entry \(r.seq) is unreadable (\(error)): run `custody ledger verify`")
                }
                facts.entries += 1
                let seq = e.entry.sequence
                var named = Set<String>()
                for subject in e.entry.subjects where selected.contains(subject) && named.insert(subject).inserted {
                    facts.chains[subject, default: []].append(seq)
                }
                for label in createdBy[seq] ?? [] where !named.contains(label) { facts.chains[label, default: []].append(seq) }
                if wholeCase, ExportPlan.isReadWithoutICCID(e.entry) { facts.readsWithoutICCID.append(e) }
            }
        } catch let error as CaseStoreError { throw error } catch { throw .ledger("cannot read the ledger: \(error)") }
        return facts
    }

    /// Full reads' records fetched at once: 50 of about 150 KB.
    static let recordsPerFetch = 50

    /// The SMS summaries of the stored reads `seqs` (nil: the record holds none), in sequence order.
    func smsSummaries(_ seqs: some Collection<Int64>) throws(CaseStoreError) -> [(seq: Int64, summary: AcquisitionSummary?)] {
        var out = [(seq: Int64, summary: AcquisitionSummary?)]()
        for read in try store.acquisitions(seqs) {
            out.append((read.seq, try read.decoded(as: StoredSummary.self).summary))
        }
        return out
    }

    /// The part of a stored acquisition record the SMS section needs.
    private struct StoredSummary: Decodable {
        var summary: AcquisitionSummary?
    }

    /// The SMS counts of a stored acquisition record's summary.
    private struct StoredCounts: Decodable {
        struct Counts: Decodable { var smsUsed: Int; var smsDeletedResidue: Int }
        var summary: Counts?
    }

    /// The entries of the chains of `labels`, parsed, by sequence number.
    func entries(for labels: some Sequence<String>) throws(CaseStoreError) -> [Int64: SignedEntry] {
        var seqs = Set<Int64>()
        for label in labels { seqs.formUnion(chains[label] ?? []) }
        var out = [Int64: SignedEntry](minimumCapacity: seqs.count)
        for r in try store.lines(seqs) {
            do { out[r.seq] = try SignedEntry(line: Array(r.line)) } catch {
                throw .ledger("ledger entry \(r.seq) is unreadable (\(error)): run `custody ledger verify`")
            }
        }
        return out
    }

    static func ancestors(of item: ItemRecord, in items: [String: ItemRecord]) -> [ItemRecord] {
        var out = [ItemRecord]()
        var seen = Set([item.label])
        var next = item.parent
        while let label = next, let parent = items[label], seen.insert(label).inserted {
            out.append(parent)
            next = parent.parent
        }
        return out
    }

    /// Ports and slots by their index, everything else by label with numbers compared as
    /// numbers (P2 before P10), then by creation.
    static func byPosition(_ a: ItemRecord, _ b: ItemRecord) -> Bool {
        let ia = position(a), ib = position(b)
        if let ia, let ib, ia != ib { return ia < ib }
        switch a.label.compare(b.label, options: [.numeric]) {
        case .orderedAscending: return true
        case .orderedDescending: return false
        case .orderedSame: return a.seq < b.seq
        }
    }

    static func position(_ item: ItemRecord) -> Int64? {
        item.attributes.position(of: item.type).map(Int64.init)
    }

    /// Identifiers as ordered pairs.
    static func fields(_ identifiers: ItemIdentifiers) -> [(key: String, value: String)] {
        identifiers.values.keys.sorted().map { ($0, identifiers.values[$0]!) }
    }

    /// Attributes as ordered pairs.
    static func fields(_ attributes: ItemAttributes) -> [(key: String, value: String)] {
        attributes.values.keys.sorted().map { ($0, plain(attributes.values[$0]!)) }
    }

    /// A JSON value as one line of text.
    static func plain(_ value: CanonicalJSON) -> String {
        switch value {
        case .string(let s): s
        case .integer(let i): String(i)
        case .bool(let b): b ? "yes" : "no"
        case .null: "null"
        case .array(let a): a.map(plain).joined(separator: ", ")
        case .object(let o): o.keys.sorted().map { "\($0): \(plain(o[$0]!))" }.joined(separator: "; ")
        }
    }

    /// The SHA-256 values the report shows for an item: every acquisition's content, record
    /// and transcript hash, and every photograph's hash, from the entries naming it as a subject
    /// (among `entries`, which hold its chain).
    func hashes(of label: String, in entries: [Int64: SignedEntry]) -> [String] {
        var out = [String]()
        for e in chain(of: label, in: entries) where e.entry.subjects.contains(label) {
            for key in ReportContent.hashKeys(e.entry.action) {
                if let h = e.entry.payload[key]?.stringValue, !out.contains(h) { out.append(h) }
            }
        }
        return out
    }

    /// The chain of `label`: its entries among `entries` (`entries(for:)`), in ledger order.
    func chain(of label: String, in entries: [Int64: SignedEntry]) -> [SignedEntry] {
        (chains[label] ?? []).compactMap { entries[$0] }
    }

    static func hashKeys(_ action: LedgerAction) -> [String] {
        switch action {
        case .simAcquire, .simReread: ["contentSHA256", "recordSHA256", "transcriptSHA256"]
        case .custodyPhotograph: ["sha256"]
        default: []
        }
    }

    /// Whether `item` is shown as a compact row of its container's table rather than as its
    /// own section: SIMs, ports and slots, unless the selection starts at them.
    func isRow(_ item: ItemRecord) -> Bool {
        guard let type = item.type.deviceType, [.sim, .port, .slot].contains(type) else { return false }
        guard let parent = item.parent else { return false }
        return selected.contains(parent)
    }
}
