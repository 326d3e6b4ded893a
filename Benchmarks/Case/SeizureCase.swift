import BenchmarkSupport
// A case shaped like the seizure (CONTEXT.md) at a scale, built through the CaseStore API: the
// case export-bench exports and store-bench copies between backends (docs/BENCHMARKS.md, "Export
// and verify", "The case").
import CaseStore
import Export
import Foundation
import Ledger
import SeizureCatalog
import SIMCard
import Workbench

/// The examiner who opens the case, imports the catalog and releases the devices.
public let clerk = "clerk-01"
/// The examiners who read, seal, receive and note.
public let technicians = ["tech-01", "tech-02", "tech-03"]

/// The two acquisition records every SIM's read is made from (see docs/BENCHMARKS.md).
public struct RecordTemplates: Sendable {
    public let identity: SIMAcquisition
    public let full: SIMAcquisition
    public let identityBytes: Int
    public let fullBytes: Int

    public init(directory: String) {
        func load(_ name: String) -> (SIMAcquisition, Int) {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path),
                  let record = try? JSONDecoder().decode(SIMAcquisition.self, from: data) else {
                fail("cannot read the acquisition record \(path): run from the repository root or give --records")
            }
            return (record, data.count)
        }
        (identity, identityBytes) = load("identity.json")
        (full, fullBytes) = load("full.json")
    }

    /// The template's read as if made of the SIM with this ICCID: its ICCID and an IMSI (with
    /// its operator) of the network its issuer prefix names, content and transcript hashes of its own, one of four
    /// readers. The files' raw bytes stay the template card's.
    public func read(iccid: String, full: Bool, index: Int) -> SIMAcquisition {
        var a = full ? self.full : identity
        let issuer = String(iccid.dropFirst(4).prefix(2))
        let imsi = "452" + issuer + String(iccid.dropLast().suffix(10))
        a.iccid?.digits = iccid
        a.imsi?.digits = imsi
        a.imsi?.mnc = issuer
        a.imsi?.operatorInfo = OperatorDirectory.shared.lookup(mcc: "452", mnc: issuer)
        a.reader = "Custody Virtual \(["A", "B", "C", "D"][index % 4]) 00 00"
        a.contentSHA256 = BundleLayout.sha256(Data("content \(iccid) \(a.scope.rawValue)".utf8))
        a.transcriptSHA256 = BundleLayout.sha256(Data("transcript \(iccid) \(a.scope.rawValue)".utf8))
        return a
    }
}

/// How to build the case: the catalog's scale and seed, the ledger's size, the share of full reads.
public struct CaseRecipe: Sendable {
    public var scale: Double
    public var seed: UInt64
    /// Ledger entries at scale 1, multiplied by the scale.
    public var entriesPerScale: Int
    /// Every `fullEvery`-th SIM gets a full read instead of an identity read.
    public var fullEvery: Int

    public init(scale: Double, seed: UInt64, entriesPerScale: Int, fullEvery: Int) {
        self.scale = scale
        self.seed = seed
        self.entriesPerScale = entriesPerScale
        self.fullEvery = fullEvery
    }
}

public struct CaseShape: Encodable, Sendable {
    public var items: Int
    public var sims: Int
    public var identityReads: Int
    public var fullReads: Int
    public var entries: Int
    public var entriesByAction: [String: Int]
    public var recordBytes: Int64
    public var databaseBytes: Int64
    public var buildSeconds: Double
}

/// What `custody sim read` stores: the record bytes of Workbench's `encodeJSON`.
public func recordJSON(_ a: SIMAcquisition) -> Data {
    guard let data = try? encodeJSON(a) else { fail("cannot encode an acquisition record") }
    return data
}

/// `body`'s result, or the end of the benchmark with `what` and the error.
public func must<T>(_ what: String, _ body: () throws -> T) -> T {
    do { return try body() } catch { fail("\(what): \(error)") }
}

