import Foundation
import Ledger
import SIMCard

/// A SIM item as the registry reports it: its reads, its state and its operator.
public struct SIMStatus: Sendable, Hashable {
    public enum State: String, Sendable, Codable, CaseIterable {
        /// A complete read with the IMSI (or at least the identity) readable.
        case read
        /// A complete read, but the IMSI is behind PIN1 (`imsi.state == pinRequired`).
        case pinLocked
        /// Only incomplete reads.
        case unreadable
        /// Registered, never read.
        case notRead
    }
    public var label: String
    public var parent: String?
    public var iccid: String?
    public var imsi: String?
    /// Own numbers (EF.MSISDN) from a full read.
    public var msisdn: [String]
    public var state: State
    /// Operator (from the IMSI's MCC/MNC), else the ICCID's issuer, else "unknown".
    public var operatorName: String
    /// `MCC/MNC`, `ICCID issuer` or `none`.
    public var operatorSource: String
    public var reads: Int
}

/// `custody summary`: counts per type, SIM states, SIMs per operator.
public struct RegistrySummary: Sendable {
    public var items: Int
    public var types: [String: Int]
    public var sims: [SIMStatus.State: Int]
    public var simItems: Int
    /// Reads stored without an item (no ICCID could be read).
    public var readsWithoutICCID: Int
    public var operators: [String: Int]
}

extension CaseStore {
    /// The parts of a stored acquisition record the registry reports on.
    struct StoredRead: Decodable {
        struct ICCIDPart: Decodable { var digits: String }
        struct IMSIPart: Decodable { var state: SIMAcquisition.IMSIView.State; var digits: String?; var mcc: String?; var mnc: String? }
        struct SummaryPart: Decodable { var ownNumbers: [String]? }
        var iccid: ICCIDPart?
        var imsi: IMSIPart?
        var complete: Bool
        var scope: AcquisitionScope?
        var summary: SummaryPart?
    }

    /// Stored acquisition records decoded at a time on every core: 64 of up to about 150 KB.
    public static let recordsDecodedAtOnce = 64

    /// Every `sim` item with what its reads say, in label order.
    public func simStatuses() throws(CaseStoreError) -> [SIMStatus] {
        try read { db in try sharedSIMStatuses(db) }
    }

    /// `simStatuses()` inside the caller's read: made once per ledger head and reused while no
    /// entry is added (every change to an item or a read is an entry). An export asks for it
    /// four times (snapshot, graph, report, summary), and it decodes every stored record.
    func sharedSIMStatuses(_ db: any SQLExecutor) throws -> [SIMStatus] {
        let head = try db.integer("SELECT MAX(seq) FROM ledger_entry") ?? -1
        if let cached = simStatusCache.withLock({ $0 }), cached.head == head { return cached.statuses }
        let statuses = try CaseStore.simStatuses(db)
        simStatusCache.withLock { $0 = (head, statuses) }
        return statuses
    }

