import CaseStore
import Foundation
import Ledger
import SIMCard

/// A signed ledger entry as the changing commands print it (schema custody.ledger.entry/1).
public struct EntryOutput: Encodable, Sendable {
    public static let schema = "custody.ledger.entry/1"
    public var schema = EntryOutput.schema
    public var seq: Int64
    public var time: String
    public var examiner: String
    public var action: String
    public var subjects: [String]
    /// Key ID of the station key that signed the entry.
    public var station: String
    public var hash: String
    public var payload: JSONPayload

    public init(_ e: SignedEntry) {
        seq = e.entry.sequence
        time = e.entry.time.description
        examiner = e.entry.examiner
        action = e.entry.action.rawValue
        station = e.entry.station.hex
        subjects = e.entry.subjects
        hash = e.hash.hex
        payload = JSONPayload(.object(e.entry.payload))
    }
}

/// A ledger payload value as JSON output.
public struct JSONPayload: Encodable, Sendable {
    public let value: CanonicalJSON
    public init(_ value: CanonicalJSON) { self.value = value }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch value {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .integer(let i): try c.encode(i)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a.map(JSONPayload.init))
        case .object(let o): try c.encode(o.mapValues(JSONPayload.init))
        }
    }
}

extension JSONPayload {
    /// `key=value` pairs for one-line human output.
    public static func text(_ payload: [String: CanonicalJSON]) -> String {
        payload.keys.sorted().map { k in "\(k)=\(text(payload[k]!))" }.joined(separator: " ")
    }

    public static func text(_ v: CanonicalJSON) -> String {
        switch v {
        case .null: "null"
        case .bool(let b): "\(b)"
        case .integer(let i): "\(i)"
        case .string(let s): s.contains(" ") ? "\"\(s)\"" : s
        case .array(let a): "[" + a.map(text).joined(separator: ",") + "]"
        case .object(let o): "{" + text(o) + "}"
        }
    }
}

/// An item as the device commands print it.
public struct DeviceOutput: Encodable, Sendable {
    public var label: String
    public var type: String
    public var parent: String?
    public var identifiers: JSONPayload
    public var attributes: JSONPayload
    public var createdBy: Int64
    /// TAC (first 8 digits) of each phone IMEI.
    public var tac: [String: String]?
    /// For a port's module IMEI: "software-rewritable: a claim, not an identity".
    public var moduleIMEINote: String?

    public init(_ i: ItemRecord) {
        label = i.label; type = i.type.rawValue; parent = i.parent; createdBy = i.seq
        identifiers = JSONPayload(i.identifiers.canonical)
        attributes = JSONPayload(i.attributes.canonical)
        var t = [String: String]()
        for kind in [IdentifierKind.imei, .imei2] { if let v = i.identifiers[kind] { t[v] = IMEI.tac(v) } }
        tac = t.isEmpty ? nil : t
        if i.identifiers[.moduleIMEI] != nil { moduleIMEINote = CaseStore.moduleIMEIFlag }
    }
}

/// One item with what it holds and how often it was handled and read (schema custody.device/1).
public struct DeviceDetail: Encodable, Sendable {
    public var schema = "custody.device/1"
    public var caseID: String
    public var item: DeviceOutput
    /// What the item holds, in label order.
    public var children: [String]
    public var historyEntries: Int
    public var acquisitions: Int

    /// The item labelled `label` in `store`.
    public init(_ label: String, in store: CaseStore) throws(WorkbenchError) {
        do throws(CaseStoreError) {
            guard let item = try store.item(label) else { throw CaseStoreError.unknownItem(label) }
            let reads = try store.acquisitionCount(item: label)
            self.init(caseID: store.caseID, item: DeviceOutput(item), children: try store.children(of: label).sorted(by: labelOrder).map(\.label),
                      historyEntries: try store.history(label).count, acquisitions: reads)
        } catch {
            throw WorkbenchError(error)
        }
    }

    init(caseID: String, item: DeviceOutput, children: [String], historyEntries: Int, acquisitions: Int) {
        self.caseID = caseID
        self.item = item
        self.children = children
        self.historyEntries = historyEntries
        self.acquisitions = acquisitions
    }
}

/// Counts per item type, SIM read states and SIMs per operator (schema custody.summary/1).
public struct CaseSummary: Encodable, Sendable {
    public var schema = "custody.summary/1"
    public var caseID: String
    public var items: Int
    public var types: [String: Int]
    public var sims: SIMs
    public var operators: [String: Int]

    public struct SIMs: Encodable, Sendable {
        public var total: Int
        public var read: Int
        public var pinLocked: Int
        public var unreadable: Int
        public var notRead: Int
        public var readsWithoutICCID: Int
    }

    /// The summary of the case in `store` now.
    public init(of store: CaseStore) throws(WorkbenchError) {
        let s: RegistrySummary
        s = try inCase { () throws(CaseStoreError) in try store.summary() }
        caseID = store.caseID
        items = s.items
        types = s.types
        sims = SIMs(total: s.simItems, read: s.sims[.read] ?? 0, pinLocked: s.sims[.pinLocked] ?? 0,
                    unreadable: s.sims[.unreadable] ?? 0, notRead: s.sims[.notRead] ?? 0, readsWithoutICCID: s.readsWithoutICCID)
        operators = s.operators
    }
}

/// A case as `case init` and `case show` print it (schema custody.case/1).
public struct CaseOutput: Encodable, Sendable {
    public static let schema = "custody.case/1"
    public var schema = CaseOutput.schema
    public var id: String
    public var name: String
    public var agency: String
    public var authority: String
    public var timeZone: String
    /// The language of the case's documents (vi, en).
    public var language: String
    public var stationKey: String
    public var createdAt: String
    /// The case folder, or the PostgreSQL URL without its password.
    public var directory: String
    /// `case init --store`: the file the case's first station key was written to.
    public var stationKeyFile: String?
    public var entries: Int?
    public var examiners: [ExaminerOutput]?
    public var items: Int?
    public var acquisitions: Int?

    /// The case record and its language.
    public init(_ s: CaseStore) throws(WorkbenchError) {
        let c = s.caseRecord
        id = c.id; name = c.name; agency = c.agency; authority = c.authority; timeZone = c.timeZone
        stationKey = c.stationKey; createdAt = c.createdAt; directory = s.directory
        language = try inCase { () throws(CaseStoreError) in try s.language() }.rawValue
    }

    /// The case record with its roster and counts (`case show`).
    public init(showing store: CaseStore) throws(WorkbenchError) {
        try self.init(store)
        do throws(CaseStoreError) {
            entries = try store.lineRecords().count
            examiners = try store.examiners().map(ExaminerOutput.init)
            items = try store.items().count
            acquisitions = try store.acquisitions().count
        } catch {
            throw WorkbenchError(error)
        }
    }
}

/// One examiner of the roster; `addedBy` is the entry that added them.
public struct ExaminerOutput: Encodable, Sendable {
    public var id: String
    public var name: String
    public var role: String
    public var addedBy: Int64

    public init(_ x: ExaminerRecord) {
        id = x.id; name = x.name; role = x.role.rawValue; addedBy = x.seq
    }
}
