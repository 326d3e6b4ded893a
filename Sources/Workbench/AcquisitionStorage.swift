import CaseStore
import Foundation
import SIMCard

/// Saves acquisition records: one JSON file per read, never overwriting another.
public enum AcquisitionFile {
    /// Writes `acquisition` as `DIR/<ICCID>-<UTC time>.json` (atomically) and returns the path.
    public static func write(_ acquisition: SIMAcquisition, into directory: String) throws(WorkbenchError) -> String {
        let record: Data
        do { record = try encodeJSON(acquisition) } catch { throw WorkbenchError("cannot encode the acquisition record: \(error)") }
        return try write(record, of: acquisition, into: directory)
    }

    /// `write`, for a record already encoded (an in-place read's carries `modem`).
    public static func write(_ record: Data, of acquisition: SIMAcquisition, into directory: String) throws(WorkbenchError) -> String {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw WorkbenchError("cannot create the output folder \(directory): \(error.localizedDescription); choose another --out")
        }
        let stamp = acquisition.transcript.entries.first?.time.filter { $0.isNumber || $0 == "T" } ?? "unread"
        let name = "\(acquisition.iccid?.digits ?? "no-iccid")-\(stamp)Z.json"
        let path = (directory as NSString).appendingPathComponent(name)
        guard !FileManager.default.fileExists(atPath: path) else {
            throw WorkbenchError("\(path) already exists: Custody never overwrites an acquisition record; choose another --out")
        }
        do {
            try record.write(to: URL(fileURLWithPath: path), options: [.atomic])
        } catch {
            throw WorkbenchError("cannot write \(path): \(error.localizedDescription); check free space and permissions")
        }
        return path
    }
}

/// `sim read --case`: a read stored in the case.
public enum AcquisitionRecording {
    /// Stores the read in the case (record, SIM item, sim.acquire / sim.reread) and returns the
    /// line saying what it did.
    public static func record(_ identity: SIMAcquisition, into store: CaseStore, by examiner: String) throws -> String {
        try record(identity, encoded: try encodeJSON(identity), inPlace: nil, into: store, by: examiner)
    }

    /// `record`, for a record already encoded (an in-place read's carries `modem`) and, read in
    /// place, the port it sat in.
    static func record(_ identity: SIMAcquisition, encoded record: Data, inPlace: CaseStore.InPlace?,
                       into store: CaseStore, by examiner: String) throws(WorkbenchError) -> String {
        try recorded(identity, encoded: record, inPlace: inPlace, into: store, by: examiner).line
    }

    /// `record`, with what the store did besides the line saying it.
    static func recorded(_ identity: SIMAcquisition, encoded record: Data, inPlace: CaseStore.InPlace?,
                         into store: CaseStore, by examiner: String) throws(WorkbenchError) -> (line: String, outcome: CaseStore.AcquisitionOutcome) {
        let outcome = try inCase { () throws(CaseStoreError) in
            try store.recordAcquisition(identity, record: record, by: examiner, inPlace: inPlace)
        }
        let seq = outcome.entry.entry.sequence
        let flag = identity.complete ? "" : " (INCOMPLETE)"
        let place = inPlace.map { " in place in \($0.item)\($0.moduleIMEI.map { " (module IMEI \($0))" } ?? "")" } ?? ""
        let line: String
        if outcome.reread, let label = outcome.label {
            let same = outcome.sameContentAsFirst.map { $0 ? ", same content hash as the first \(identity.scope.rawValue) read" : ", content hash DIFFERS from the first \(identity.scope.rawValue) read" } ?? ""
            line = "SIM \(identity.iccid?.digits ?? "") is already in the case as \(label); recorded as a re-read\(place)\(flag) (entry \(seq) sim.reread\(same))"
        } else if let label = outcome.label {
            line = "recorded in case \(store.caseID) as \(label)\(place)\(flag) (entry \(seq) sim.acquire, record SHA-256 \(outcome.recordSHA256))"
        } else {
            line = "recorded in case \(store.caseID) without an item: no ICCID was read\(flag) (entry \(seq) sim.acquire)"
        }
        return (line, outcome)
    }
}

/// A card read from one of the station's readers into the case, for a front end that is not the
/// terminal (the desk's reader page, `POST /api/v1/readers/read`; schema custody.desk.read/1):
/// what `custody sim read --case` prints, as a document.
public struct StationReadOutput: Encodable, Sendable {
    public var schema = "custody.desk.read/1"
    public var reader: String
    /// `identity` or `full`.
    public var scope: String
    /// The SIM item the read went to (nil: no ICCID was read).
    public var label: String?
    public var iccid: String?
    public var reread: Bool
    public var complete: Bool
    public var incompleteReason: String?
    public var apduCount: Int
    /// The `sim.acquire` or `sim.reread` entry.
    public var entry: Int64
    /// The line `custody sim read --case` prints about the case.
    public var line: String
}

extension AcquisitionRecording {
    /// Reads the card in `reader` (the identity, or with `full` every file; no PIN is ever
    /// presented: the station reads what an unlocked card shows) within the scope's default
    /// limits, and records it in the case as `custody sim read --case` does.
    public static func readIntoCase(reader: String, full: Bool, store: CaseStore, by examiner: String,
                                    apduTimeout: Double = 5) throws(WorkbenchError) -> StationReadOutput {
        let scope: AcquisitionScope = full ? .full : .identity
        let chosen = try ChosenReader(reader)
        let identity = try chosen.read(scope: scope, examinerPIN: nil, apduTimeout: apduTimeout, limits: ReadLimits.defaults(for: scope))
        let encoded: Data
        do { encoded = try encodeJSON(identity) } catch { throw WorkbenchError("cannot encode the acquisition record: \(error)") }
        let (line, outcome) = try recorded(identity, encoded: encoded, inPlace: nil, into: store, by: examiner)
        return StationReadOutput(reader: chosen.name, scope: scope.rawValue, label: outcome.label, iccid: identity.iccid?.digits,
                                 reread: outcome.reread, complete: identity.complete, incompleteReason: identity.incompleteReason,
                                 apduCount: identity.apduCount, entry: outcome.entry.entry.sequence,
                                 line: line)
    }
}