    /// What `simStatuses()` says, made anew inside the caller's read (one consistent snapshot).
    static func simStatuses(_ db: any SQLExecutor, operators: OperatorDirectory = .shared, issuers: IssuerDirectory = .shared) throws -> [SIMStatus] {
        // Only the columns used, read from rows: decoding 70,000 `ItemRecord`s through Codable
        // took a third of a large case's summary.
        let sims = try db.rows("SELECT label, parent, identifiers FROM item WHERE type = 'sim'")
            .map { row in
                let label = try row.string(0)
                return (label: label, parent: try row.optionalString(1), identifiers: try ItemIdentifiers(stored: try row.string(2), item: label))
            }
            .sorted { CaseStore.byteOrder($0.label, $1.label) }
        // Every stored record is decoded (a full read's is about 150 KB): on every core, a batch
        // of records at a time.
        var byItem = [String: [StoredRead]]()
        var batch = [(item: String, record: Data, seq: Int64)]()
        func takeBatch() throws {
            let decoded = batch.concurrentMap { row in Result { try AcquisitionRecord.decode(StoredRead.self, row.record, seq: row.seq) } }
            for (row, read) in zip(batch, decoded) { byItem[row.item, default: []].append(try read.get()) }
            batch.removeAll(keepingCapacity: true)
        }
        try db.forEachRow("SELECT item, record, seq FROM acquisition WHERE item IS NOT NULL ORDER BY seq", []) { r in
            batch.append((try r.string(0), try r.data(1), try r.int64(2)))
            if batch.count == CaseStore.recordsDecodedAtOnce { try takeBatch() }
        }
        try takeBatch()
        struct Partial { var status: SIMStatus; var prefix: String? }
        let partial: [Partial] = sims.map { item in
            let list = byItem[item.label] ?? []
            let latest = list.last { $0.complete } ?? list.last
            let iccid = latest?.iccid?.digits ?? item.identifiers[.iccid]
            let imsi = list.reversed().lazy.compactMap { $0.imsi?.digits }.first ?? item.identifiers[.imsi]
            var numbers = [String]()
            for r in list where r.scope == .full { for n in r.summary?.ownNumbers ?? [] where !numbers.contains(n) { numbers.append(n) } }
            let state: SIMStatus.State
            if list.isEmpty { state = .notRead } else if let c = list.last(where: { $0.complete }) {
                state = c.imsi?.state == .pinRequired ? .pinLocked : .read
            } else { state = .unreadable }
            var name = "unknown", source = "none"
            if let plmn = list.reversed().first(where: { $0.imsi?.mcc != nil && $0.imsi?.mnc != nil })?.imsi, let mcc = plmn.mcc, let mnc = plmn.mnc {
                name = operators.lookup(mcc: mcc, mnc: mnc)?.displayName ?? "MCC \(mcc) MNC \(mnc)"
                source = "MCC/MNC"
            }
            let parsed = iccid.flatMap { try? ICCID(digits: $0) }
            let issuer = parsed.flatMap { issuers.issuer(for: $0) }
            let prefix = issuer?.prefix ?? iccid.map { String($0.prefix(CaseStore.learnedPrefixLength)) }
            if source == "none", let issuer, !issuer.issuer.isEmpty {
                name = issuer.issuer
                source = "ICCID issuer"
            }
            return Partial(status: SIMStatus(label: item.label, parent: item.parent, iccid: iccid, imsi: imsi, msisdn: numbers, state: state,
                                             operatorName: name, operatorSource: source, reads: list.count), prefix: prefix)
        }
        // SIMs without a readable IMSI take the operator that the SIMs of the same ICCID issuer
        // prefix in this case were read with (the issuer table names companies, not networks,
        // and lacks most Vietnamese issuers: CONTEXT.md says to learn them from the cards).
        var seen = [String: [String: Int]]()
        for p in partial where p.status.operatorSource == "MCC/MNC" {
            if let prefix = p.prefix { seen[prefix, default: [:]][p.status.operatorName, default: 0] += 1 }
        }
        let learned = seen.mapValues { counts in
            counts.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }!
        }
        return partial.map { p in
            var status = p.status
            if status.operatorSource != "MCC/MNC", let prefix = p.prefix, let (name, count) = learned[prefix] {
                status.operatorName = name
                status.operatorSource = "ICCID prefix \(prefix) (learned from \(count) read SIM\(count == 1 ? "" : "s") of this case)"
            }
            return status
        }
    }

    /// ICCID digits that stand for the issuer when the issuer table does not know the prefix.
    static let learnedPrefixLength = IssuerDirectory.unlistedPrefixLength

    public func summary() throws(CaseStoreError) -> RegistrySummary {
        let (counts, orphanReads) = try read { db in
            var counts = [String: Int]()
            for r in try db.rows("SELECT type, COUNT(*) FROM item GROUP BY type") { counts[try r.string(0)] = try r.int(1) }
            return (counts, Int(try db.integer("SELECT COUNT(*) FROM acquisition WHERE item IS NULL") ?? 0))
        }
        let sims = try simStatuses()
        var states = [SIMStatus.State: Int]()
        for s in SIMStatus.State.allCases { states[s] = 0 }
        var operators = [String: Int]()
        for s in sims {
            states[s.state, default: 0] += 1
            operators[s.operatorName, default: 0] += 1
        }
        return RegistrySummary(items: counts.values.reduce(0, +), types: counts, sims: states, simItems: sims.count,
                               readsWithoutICCID: orphanReads, operators: operators)
    }

    /// Reads stored for item `label`.
    public func acquisitionCount(item label: String) throws(CaseStoreError) -> Int {
        try read { db in Int(try db.integer("SELECT COUNT(*) FROM acquisition WHERE item = ?", label) ?? 0) }
    }

    /// The items directly inside `label`, in label order.
    public func children(of label: String) throws(CaseStoreError) -> [ItemRecord] {
        try read { db in try ItemRecord.fetchAll(db, "WHERE parent = ?", label).sorted { CaseStore.byteOrder($0.label, $1.label) } }
    }

    /// Items, optionally of one type, in creation then label order.
    public func items(type: ItemType?) throws(CaseStoreError) -> [ItemRecord] {
        try read { db in
            let items = if let type { try ItemRecord.fetchAll(db, "WHERE type = ?", type.rawValue) } else { try ItemRecord.fetchAll(db) }
            return items.sorted(by: CaseStore.creationOrder)
        }
    }
}

extension CaseStore {
    /// Byte order of UTF-8 labels: SQLite's BINARY collation, and the same whatever the
    /// PostgreSQL server's collation is.
    static func byteOrder(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    /// Items by the entry that created them, then label in byte order.
    static func creationOrder(_ a: ItemRecord, _ b: ItemRecord) -> Bool { a.seq != b.seq ? a.seq < b.seq : byteOrder(a.label, b.label) }
}

/// Where a SIM item sits: the box, bank, lot, phone or other container that holds it, and the
/// port when it sits in a box's slot.
public struct SIMPlace: Sendable, Hashable {
    /// The nearest container above the SIM that is not a port or slot (nil for a SIM at the top).
    public var container: String?
    public var containerType: String?
    /// The port whose slot holds the SIM.
    public var port: String?
}

extension CaseStore {
    /// Every `sim` item's place, by label, read in one pass over the items.
    public func simPlaces() throws(CaseStoreError) -> [String: SIMPlace] {
        try read { db in
            var items = [String: (type: String, parent: String?)]()
            for r in try db.rows("SELECT label, type, parent FROM item") { items[try r.string(0)] = (try r.string(1), try r.optionalString(2)) }
            var places = [String: SIMPlace]()
            for (label, item) in items where item.type == DeviceType.sim.rawValue {
                var place = SIMPlace()
                var next = item.parent
                while let current = next, let above = items[current] {
                    if above.type == DeviceType.port.rawValue, place.port == nil { place.port = current }
                    if above.type != DeviceType.port.rawValue && above.type != DeviceType.slot.rawValue {
                        place.container = current
                        place.containerType = above.type
                        break
                    }
                    next = above.parent
                }
                places[label] = place
            }
            return places
        }
    }
}
