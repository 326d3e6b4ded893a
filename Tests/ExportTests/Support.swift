import CaseStore
import Export
import Foundation
import Ledger
import SIMCard
import Testing

/// A small case for export tests: a SIM box with two ports of one slot, a SIM registered in
/// slot P1/S1 and read into the case, a seized phone with custody events (Vietnamese text).
struct ExportFixture {
    let directory: String
    let store: CaseStore
    static let iccid = "8984012345678901236"

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString)").path
        store = try CaseStore.create(directory: directory + "/case", name: "Op Lotus", agency: "C03", authority: "W-2026-17",
                                     timeZone: "Asia/Ho_Chi_Minh", examiner: .init(id: "sup1", name: "Nguyễn Văn A"))
        try store.addExaminer(id: "tech1", name: "Trần Thị B", role: .technician, by: "sup1")
        var box = DeviceSpec(label: "SB-1", type: .device(.simbox))
        box.ports = 2
        box.slotsPerPort = 1
        box.make = "GoIP"
        try store.addDevice(box, by: "tech1")
        var sim = DeviceSpec(label: "SIM-A", type: .device(.sim), parent: "SB-1/P1/S1")
        sim.iccid = ExportFixture.iccid
        try store.addDevice(sim, by: "tech1")
        _ = try store.recordAcquisition(try JSONDecoder().decode(SIMAcquisition.self, from: ExportFixture.record), record: ExportFixture.record, by: "tech1")
        try store.recordEvent(.custodySeize, label: "PHONE-1", details: ["where": "Hà Nội, 12 Lý Thường Kiệt", "from": "Nghi phạm A"],
                              by: "tech1", newItemType: "phone", identifiers: ["IMEI": "356938035643809"])
        try store.recordEvent(.custodyTransfer, label: "PHONE-1", details: ["releasedBy": "tech1", "receivedBy": "sup1", "purpose": "kho, \"A\""], by: "tech1")
        try store.recordEvent(.custodySeal, label: "SIM-A", details: ["seal": "S-0042"], by: "sup1")
    }

    /// An identity read of a USIM with PIN states and two PIN retry-counter queries in its transcript.
    static let record = Data("""
    {"apduCount":3,"applications":[],"atr":"3B9F96801FC78031E073FE211B63F100","atrProtocols":["T=0"],"complete":true,\
    "contentSHA256":"1111111111111111111111111111111111111111111111111111111111111111","files":[],\
    "iccid":{"digits":"\(iccid)","luhnValid":true},"imsi":{"digits":"452011234567890","mcc":"452","mnc":"01","path":"ADF.USIM/6F07","state":"read"},\
    "pins":[{"blocked":false,"enabled":true,"name":"PIN1","remainingTries":3,"source":"VERIFY"}],"reader":"Virtual 00 00","schema":"custody.sim.acquisition/1",\
    "scope":"identity","transcript":{"entries":[{"command":"00A4000C023F00","microseconds":90,"response":"","sw":"9000","time":"2026-11-29T01:14:32.000Z"},\
    {"command":"00200001","microseconds":80,"response":"","sw":"63C3","time":"2026-11-29T01:14:32.001Z"},\
    {"command":"002C0001","microseconds":80,"response":"","sw":"63CA","time":"2026-11-29T01:14:32.002Z"}]},\
    "transcriptSHA256":"2222222222222222222222222222222222222222222222222222222222222222"}

    """.utf8)

    func export(_ name: String, items: [String] = [], redactPins: Bool = false) throws(ExportError) -> Exporter.Result {
        try Exporter.export(store: store, options: .init(out: bundle(name), items: items, redactPins: redactPins, examiner: "sup1", tool: ToolIdentity(name: "custody", version: "test", build: "")))
    }

    func bundle(_ name: String) -> String { directory + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

/// Editing a bundle the way someone tampering with it would.
struct BundleEditor {
    let root: String

    func path(_ p: String) -> String { root + "/" + p }
    func data(_ p: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path(p))) }
    func text(_ p: String) throws -> String { String(decoding: try data(p), as: UTF8.self) }
    func write(_ p: String, _ d: Data) throws { try d.write(to: URL(fileURLWithPath: path(p))) }
    func write(_ p: String, _ s: String) throws { try write(p, Data(s.utf8)) }
    func remove(_ p: String) throws { try FileManager.default.removeItem(atPath: path(p)) }

    /// Rewrites MANIFEST.sha256 over the files now present (a forger covering their tracks).
    func reseal() throws {
        var files = [String: String]()
        for case let p as String in FileManager.default.enumerator(atPath: root)! where p != BundleLayout.manifest {
            var isDir: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path(p), isDirectory: &isDir)
            if !isDir.boolValue { files[p] = BundleLayout.sha256(try data(p)) }
        }
        try write(BundleLayout.manifest, Manifest(files).text)
    }

    /// Copies the bundle to a fresh folder and returns an editor on the copy.
    func copy() throws -> BundleEditor {
        let to = root + "-copy-\(UUID().uuidString.prefix(6))"
        try FileManager.default.copyItem(atPath: root, toPath: to)
        return BundleEditor(root: to)
    }

    /// The lines of proofs.jsonl (without newlines), as (sequence number, hashes).
    func proofs() throws -> [(seq: Int, hashes: [SHA256Hash])] {
        try data(BundleLayout.proofLines).split(separator: 0x0A).map { line in
            let proof = try #require(ProofFile.parse(line))
            return (proof.index, proof.hashes)
        }
    }

    /// Writes proofs.jsonl and its index proofs.idx holding `proofs`, in order (MANIFEST.sha256 left alone).
    func writeProofs(_ proofs: [(seq: Int, hashes: [SHA256Hash])]) throws {
        var jsonl = Data(), index = "", offset = 0
        for p in proofs {
            let line = ProofFile.line(index: p.seq, hashes: p.hashes) + [0x0A]
            jsonl.append(contentsOf: line)
            index += ProofFile.indexLine(seq: Int64(p.seq), offset: offset)
            offset += line.count
        }
        try write(BundleLayout.proofLines, jsonl)
        try write(BundleLayout.proofIndex, index)
    }

    /// Turns the bundle into the layout of bundles from before issue 19: one C2SP tlog-proof
    /// file per line of ledger.jsonl in proofs/, made from proofs.jsonl, ledger.jsonl and the
    /// checkpoint as docs/LEDGER.md says; then rewrites MANIFEST.sha256.
    func useProofFolder() throws {
        let lines = try data(BundleLayout.ledger).split(separator: 0x0A).map(Array.init)
        let note = try text(BundleLayout.checkpoint)
        try FileManager.default.createDirectory(atPath: path(BundleLayout.proofs), withIntermediateDirectories: false)
        for (line, proof) in zip(lines, try proofs()) {
            try write(BundleLayout.proofPath(Int64(proof.seq)), TlogProof(index: proof.seq, extra: line, hashes: proof.hashes, checkpointNote: note).serialized)
        }
        try remove(BundleLayout.proofLines)
        try remove(BundleLayout.proofIndex)
        try reseal()
    }

    func problem(key: [VerifierKey]? = nil) -> BundleProblem? {
        do { _ = try BundleVerifier.verify(bundle: root, pinnedKeys: key); return nil } catch { return error }
    }
}

/// Runs `executable` to completion: its exit status and what it wrote (stdout and stderr).
func runTool(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    if let environment { p.environment = environment }
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}
