import Foundation
import SIMCard

// One Sendable record per table (docs/CASE-STORE.md). Migrations that create these
// tables are in Schema.swift and are never edited once shipped.

/// Table `case_info`: the case this store holds (exactly one row).
public struct CaseRecord: Codable, Sendable, Hashable, SQLRecord {
    static let table = "case_info"
    /// UUID, lowercase.
    public var id: String
    public var name: String
    public var agency: String
    /// Warrant, court order or other legal authority for the examination.
    public var authority: String
    /// IANA time zone of the lab (display only; the ledger is UTC).
    public var timeZone: String
    /// The station's verifier key (`name+keyid+base64`), as bound in entry 0.
    public var stationKey: String
    public var createdAt: String
}

/// Table `examiner`: the roster; `seq` is the ledger entry that added the examiner.
public struct ExaminerRecord: Codable, Sendable, Hashable, SQLRecord {
    static let table = "examiner"
    public var id: String
    public var name: String
    public var role: ExaminerRole
    public var seq: Int64
}

/// Table `item`: pieces of evidence; `seq` is the entry that created the item. Identifiers and
/// attributes are stored as canonical JSON objects (sorted keys) and decoded when the row is read.
public struct ItemRecord: Sendable, Hashable, SQLRecord {
    static let table = "item"
    /// Unique label, e.g. `SIM-8984…` or the exhibit number on the bag.
    public var label: String
    /// `sim`, `phone`, … or, from before the registry, `bag`, `exhibit`, …
    public var type: ItemType
    public var parent: String?
    /// ICCID, IMSI, IMEI, serial, …
    public var identifiers: ItemIdentifiers
    public var seq: Int64
    /// Descriptive fields (make, model, condition, location, seal, note, count, ports,
    /// slotsPerPort, port/slot index, …) (schema 2).
    public var attributes: ItemAttributes

    public init(label: String, type: ItemType, parent: String?, identifiers: ItemIdentifiers, seq: Int64, attributes: ItemAttributes = [:]) {
        self.label = label; self.type = type; self.parent = parent; self.identifiers = identifiers; self.seq = seq
        self.attributes = attributes
    }
}

/// Table `acquisition`: every SIM read recorded into the case, with its full record.
public struct AcquisitionRecord: Codable, Sendable, Hashable, SQLRecord {
    static let table = "acquisition"
    /// The ledger entry (`sim.acquire` or `sim.reread`) that records this read.
    public var seq: Int64
    /// The SIM item, nil when the ICCID could not be read.
    public var item: String?
    public var iccid: String?
    public var scope: AcquisitionScope
    public var complete: Bool
    public var contentSHA256: String
    public var transcriptSHA256: String
    /// SHA-256 of `record`.
    public var recordSHA256: String
    /// The acquisition record JSON (schema custody.sim.acquisition/1) exactly as written.
    public var record: Data
}

/// Table `photo`: photographs attached to items; the file is `DIR/<path>`.
public struct PhotoRecord: Codable, Sendable, Hashable, SQLRecord {
    static let table = "photo"
    public var seq: Int64
    public var item: String
    public var sha256: String
    /// Relative to the case folder: `photos/<sha256>.<ext>`.
    public var path: String
    public var originalName: String
    public var bytes: Int64
}

/// Table `ledger_entry`: the ledger. `line` holds the stored line's exact bytes (no newline):
/// the bytes hashed and signed are the bytes stored.
public struct LedgerEntryRecord: Codable, Sendable, Hashable, SQLRecord {
    static let table = "ledger_entry"
    public var seq: Int64
    public var line: Data

    public init(seq: Int64, line: Data) { self.seq = seq; self.line = line }
}

/// Table `checkpoint`: signed checkpoints issued for this ledger.
public struct CheckpointRecord: Codable, Sendable, Hashable, SQLRecord {
    static let table = "checkpoint"
    public var id: Int64?
    public var size: Int64
    /// Base64 Merkle root.
    public var root: String
    /// The signed note, verbatim.
    public var note: String
    public var createdAt: String
}

