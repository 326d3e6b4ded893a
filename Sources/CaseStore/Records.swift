import Foundation
import GRDB

// One Sendable Codable record per table (docs/CASE-STORE.md). Migrations that create these
// tables are in Schema.swift and are never edited once shipped.

/// Table `case_info`: the case this store holds (exactly one row).
public struct CaseRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "case_info"
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
public struct ExaminerRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "examiner"
    public var id: String
    public var name: String
    /// technician, clerk or supervisor.
    public var role: String
    public var seq: Int64
}

/// Table `item`: pieces of evidence; `seq` is the entry that created the item.
public struct ItemRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "item"
    /// Unique label, e.g. `SIM-8984…` or the exhibit number on the bag.
    public var label: String
    /// `sim`, `phone`, `bag`, `exhibit`, …
    public var type: String
    public var parent: String?
    /// JSON object of identifiers (ICCID, IMSI, IMEI, serial, …), sorted keys.
    public var identifiers: String
    public var seq: Int64
    /// JSON object of descriptive fields (make, model, condition, location, seal, note, count,
    /// ports, slotsPerPort, port/slot index, …), sorted keys (schema 2).
    public var attributes: String

    public init(label: String, type: String, parent: String?, identifiers: String, seq: Int64, attributes: String = "{}") {
        self.label = label; self.type = type; self.parent = parent; self.identifiers = identifiers; self.seq = seq
        self.attributes = attributes
    }
}

/// Table `acquisition`: every SIM read recorded into the case, with its full record.
public struct AcquisitionRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "acquisition"
    /// The ledger entry (`sim.acquire` or `sim.reread`) that records this read.
    public var seq: Int64
    /// The SIM item, nil when the ICCID could not be read.
    public var item: String?
    public var iccid: String?
    public var scope: String
    public var complete: Bool
    public var contentSHA256: String
    public var transcriptSHA256: String
    /// SHA-256 of `record`.
    public var recordSHA256: String
    /// The acquisition record JSON (schema custody.sim.acquisition/1) exactly as written.
    public var record: Data
}

/// Table `photo`: photographs attached to items; the file is `DIR/<path>`.
public struct PhotoRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "photo"
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
public struct LedgerEntryRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "ledger_entry"
    public var seq: Int64
    public var line: Data

    public init(seq: Int64, line: Data) { self.seq = seq; self.line = line }
}

/// Table `checkpoint`: signed checkpoints issued for this ledger.
public struct CheckpointRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "checkpoint"
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
public struct StationRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "station"
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
