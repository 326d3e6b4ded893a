import Foundation
import Ledger
import SIMCard

/// What the court report's summary (report.pdf, docs/REPORT.md "The summary report") counts,
/// read in one snapshot without holding the case's records: the ledger and the full reads are
/// walked a page at a time and only counts and each device's own entry lines are kept. Every
/// count is one a reader can redo from the bundle's CSV files (the report names file and column).
public struct ReportStatistics: Sendable {
    /// Items per type (inventory.csv, column type).
    public var itemTypes: [ItemType: Int]
    /// SIMs per operator and state (inventory.csv, columns operator and state; `custody summary`'s rules).
    public var operators: [String: StateCounts]
    /// SIMs per ICCID issuer prefix (the first `CaseStore.learnedPrefixLength` digits of
    /// inventory.csv's iccid; "" for a SIM without an ICCID).
    public var issuerPrefixes: [String: Int]
    /// The seized systems and everything in them that is not a SIM, port or slot, in tree order.
    public var devices: [Device]
    /// Reads (`sim.acquire`, `sim.reread`) per UTC day of their entry (custody.csv, columns
    /// time and action), complete or not.
    public var readsPerDay: [String: ReadCounts]
    /// Every SIM's state, whatever holds it.
    public var states: StateCounts
    /// SMS on the SIMs read in full, all SIMs together.
    public var sms: SMSCounts
    /// Reads stored without an item (no ICCID could be read).
    public var readsWithoutICCID: Int

    public struct StateCounts: Sendable, Equatable {
        public var counts: [SIMStatus.State: Int] = [:]
        public var total: Int { counts.values.reduce(0, +) }
        public subscript(_ state: SIMStatus.State) -> Int { counts[state] ?? 0 }
        mutating func add(_ state: SIMStatus.State) { counts[state, default: 0] += 1 }
    }

    public struct ReadCounts: Sendable, Equatable {
        public var complete = 0
        public var incomplete = 0
    }

    /// For each SIM with a full read, its latest complete full read (else its latest full read):
    /// the read SMS section of the full report lists these messages.
    public struct SMSCounts: Sendable, Equatable {
        public var simsRead = 0
        /// SMS records in use.
        public var used = 0
        /// Deleted messages still in free records.
        public var residue = 0
        public init(simsRead: Int = 0, used: Int = 0, residue: Int = 0) {
            self.simsRead = simsRead
            self.used = used
            self.residue = residue
        }
        mutating func add(_ other: SMSCounts) {
            simsRead += other.simsRead
            used += other.used
            residue += other.residue
        }
    }

    /// A seizure, system, SIM box or bank, phone, computer, SIM lot (or older container) and its custody.
    public struct Device: Sendable {
        public var label: String
        public var type: ItemType
        public var parent: String?
        /// How deep in the tree (a seizure 0, its systems 1, …).
        public var depth: Int
        /// The entry that registered it.
        public var seq: Int64
        /// SIMs held by it directly or through its ports and slots, by state (inventory.csv,
        /// column parent, through the port and slot rows).
        public var sims: StateCounts
        public var sms: SMSCounts
        /// The entries naming it as a subject, in ledger order (custody.csv, column subjects).
        public var entries: [EntryLine]
    }

    public struct EntryLine: Sendable {
        public var seq: Int64
        public var time: LedgerTime
        public var examiner: String
        public var action: LedgerAction
        /// The seal number of a `custody.seal` entry (custody.csv, column payload).
        public var seal: String?
    }
}

extension CaseStore {
    /// The summary report's counts for the whole case (see `ReportStatistics`).
    public func reportStatistics() throws(CaseStoreError) -> ReportStatistics {
        let statuses = try simStatuses()
        return try read { db in try CaseStore.reportStatistics(db, statuses: statuses) }
    }