/// Table `station`: every station key the ledger binds (entry 0's `stations`, each
/// `station.add`), with the entries that added and revoked it (schema 4). Written in the same
/// transaction as those entries; appends read it to refuse a key that may not sign.
public struct StationRecord: Codable, Sendable, Hashable, SQLRecord {
    static let table = "station"
    /// 8 hex digits (LEDGER.md §3).
    public var keyID: String
    /// The station's name: `station.add`'s `name`, or the key name for a key bound in entry 0.
    public var name: String
    /// The verifier key, `name+keyid+base64`.
    public var key: String
    /// The entry that bound the key: 0 or its `station.add`.
    public var addedSeq: Int64
    /// Its `station.revoke` entry, nil while the key is active.
    public var revokedSeq: Int64?
    public var revokeReason: String?

    public var isActive: Bool { revokedSeq == nil }
}

// Column lists and row conversions: `init(row:)` reads columns by name; `sqlValues` gives them
// in the order of `columns`.

extension CaseRecord {
    static let columns = ["id", "name", "agency", "authority", "timeZone", "stationKey", "createdAt"]
    init(row: SQLRow) throws {
        self.init(id: try row.string("id"), name: try row.string("name"), agency: try row.string("agency"),
                  authority: try row.string("authority"), timeZone: try row.string("timeZone"), stationKey: try row.string("stationKey"),
                  createdAt: try row.string("createdAt"))
    }
    var sqlValues: [SQLValue] { [id, name, agency, authority, timeZone, stationKey, createdAt].map(\.sqlValue) }
}

extension ExaminerRecord {
    static let columns = ["id", "name", "role", "seq"]
    init(row: SQLRow) throws {
        let id = try row.string("id")
        self.init(id: id, name: try row.string("name"), role: try ExaminerRole(stored: try row.string("role"), examiner: id),
                  seq: try row.int64("seq"))
    }
    var sqlValues: [SQLValue] { [.text(id), .text(name), .text(role.rawValue), .integer(seq)] }
}

extension ExaminerRole {
    /// The `role` column of examiner `examiner`.
    init(stored text: String, examiner: String) throws(SQLTypeMismatch) {
        guard let role = ExaminerRole(rawValue: text) else {
            let known = ExaminerRole.allCases.map(\.rawValue).joined(separator: ", ")
            throw SQLTypeMismatch(description: "examiner \(examiner): role \(text) is none of \(known)")
        }
        self = role
    }
}

extension ItemRecord {
    static let columns = ["label", "type", "parent", "identifiers", "seq", "attributes"]
    init(row: SQLRow) throws {
        let label = try row.string("label")
        self.init(label: label, type: ItemType(rawValue: try row.string("type")), parent: try row.optionalString("parent"),
                  identifiers: try ItemIdentifiers(stored: try row.string("identifiers"), item: label), seq: try row.int64("seq"),
                  attributes: try ItemAttributes(stored: try row.string("attributes"), item: label))
    }
    var sqlValues: [SQLValue] {
        [.text(label), .text(type.rawValue), parent.sqlValueOrNull, .text(identifiers.description), .integer(seq), .text(attributes.description)]
    }
}

extension AcquisitionRecord {
    static let columns = ["seq", "item", "iccid", "scope", "complete", "contentSHA256", "transcriptSHA256", "recordSHA256", "record"]
    init(row: SQLRow) throws {
        self.init(seq: try row.int64("seq"), item: try row.optionalString("item"), iccid: try row.optionalString("iccid"),
                  scope: try AcquisitionScope(stored: try row.string("scope"), seq: try row.int64("seq")), complete: try row.bool("complete"), contentSHA256: try row.string("contentSHA256"),
                  transcriptSHA256: try row.string("transcriptSHA256"), recordSHA256: try row.string("recordSHA256"),
                  record: try row.data("record"))
    }
    var sqlValues: [SQLValue] {
        [.integer(seq), item.sqlValueOrNull, iccid.sqlValueOrNull, .text(scope.rawValue), complete.sqlValue, .text(contentSHA256),
         .text(transcriptSHA256), .text(recordSHA256), record.sqlValue]
    }
}