/// A case shaped like the seizure at `recipe.scale` in the folder `directory`: the catalog
/// imported, one read per SIM (every `fullEvery`-th a full read with SMS), every SIM sealed,
/// every device, system and lot transferred to a technician and received in the lab, then notes
/// on SIMs up to `entriesPerScale × scale` entries. Everything through the CaseStore API, one
/// committed transaction per entry, as the CLI does.
public func buildSeizureCase(_ recipe: CaseRecipe, directory: String, templates: RecordTemplates) -> (CaseStore, CaseShape) {
    let scale = recipe.scale
    var store: CaseStore!
    var sims = [DeviceSpec]()
    var fullReads = 0
    var recordBytes: Int64 = 0
    let buildSeconds = timed {
        store = must("create the case") {
            try CaseStore.create(directory: directory, name: "Export benchmark, scale \(scale)", agency: "C03 Hà Nội", authority: "W-2021-10",
                                 timeZone: "Asia/Ho_Chi_Minh", examiner: .init(id: clerk, name: "Nguyễn Văn A"))
        }
        must("add examiners") {
            for (i, id) in technicians.enumerated() { try store.addExaminer(id: id, name: "Kỹ thuật viên \(i + 1)", role: .technician, by: clerk) }
        }
        let catalog = SeizureCatalog(scale: scale, seed: recipe.seed)
        _ = must("import the catalog") { try store.importDevices(csv: Data(catalog.csv.utf8), fileName: "catalog.csv", by: clerk) }
        sims = catalog.rows.filter { $0.type == .device(.sim) }
        for (i, sim) in sims.enumerated() {
            guard let iccid = sim.iccid else { fail("catalog SIM \(sim.label) has no ICCID") }
            let full = i % recipe.fullEvery == 0
            let read = templates.read(iccid: iccid, full: full, index: i)
            let record = recordJSON(read)
            recordBytes += Int64(record.count)
            if full { fullReads += 1 }
            let outcome = must("record the read of \(sim.label)") { try store.recordAcquisition(read, record: record, by: technicians[i % technicians.count]) }
            guard outcome.label == sim.label else { fail("the read of \(sim.label) was recorded on \(outcome.label ?? "no item")") }
        }
        must("seal the SIMs") {
            for (i, sim) in sims.enumerated() {
                try store.recordEvent(.custodySeal, label: sim.label, details: ["seal": String(format: "S-%06d", i + 1), "bag": "túi niêm phong \(i / 50 + 1)"],
                                      by: technicians[i % technicians.count])
            }
        }
        must("move the devices") {
            let containers = catalog.rows.filter { [.system, .simbox, .simbank, .phone, .computer, .simlot].contains($0.type.deviceType) }
            for (i, device) in containers.enumerated() {
                let technician = technicians[i % technicians.count]
                try store.recordEvent(.custodyTransfer, label: device.label,
                                      details: ["releasedBy": clerk, "receivedBy": technician, "purpose": "giám định (examination)"], by: clerk)
                try store.recordEvent(.custodyReceive, label: device.label, details: ["from": clerk, "at": "Phòng giám định 2, Hà Nội"], by: technician)
            }
        }
        must("write notes") {
            let target = Int((Double(recipe.entriesPerScale) * scale).rounded())
            var next = try store.lineRecords().count
            var i = 0
            while next < target {
                let sim = sims[(i * 7) % sims.count]
                try store.recordEvent(.custodyNote, label: sim.label,
                                      details: ["text": "Thẻ SIM \(sim.label) kiểm tra lại niêm phong; không có dấu hiệu mở (seal checked, intact)"],
                                      by: technicians[i % technicians.count])
                next += 1
                i += 1
            }
        }
    }
    let lines = must("read the ledger") { try store.lineRecords() }
    var byAction = [String: Int]()
    for line in lines {
        let entry = must("parse entry \(line.seq)") { try SignedEntry(line: Array(line.line)) }
        byAction[entry.entry.action.rawValue, default: 0] += 1
    }
    let items = must("count items") { try store.items().count }
    let database = (directory as NSString).appendingPathComponent(CaseStore.databaseName)
    let bytes = [database, database + "-wal"].reduce(Int64(0)) { $0 + fileSize($1) }
    return (store, CaseShape(items: items, sims: sims.count, identityReads: sims.count - fullReads, fullReads: fullReads, entries: lines.count,
                             entriesByAction: byAction, recordBytes: recordBytes, databaseBytes: bytes, buildSeconds: buildSeconds))
}