    static func reportStatistics(_ db: any SQLExecutor, statuses: [SIMStatus]) throws -> ReportStatistics {
        var types = [ItemType: Int]()
        for row in try db.rows("SELECT type, COUNT(*) FROM item GROUP BY type") { types[ItemType(rawValue: try row.string(0))] = try row.int(1) }
        let orphanReads = Int(try db.integer("SELECT COUNT(*) FROM acquisition WHERE item IS NULL") ?? 0)

        // Everything but SIMs: the devices, and the ports and slots that lead a SIM to its device.
        struct Node { var label: String; var type: ItemType; var parent: String?; var seq: Int64 }
        var nodes = [String: Node]()
        var children = [String: [String]]()
        try db.forEachRow("SELECT label, type, parent, seq FROM item WHERE type <> 'sim'", []) { row in
            let node = Node(label: try row.string(0), type: ItemType(rawValue: try row.string(1)), parent: try row.optionalString(2), seq: try row.int64(3))
            nodes[node.label] = node
        }
        for node in nodes.values { if let parent = node.parent, nodes[parent] != nil { children[parent, default: []].append(node.label) } }
        func isPassage(_ type: ItemType) -> Bool { type.deviceType == .port || type.deviceType == .slot }
        /// The device a SIM placed in `parent` counts for: the first container above ports and slots.
        func device(holding parent: String?) -> String? {
            var next = parent
            var steps = 0
            while let label = next, let node = nodes[label], steps < 64 {
                if !isPassage(node.type) { return label }
                next = node.parent
                steps += 1
            }
            return nil
        }

        var operators = [String: ReportStatistics.StateCounts]()
        var prefixes = [String: Int]()
        var states = ReportStatistics.StateCounts()
        var simsOf = [String: ReportStatistics.StateCounts]()
        var deviceOfSIM = [String: String]()
        for status in statuses {
            operators[status.operatorName, default: .init()].add(status.state)
            prefixes[status.iccid.map { String($0.prefix(CaseStore.learnedPrefixLength)) } ?? "", default: 0] += 1
            states.add(status.state)
            if let holder = device(holding: status.parent) {
                simsOf[holder, default: .init()].add(status.state)
                deviceOfSIM[status.label] = holder
            }
        }

        // SMS: the read the full report lists per SIM, counted once per SIM.
        struct StoredSMS: Decodable { var summary: AcquisitionSummary? }
        var chosen = [String: (complete: Bool, counts: ReportStatistics.SMSCounts)]()
        try db.forEachRowBySeq("SELECT seq, item, complete, scope, record FROM acquisition", pageSize: 50) { row in
            guard let label = try row.optionalString(1), try row.string(3) == AcquisitionScope.full.rawValue else { return }
            let complete = try row.bool(2)
            if let previous = chosen[label], previous.complete, !complete { return }
            let summary = try AcquisitionRecord.decode(StoredSMS.self, try row.data(4), seq: try row.int64(0)).summary
            chosen[label] = (complete, .init(simsRead: 1, used: summary?.smsUsed ?? 0, residue: summary?.smsDeletedResidue ?? 0))
        }
        var sms = ReportStatistics.SMSCounts()
        var smsOf = [String: ReportStatistics.SMSCounts]()
        for (label, read) in chosen {
            sms.add(read.counts)
            if let holder = deviceOfSIM[label] { smsOf[holder, default: .init()].add(read.counts) }
        }

        // The ledger, a page at a time: each device's entries and the reads per day.
        let deviceLabels = Set(nodes.values.filter { !isPassage($0.type) }.map(\.label))
        var entries = [String: [ReportStatistics.EntryLine]]()
        var readsPerDay = [String: ReportStatistics.ReadCounts]()
        try db.forEachRowBySeq("SELECT seq, line FROM ledger_entry", pageSize: 500) { row in
            let entry: LedgerEntry
            do { entry = try SignedEntry(line: try row.bytes(1)).entry } catch {
                throw CaseStoreError.ledger("ledger entry \(try row.int64(0)) is unreadable (\(error)): run `custody ledger verify`")
            }
            if entry.action == .simAcquire || entry.action == .simReread {
                let day = String(entry.time.description.prefix(10))
                if entry.payload["complete"] == .bool(true) { readsPerDay[day, default: .init()].complete += 1 } else { readsPerDay[day, default: .init()].incomplete += 1 }
            }
            var named = Set<String>()
            for subject in entry.subjects where deviceLabels.contains(subject) && named.insert(subject).inserted {
                entries[subject, default: []].append(.init(seq: entry.sequence, time: entry.time, examiner: entry.examiner, action: entry.action,
                                                          seal: entry.payload["seal"]?.stringValue))
            }
        }

        // Devices in tree order: roots, then each device's children by label (numbers as numbers).
        func ordered(_ labels: [String]) -> [String] {
            labels.sorted { a, b in
                switch a.compare(b, options: [.numeric]) {
                case .orderedAscending: true
                case .orderedDescending: false
                case .orderedSame: nodes[a]!.seq < nodes[b]!.seq
                }
            }
        }
        var devices = [ReportStatistics.Device]()
        var stack = ordered(nodes.values.filter { $0.parent == nil || nodes[$0.parent!] == nil }.map(\.label)).reversed().map { ($0, 0) }
        while let (label, depth) = stack.popLast() {
            let node = nodes[label]!
            guard !isPassage(node.type) else { continue }
            devices.append(.init(label: label, type: node.type, parent: node.parent, depth: depth, seq: node.seq,
                                 sims: simsOf[label] ?? .init(), sms: smsOf[label] ?? .init(), entries: entries[label] ?? []))
            stack += ordered(children[label] ?? []).reversed().map { ($0, depth + 1) }
        }
        return ReportStatistics(itemTypes: types, operators: operators, issuerPrefixes: prefixes, devices: devices,
                                readsPerDay: readsPerDay, states: states, sms: sms, readsWithoutICCID: orphanReads)
    }
}
