import Foundation
import Ledger
import SIMCard

extension LedgerAction {
    /// Registers one device (and, for a SIM box/bank created with ports, its ports and slots).
    public static let deviceAdd: LedgerAction = "device.add"
    /// Registers every row of a catalog CSV file, all or nothing.
    public static let deviceImport: LedgerAction = "device.import"
}

/// The kinds of item the device registry knows (docs/CASE-STORE.md, "Device registry").
public enum DeviceType: String, CaseIterable, Sendable, Codable {
    case seizure, system, simbox, simbank, phone, computer, simlot, port, slot, sim
    /// A storage location of the evidence store (room, shelf, box), inside another location or
    /// none; items are moved to locations (`custody event move`), not placed in them.
    case location

    /// The types an item of this type may be placed in (nil parent is allowed unless `needsParent`).
    /// Items created before the registry (`ItemType.legacyContainers`) may hold anything but
    /// ports and slots.
    var parentTypes: Set<DeviceType> {
        switch self {
        case .seizure: []
        case .system: [.seizure]
        case .simbox, .simbank, .phone, .computer, .simlot: [.seizure, .system]
        case .port: [.simbox, .simbank]
        case .slot: [.port]
        case .sim: [.slot, .simlot, .phone, .system, .seizure, .computer]
        case .location: [.location]
        }
    }

    /// `parentTypes` as a message lists them: "seizure, system".
    var parentTypesText: String { parentTypes.map(\.rawValue).sorted().joined(separator: ", ") }

    var needsParent: Bool { self == .port || self == .slot }
}

/// One device to register: what `device add` takes and what one CSV row holds.
public struct DeviceSpec: Sendable, Hashable {
    public var label: String
    /// The type as given; `checkFormat` refuses a word that is not a `DeviceType`.
    public var type: ItemType
    public var parent: String?
    public var make: String?
    public var model: String?
    public var serial: String?
    public var mac: String?
    /// Phone IMEIs (1 or 2) or a port's module IMEI (1).
    public var imeis: [String] = []
    public var hostname: String?
    public var count: Int?
    public var condition: String?
    public var location: String?
    public var seal: String?
    public var note: String?
    public var ports: Int?
    public var slotsPerPort: Int?
    /// A SIM's ICCID when known from its packaging or an earlier list.
    public var iccid: String?

    public init(label: String, type: ItemType, parent: String? = nil) {
        self.label = label; self.type = type; self.parent = parent
    }

    /// Items this spec creates: itself, plus ports × (1 + slots per port) for a box.
    public var itemCount: Int { 1 + (ports ?? 0) * (1 + (slotsPerPort ?? 1)) }
}

/// What registering did.
public struct RegistrationOutcome: Sendable {
    public var entry: SignedEntry
    /// Items created (including generated ports and slots).
    public var items: Int
    public var rows: Int
    public var sha256: String?
}

extension CaseStore {
    static let moduleIMEINote = "software-rewritable: a claim, not an identity"
    public static var moduleIMEIFlag: String { moduleIMEINote }

    /// `device add`: registers one device (a SIM box/bank with `ports` also gets its
    /// `<box>/P<n>` ports and `<box>/P<n>/S<m>` slots) in one transaction with one
    /// `device.add` entry.
    @discardableResult
    public func addDevice(_ spec: DeviceSpec, by examiner: String) throws(CaseStoreError) -> RegistrationOutcome {
        do { try CaseStore.checkFormat(spec) } catch { throw .invalidInput("\(error.message); nothing was written") }
        var payload: [String: CanonicalJSON] = ["type": .string(spec.type.rawValue), "items": .integer(Int64(spec.itemCount))]
        if let p = spec.parent { payload["parent"] = .string(p) }
        if let n = spec.ports { payload["ports"] = .integer(Int64(n)); payload["slotsPerPort"] = .integer(Int64(spec.slotsPerPort ?? 1)) }
        for (k, v) in CaseStore.identifiers(of: spec).values { payload[k] = .string(v) }
        for (k, v) in CaseStore.attributes(of: spec) { payload[k] = v }
        let entry = try append(examiner: examiner, action: .deviceAdd, subjects: [spec.label], payload: payload) { db, seq in
            var registry = RegistryState()
            do { try CaseStore.insert(spec, db: db, seq: seq, state: &registry) } catch let e as RegistryProblem {
                throw CaseStoreError.invalidInput("\(e.message); nothing was written")
            }
        }
        return RegistrationOutcome(entry: entry, items: spec.itemCount, rows: 1, sha256: nil)
    }