extension AcquisitionScope {
    /// The `scope` column of acquisition `seq`.
    init(stored text: String, seq: Int64) throws(SQLTypeMismatch) {
        guard let scope = AcquisitionScope(rawValue: text) else {
            throw SQLTypeMismatch(description: "acquisition \(seq): scope \(text) is neither identity nor full")
        }
        self = scope
    }
}

extension AcquisitionRecord {
    /// The stored record (schema custody.sim.acquisition/1) decoded as `T`, the parts of it a
    /// caller reads. A record that does not decode names its entry.
    public func decoded<T: Decodable>(as type: T.Type) throws(CaseStoreError) -> T {
        do { return try Self.decode(type, record, seq: seq) } catch {
            throw .database("the case store holds a value of the wrong type (\(error)): it was changed outside Custody; run `custody ledger verify`")
        }
    }

    /// `decoded(as:)` for a record read inside a transaction.
    static func decode<T: Decodable>(_ type: T.Type, _ record: Data, seq: Int64) throws(SQLTypeMismatch) -> T {
        do { return try JSONDecoder().decode(type, from: record) } catch {
            throw SQLTypeMismatch(description: "acquisition \(seq): its record does not decode (\(error))")
        }
    }
}

extension PhotoRecord {
    static let columns = ["seq", "item", "sha256", "path", "originalName", "bytes"]
    init(row: SQLRow) throws {
        self.init(seq: try row.int64("seq"), item: try row.string("item"), sha256: try row.string("sha256"), path: try row.string("path"),
                  originalName: try row.string("originalName"), bytes: try row.int64("bytes"))
    }
    var sqlValues: [SQLValue] { [.integer(seq), .text(item), .text(sha256), .text(path), .text(originalName), .integer(bytes)] }
}

extension LedgerEntryRecord {
    static let columns = ["seq", "line"]
    init(row: SQLRow) throws { self.init(seq: try row.int64("seq"), line: try row.data("line")) }
    var sqlValues: [SQLValue] { [.integer(seq), line.sqlValue] }
}

extension CheckpointRecord {
    /// `id` is given by the database on insert (`insert` leaves it out when nil).
    static let columns = ["id", "size", "root", "note", "createdAt"]
    init(row: SQLRow) throws {
        self.init(id: try row.int64("id"), size: try row.int64("size"), root: try row.string("root"), note: try row.string("note"),
                  createdAt: try row.string("createdAt"))
    }
    var sqlValues: [SQLValue] { [id.sqlValueOrNull, .integer(size), .text(root), .text(note), .text(createdAt)] }

    /// Inserts the checkpoint; the database numbers it.
    func insert(_ db: any SQLExecutor) throws {
        try db.execute("INSERT INTO checkpoint (size, root, note, createdAt) VALUES (?, ?, ?, ?)", size, root, note, createdAt)
    }
}

extension StationRecord {
    static let columns = ["keyID", "name", "key", "addedSeq", "revokedSeq", "revokeReason"]
    init(row: SQLRow) throws {
        self.init(keyID: try row.string("keyID"), name: try row.string("name"), key: try row.string("key"), addedSeq: try row.int64("addedSeq"),
                  revokedSeq: try row.optionalInt64("revokedSeq"), revokeReason: try row.optionalString("revokeReason"))
    }
    var sqlValues: [SQLValue] {
        [.text(keyID), .text(name), .text(key), .integer(addedSeq), revokedSeq.sqlValueOrNull, revokeReason.sqlValueOrNull]
    }
}

extension Optional where Wrapped: SQLArgument {
    var sqlValueOrNull: SQLValue { self?.sqlValue ?? .null }
}