    /// `device import`: every row of the catalog, all or nothing, with one `device.import`
    /// entry (file name, SHA-256, rows, items). A bad row refuses the file: `line N: reason`.
    @discardableResult
    public func importDevices(csv data: Data, fileName: String, by examiner: String) throws(CaseStoreError) -> RegistrationOutcome {
        let sha = SHA256Hash.of([UInt8](data)).hex
        let rows: [(line: Int, spec: DeviceSpec)]
        do { rows = try DeviceCSV.parse(data) } catch { throw .invalidInput("\(fileName): \(error.message); nothing was written") }
        guard !rows.isEmpty else { throw .invalidInput("\(fileName) holds no device rows (only a header?); nothing was written") }
        for r in rows {
            do { try CaseStore.checkFormat(r.spec) } catch {
                throw .invalidInput("\(fileName): line \(r.line): \(error.message); nothing was written")
            }
        }
        let items = rows.reduce(0) { $0 + $1.spec.itemCount }
        let payload: [String: CanonicalJSON] = ["file": .string(fileName), "sha256": .string(sha),
                                                "rows": .integer(Int64(rows.count)), "items": .integer(Int64(items))]
        let entry = try append(examiner: examiner, action: .deviceImport, payload: payload) { db, seq in
            var registry = RegistryState()
            for r in rows {
                do { try CaseStore.insert(r.spec, db: db, seq: seq, state: &registry, line: r.line) } catch let e as RegistryProblem {
                    throw CaseStoreError.invalidInput("\(fileName): line \(r.line): \(e.message); nothing was written")
                }
            }
        }
        return RegistrationOutcome(entry: entry, items: items, rows: rows.count, sha256: sha)
    }

    // MARK: Checks

    struct RegistryProblem: Error { var message: String; init(_ m: String) { message = m } }

    /// What earlier rows of the same import registered (for "also on line N").
    struct RegistryState {
        var lines: [String: Int] = [:]
    }

    /// Checks that need no database: type, label form, IMEIs, numbers, which fields fit the type.
    static func checkFormat(_ s: DeviceSpec) throws(RegistryProblem) {
        do {
            try validateLabel(s.label)
            let texts: [(String, String?)] = [("type", s.type.rawValue), ("parent", s.parent), ("make", s.make), ("model", s.model), ("serial", s.serial),
                                              ("mac", s.mac), ("hostname", s.hostname), ("condition", s.condition), ("location", s.location),
                                              ("seal", s.seal), ("note", s.note), ("iccid", s.iccid)]
            for (field, value) in texts { if let value { try checkText(value, field) } }
            for imei in s.imeis { try checkText(imei, "imei") }
        } catch { throw RegistryProblem(error.description) }
        guard let type = s.type.deviceType else {
            throw RegistryProblem("type \"\(s.type)\" is not a device type: use one of \(DeviceType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if s.parent == s.label { throw RegistryProblem("item \(s.label) cannot be its own parent") }
        if type.needsParent, s.parent == nil {
            throw RegistryProblem("a \(type.rawValue) needs a parent (\(type == .port ? "its SIM box or bank" : "its port"))")
        }
        switch type {
        case .port:
            guard let p = s.parent, portIndex(s.label, box: p) != nil else {
                throw RegistryProblem("a port's label must be <box>/P<n> (e.g. \(s.parent ?? "SB-03")/P17), not \(s.label)")
            }
        case .slot:
            guard let p = s.parent, slotIndex(s.label, port: p) != nil else {
                throw RegistryProblem("a slot's label must be <port>/S<n> (e.g. \(s.parent ?? "SB-03/P17")/S2), not \(s.label)")
            }
        default: break
        }
        switch type {
        case .phone:
            guard s.imeis.count <= 2 else { throw RegistryProblem("a phone has 1 or 2 IMEIs, \(s.imeis.count) given") }
            if s.imeis.count == 2, s.imeis[0] == s.imeis[1] { throw RegistryProblem("IMEI \(s.imeis[0]) is given twice") }
            for i in s.imeis { if let p = IMEI.problem(i) { throw RegistryProblem(p) } }
        case .port:
            guard s.imeis.count <= 1 else { throw RegistryProblem("a port has one module IMEI, \(s.imeis.count) given") }
            for i in s.imeis where (try? IMEI(digits: i)) == nil {
                throw RegistryProblem("module IMEI \(i) must be 15 digits")
            }
        default:
            if !s.imeis.isEmpty { throw RegistryProblem("IMEIs belong to phones (1 or 2) and SIM-box ports (module IMEI), not to a \(type.rawValue)") }
        }
        if let n = s.ports {
            guard type == .simbox || type == .simbank else { throw RegistryProblem("ports belong to a simbox or simbank, not to a \(type.rawValue)") }
            guard (1...1024).contains(n) else { throw RegistryProblem("ports must be 1–1024, not \(n)") }
        }
        if let n = s.slotsPerPort {
            guard s.ports != nil else { throw RegistryProblem("slots per port needs a port count (ports)") }
            guard (1...64).contains(n) else { throw RegistryProblem("slots per port must be 1–64, not \(n)") }
        }
        if let c = s.count {
            guard type == .simlot else { throw RegistryProblem("a count belongs to a simlot, not to a \(type.rawValue)") }
            guard c >= 0 else { throw RegistryProblem("count must not be negative") }
        }
        if s.hostname != nil, type != .computer { throw RegistryProblem("a hostname belongs to a computer, not to a \(type.rawValue)") }
        if let iccid = s.iccid {
            guard type == .sim else { throw RegistryProblem("an ICCID belongs to a sim, not to a \(type.rawValue)") }
            guard (try? ICCID(digits: iccid)) != nil else {
                throw RegistryProblem("ICCID \(iccid) must be 18–20 digits")
            }
        }
    }

    /// `n` of a port label `<box>/P<n>`.
    static func portIndex(_ label: String, box: String) -> Int? {
        guard label.hasPrefix(box + "/P") else { return nil }
        let rest = label.dropFirst(box.count + 2)
        guard !rest.isEmpty, rest.count <= 5, rest.allSatisfy({ $0.isASCII && $0.isNumber }), rest.first != "0" else { return nil }
        return Int(rest)
    }

    /// `m` of a slot label `<port>/S<m>`.
    static func slotIndex(_ label: String, port: String) -> Int? {
        guard label.hasPrefix(port + "/S") else { return nil }
        let rest = label.dropFirst(port.count + 2)
        guard !rest.isEmpty, rest.count <= 3, rest.allSatisfy({ $0.isASCII && $0.isNumber }), rest.first != "0" else { return nil }
        return Int(rest)
    }

    static func identifiers(of s: DeviceSpec) -> ItemIdentifiers {
        var ids: ItemIdentifiers = [:]
        ids[.serial] = s.serial
        ids[.mac] = s.mac
        ids[.hostname] = s.hostname
        ids[.iccid] = s.iccid
        if s.type == .device(.port) {
            ids[.moduleIMEI] = s.imeis.first
        } else {
            ids[.imei] = s.imeis.first
            ids[.imei2] = s.imeis.dropFirst().first
        }
        return ids
    }

    static func attributes(of s: DeviceSpec) -> [String: CanonicalJSON] {
        var a = [String: CanonicalJSON]()
        for (k, v) in [("make", s.make), ("model", s.model), ("condition", s.condition), ("location", s.location),
                       ("seal", s.seal), ("note", s.note)] {
            if let v { a[k] = .string(v) }
        }
        if let c = s.count { a["count"] = .integer(Int64(c)) }
        if let n = s.ports { a["ports"] = .integer(Int64(n)); a["slotsPerPort"] = .integer(Int64(s.slotsPerPort ?? 1)) }
        if s.type == .device(.port), let p = s.parent, let i = portIndex(s.label, box: p) { a["port"] = .integer(Int64(i)) }
        if s.type == .device(.slot), let p = s.parent, let i = slotIndex(s.label, port: p) { a["slot"] = .integer(Int64(i)) }
        if s.type == .device(.port), !s.imeis.isEmpty { a["moduleIMEINote"] = .string(moduleIMEINote) }
        return a
    }

    /// Identifier kinds that must be on one item only, with the kinds they must not repeat
    /// (an IMEI is unique as first or second IMEI).
    static let uniqueKinds: [IdentifierKind: [IdentifierKind]] = [.iccid: [.iccid], .imei: [.imei, .imei2], .imei2: [.imei, .imei2]]

    /// The item holding identifier `value` of one of `kinds`, if any.
    static func holder(_ db: any SQLExecutor, kinds: [String], value: String) throws -> (label: String, parent: String?, type: ItemType)? {
        let marks = kinds.map { _ in "?" }.joined(separator: ",")
        let row = try db.rows("""
            SELECT i.label, i.parent, i.type FROM item_identifier x JOIN item i ON i.label = x.label
            WHERE x.value = ? AND x.kind IN (\(marks)) LIMIT 1
            """, ([value] + kinds).map(\.sqlValue)).first
        return try row.map { (try $0.string(0), try $0.optionalString(1), ItemType(rawValue: try $0.string(2))) }
    }

    /// Item `label`, if any.
    static func fetchItem(_ db: any SQLExecutor, _ label: String) throws -> ItemRecord? {
        try ItemRecord.fetchOne(db, "WHERE label = ?", label)
    }

    /// Inserts one spec (and a box's ports and slots), enforcing the registry's consistency rules.
    static func insert(_ s: DeviceSpec, db: any SQLExecutor, seq: Int64, state: inout RegistryState, line: Int? = nil) throws {
        guard let type = s.type.deviceType else { throw RegistryProblem("type \"\(s.type)\" is not a device type") }
        if let existing = try fetchItem(db, s.label) {
            if let first = state.lines[s.label] { throw RegistryProblem("label \(s.label) is used twice (also on line \(first))") }
            throw RegistryProblem("label \(s.label) is already used by a \(existing.type) item (entry \(existing.seq)): every label must be unique")
        }
        if let line { state.lines[s.label] = line }
        if let parentLabel = s.parent {
            guard let parent = try fetchItem(db, parentLabel) else {
                throw RegistryProblem("parent \(parentLabel) is not in this case: register it first (or on an earlier line)")
            }
            guard DeviceType.canHold(type, itemType: parent.type) else {
                throw RegistryProblem("a \(type.rawValue) cannot be inside a \(parent.type) (\(parentLabel)): put it in a \(type.parentTypesText))")
            }
            if type == .port, let count = parent.attributes.ports, let i = portIndex(s.label, box: parentLabel), i > count {
                throw RegistryProblem("port index \(i) is outside \(parentLabel)'s ports 1–\(count)")
            }
            if type == .slot, let boxLabel = parent.parent, let box = try fetchItem(db, boxLabel),
               let perPort = box.attributes.slotsPerPort, let i = slotIndex(s.label, port: parentLabel), i > perPort {
                throw RegistryProblem("slot index \(i) is outside \(parentLabel)'s slots 1–\(perPort)")
            }
            // `type || ''`: look the slot up by the parent index. On the bare column SQLite picks
            // the type index and walks every SIM in the case for every SIM placed (quadratic
            // imports); an expression cannot use that index, on either backend.
            if type == .sim, parent.type == .device(.slot),
               let other = try db.string("SELECT label FROM item WHERE parent = ? AND (type || '') = 'sim' LIMIT 1", parentLabel) {
                throw RegistryProblem("slot \(parentLabel) already holds SIM \(other): one SIM per slot")
            }
        }
        let ids = identifiers(of: s)
        for (kind, value) in ids.values.sorted(by: { $0.key < $1.key }) {
            guard let kinds = IdentifierKind(rawValue: kind).flatMap({ uniqueKinds[$0] }) else { continue }
            let what = kinds[0].rawValue
            if let h = try holder(db, kinds: kinds.map(\.rawValue), value: value) {
                if kinds == [.iccid], let hp = h.parent, let p = s.parent,
                   try fetchItem(db, hp)?.type == .device(.slot), try fetchItem(db, p)?.type == .device(.slot) {
                    throw RegistryProblem("SIM \(value) is already item \(h.label) in slot \(hp): a SIM cannot be in two slots")
                }
                throw RegistryProblem("\(what) \(value) is already on item \(h.label): an \(what) identifies one item")
            }
        }
        try insertItem(db, label: s.label, type: s.type, parent: s.parent, ids: ids, attributes: ItemAttributes(attributes(of: s)), seq: seq)
        if let ports = s.ports {
            let perPort = s.slotsPerPort ?? 1
            for p in 1...ports {
                let port = "\(s.label)/P\(p)"
                if try itemExists(db, port) { throw RegistryProblem("label \(port) (a port of \(s.label)) is already used") }
                try insertItem(db, label: port, type: .device(.port), parent: s.label, ids: [:], attributes: ["port": .integer(Int64(p))], seq: seq)
                for m in 1...perPort {
                    let slot = "\(port)/S\(m)"
                    if try itemExists(db, slot) { throw RegistryProblem("label \(slot) (a slot of \(s.label)) is already used") }
                    try insertItem(db, label: slot, type: .device(.slot), parent: port, ids: [:], attributes: ["slot": .integer(Int64(m))], seq: seq)
                }
            }
        }
    }

    static func insertItem(_ db: any SQLExecutor, label: String, type: ItemType, parent: String?, ids: ItemIdentifiers,
                           attributes: ItemAttributes, seq: Int64) throws {
        try ItemRecord(label: label, type: type, parent: parent, identifiers: ids, seq: seq, attributes: attributes).insert(db)
        try indexIdentifiers(db, label: label, ids)
        try indexText(db, label: label, seq: seq, words: SearchText.words(in: attributes.canonical))
    }

    static func indexIdentifiers(_ db: any SQLExecutor, label: String, _ ids: ItemIdentifiers) throws {
        for (kind, value) in ids.values where !value.isEmpty {
            try db.execute("INSERT INTO item_identifier (label, kind, value) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", label, kind, value)
        }
    }

    /// The slot a SIM read in place into `label` would go into (`portAndSlot`): checked before
    /// a module is read, so a wrong `--item` costs no read.
    public func slotForReadInPlace(_ label: String) throws(CaseStoreError) -> String {
        try read { db in try CaseStore.portAndSlot(db, label).slot }
    }

    /// The port and slot a SIM read in place goes into, from `label`: a slot (its port), or a
    /// port with exactly one slot. Anything else is refused with the reason.
    static func portAndSlot(_ db: any SQLExecutor, _ label: String) throws -> (port: ItemRecord, slot: String) {
        guard let item = try fetchItem(db, label) else { throw CaseStoreError.unknownItem(label) }
        switch item.type {
        case .device(.slot):
            guard let parent = item.parent, let port = try fetchItem(db, parent) else { throw CaseStoreError.unknownItem(item.parent ?? label) }
            return (port, label)
        case .device(.port):
            let slots = try db.rows("SELECT label FROM item WHERE parent = ? AND type = 'slot' ORDER BY label", label).map { try $0.string(0) }
            guard slots.count == 1 else {
                throw CaseStoreError.invalidInput(slots.isEmpty
                    ? "port \(label) has no slot to hold the SIM: register the box with --slots-per-port"
                    : "port \(label) has \(slots.count) slots: name the one the module uses (e.g. --item \(slots[0]))")
            }
            return (item, slots[0])
        default:
            throw CaseStoreError.invalidInput("\(label) is a \(item.type.rawValue), not a port or slot of a SIM box: give the port the module sits in (e.g. SB-01/P3)")
        }
    }

    /// Gives `port` the module IMEI a read in place found (it had none), flagged as the registry
    /// flags one entered by hand.
    static func setModuleIMEI(_ db: any SQLExecutor, port: ItemRecord, _ imei: String) throws {
        var identifiers = port.identifiers
        identifiers[.moduleIMEI] = imei
        var attributes = port.attributes
        attributes.values["moduleIMEINote"] = .string(moduleIMEINote)
        try db.execute("UPDATE item SET identifiers = ?, attributes = ? WHERE label = ?",
                       identifiers.description, attributes.description, port.label)
        try indexIdentifiers(db, label: port.label, [IdentifierKind.moduleIMEI.rawValue: imei])
    }

    /// The item an ICCID was registered on (or read into), if any.
    static func itemHolding(iccid: String, _ db: any SQLExecutor) throws -> String? {
        try db.string("SELECT label FROM item_identifier WHERE kind = 'ICCID' AND value = ? LIMIT 1", iccid)
    }
}
