@testable import CaseStore
import Export
import Foundation
import Ledger
import SIMCard
import Testing

@Suite struct ExportTests {
    @Test func aFullExportHoldsTheCaseAndVerifies() throws {
        let f = try ExportFixture()
        defer { f.remove() }
        let before = try f.store.lineRecords()
        let r = try f.export("full")
        let b = BundleEditor(root: r.out)

        // ledger.jsonl: the case's lines byte for byte, then the export entry.
        let after = try f.store.lineRecords()
        #expect(after.count == before.count + 1)
        #expect(r.exportEntry.entry.sequence == Int64(before.count))
        #expect(r.exportEntry.entry.action == BundleLayout.exportAction)
        var expected = Data()
        for l in after { expected.append(l.line); expected.append(0x0A) }
        #expect(try b.data(BundleLayout.ledger) == expected)
        // The checkpoint covers the export entry and is kept in the case.
        #expect(r.checkpoint.size == after.count)
        #expect(try f.store.checkpoints().last?.note == b.text(BundleLayout.checkpoint))
        #expect(try f.store.verify().isValid)
        // The acquisition record exactly as stored, named by its entry.
        let acquisition = try #require(try f.store.acquisitions().first)
        #expect(try b.data("acquisitions/\(acquisition.seq).json") == acquisition.record)
        // Keys, one proof per line in proofs.jsonl with its offset index, the manifest's sealed hash in the export entry.
        let key = try f.store.trustedKeys()[0]
        #expect(try b.text("keys/\(key.keyID.hex).pub") == key.description + "\n")
        #expect(try b.proofs().map(\.seq) == after.map { Int($0.seq) })
        let proofLines = try b.data(BundleLayout.proofLines).split(separator: 0x0A)
        let index = try b.text(BundleLayout.proofIndex)
        #expect(index.utf8.count == after.count * ProofFile.indexLineLength)
        #expect(index.hasPrefix("00000000000000000000 00000000000000000000\n00000000000000000001 \(String(format: "%020d", proofLines[0].count + 1))\n"))
        #expect(!FileManager.default.fileExists(atPath: b.path(BundleLayout.proofs)))
        let manifest = try Manifest(parsing: b.data(BundleLayout.manifest))
        #expect(r.exportEntry.entry.payload["manifestSHA256"] == .string(manifest.sealedSHA256))
        #expect(manifest.lines.map(\.path) == manifest.lines.map(\.path).sorted())
        #expect(!manifest.lines.contains { $0.path == BundleLayout.manifest })
        // CSVs: BOM, CRLF, one row per item / entry; Vietnamese text intact.
        let inventory = try b.text(BundleLayout.inventory)
        #expect(inventory.hasPrefix("\u{FEFF}label,type,parent,identifiers,operator,state,reads,lastAcquisition,contentSHA256,created,entries\r\n"))
        #expect(inventory.contains("SIM-A,sim,SB-1/P1/S1,ICCID=\(ExportFixture.iccid),MobiFone,read,1,\(acquisition.seq),\(acquisition.contentSHA256),3,3 4 7\r\n"))
        #expect(inventory.contains("PHONE-1,phone,,IMEI=356938035643809,,,,,,5,5 6\r\n"))
        let custody = try CSVText.records(b.data(BundleLayout.custody))
        #expect(custody.count == before.count + 1)
        #expect(custody.contains { $0.fields[5].contains("Hà Nội, 12 Lý Thường Kiệt") })
        let items = try f.store.items().count
        #expect(try CSVText.records(b.data(BundleLayout.inventory)).count == items + 1)

        let v = try BundleVerifier.verify(bundle: r.out)
        #expect(v.wholeLedger && !v.keyPinned)
        #expect(v.entries == after.count && v.proofs == after.count)
        #expect(v.checked.map(\.name) == ["keys", "examiners", "acquisitions", "scans", "inventory", "custody events", "messages", "SIM-lot ranges", "CASE/UCO graph", "court report"])
        // Exhibits in the graph: the items the ledger names as subjects (SIM-A, PHONE-1, SB-1);
        // in the report: every item.
        // No messages: no message tables (BundleForgeryTests covers a bundle with messages).
        // Exporter alone writes no ranges.csv (Workbench's BundleExport adds it).
        #expect(v.checked.map(\.count) == [1, 2, 1, 0, items, before.count, 0, 0, 3, items])
        #expect(!FileManager.default.fileExists(atPath: r.out + "/" + BundleLayout.messages))
        #expect(try b.data(BundleLayout.reportPDF).prefix(5) == Data("%PDF-".utf8))
        #expect(try CourtReport.exhibitHashes(html: b.text(BundleLayout.report))["SIM-A"] == [acquisition.recordSHA256, acquisition.contentSHA256, acquisition.transcriptSHA256])
        let graphHashes = try CASEGraph.exhibitHashes(jsonLD: b.data(BundleLayout.caseGraph))
        #expect(graphHashes["SIM-A"] == [acquisition.recordSHA256, acquisition.contentSHA256, acquisition.transcriptSHA256])
        // Pinned to the case's own key it verifies; pinned to another key it does not.
        _ = try BundleVerifier.verify(bundle: r.out, pinnedKeys: [key])
        let other = try StationKey.generate(name: key.name).verifierKey
        #expect(b.problem(key: [other])?.description.contains("entry 0: signed by station key") == true)
        // No temporary folder left beside the bundle.
        #expect(try FileManager.default.contentsOfDirectory(atPath: f.directory).sorted() == ["case", "full"])
    }

    @Test func everyTamperClassFailsWithItsReason() throws {
        let f = try ExportFixture()
        defer { f.remove() }
        let stale = try f.export("first")
        try f.store.recordEvent(.custodyNote, label: "PHONE-1", details: ["text": "sau lần xuất đầu"], by: "tech1")
        let r = try f.export("second")
        let original = BundleEditor(root: r.out)
        #expect(original.problem() == nil)
        let acquisitionSeq = try #require(try f.store.acquisitions().first?.seq)

        /// Edits a copy of `bundle` (by default this export's); it must fail at `file` saying
        /// `reason`, and the Python verifier must refuse it too when `python`.
        func expectFailure(_ file: String, _ reason: String, in bundle: BundleEditor? = nil, python: Bool = false,
                           _ edit: (BundleEditor) throws -> Void) throws {
            let b = try (bundle ?? original).copy()
            defer { try? FileManager.default.removeItem(atPath: b.root) }
            try edit(b)
            let p = b.problem()
            #expect(p?.file == file, "\(String(describing: p))")
            #expect(p?.description.contains(reason) == true, "\(String(describing: p)) should say \(reason)")
            if python { #expect(try PythonVerifier.run([b.root]).status == 1) }
        }
        // A file changed, removed, added (MANIFEST.sha256 left alone).
        try expectFailure("inventory.csv", "MANIFEST.sha256 says") { b in try b.write("inventory.csv", try b.text("inventory.csv").replacingOccurrences(of: "MobiFone", with: "MobiFonf")) }
        try expectFailure("proofs.jsonl", "listed in MANIFEST.sha256 but missing") { b in try b.remove("proofs.jsonl") }
        try expectFailure("notes.txt", "not listed in MANIFEST.sha256") { b in try b.write("notes.txt", "hello") }
        try expectFailure("acquisitions/\(acquisitionSeq).json", "MANIFEST.sha256 says") { b in
            var d = try b.data("acquisitions/\(acquisitionSeq).json"); d[d.count - 3] ^= 1; try b.write("acquisitions/\(acquisitionSeq).json", d)
        }
        // The same, with the manifest rewritten to match.
        try expectFailure("MANIFEST.sha256", "files were changed, added or removed after the export") { b in
            try b.write("inventory.csv", try b.text("inventory.csv").replacingOccurrences(of: "MobiFone", with: "Viettel")); try b.reseal()
        }
        try expectFailure("MANIFEST.sha256", "files were changed, added or removed after the export") { b in
            try b.remove("examiners.json"); try b.write("examiners.json", try original.data("examiners.json") + Data(" ".utf8)); try b.reseal()
        }
        try expectFailure("notes.txt", "is not a file of a Custody bundle") { b in try b.write("notes.txt", "hello"); try b.reseal() }
        try expectFailure("proofs.jsonl", "line 3: proves entry 3, not entry 2") { b in
            var proofs = try b.proofs(); proofs.remove(at: 2); try b.writeProofs(proofs); try b.reseal()
        }
        try expectFailure("proofs.jsonl", "entry \(try original.proofs().last!.seq) has no proof") { b in
            var proofs = try b.proofs(); proofs.removeLast(); try b.writeProofs(proofs); try b.reseal()
        }
        try expectFailure("proofs.idx", "line 2: is not", python: true) { b in
            var index = try b.text("proofs.idx"); index.replaceSubrange(index.index(index.startIndex, offsetBy: 60)..<index.index(index.startIndex, offsetBy: 61), with: "9")
            try b.write("proofs.idx", index); try b.reseal()
        }
        try expectFailure("proofs.idx", "indexes 2 proofs") { b in
            try b.write("proofs.idx", String(try b.text("proofs.idx").prefix(2 * ProofFile.indexLineLength))); try b.reseal()
        }
        try expectFailure("proofs/0.tlog-proof", "is a proof file of the old layout beside proofs.jsonl") { b in
            let kept = try b.copy(); defer { try? FileManager.default.removeItem(atPath: kept.root) }
            try kept.useProofFolder()
            try FileManager.default.copyItem(atPath: kept.path("proofs"), toPath: b.path("proofs")); try b.reseal()
        }
        try expectFailure("acquisitions/\(acquisitionSeq).json", "but entry \(acquisitionSeq) recorded") { b in
            var d = try b.data("acquisitions/\(acquisitionSeq).json"); d[d.count - 3] ^= 1; try b.write("acquisitions/\(acquisitionSeq).json", d); try b.reseal()
        }
        // The CASE/UCO graph giving an exhibit another hash than the ledger.
        try expectFailure("case.jsonld", "exhibit SIM-A carries") { b in
            let recordSHA = try #require(try f.store.acquisitions().first?.recordSHA256)
            try b.write("case.jsonld", try b.text("case.jsonld").replacingOccurrences(of: recordSHA, with: String(repeating: "0", count: 64))); try b.reseal()
        }
        // The report showing another hash, or an exhibit the bundle does not hold; a PDF that is not one.
        try expectFailure("report.html", "exhibit SIM-A carries") { b in
            let recordSHA = try #require(try f.store.acquisitions().first?.recordSHA256)
            try b.write("report.html", try b.text("report.html").replacingOccurrences(of: recordSHA, with: String(repeating: "0", count: 64))); try b.reseal()
        }
        try expectFailure("report.html", "shows exhibit SIM-Z, which is not an item of inventory.csv") { b in
            try b.write("report.html", try b.text("report.html").replacingOccurrences(of: "data-exhibit=\"SIM-A\"", with: "data-exhibit=\"SIM-Z\"")); try b.reseal()
        }
        try expectFailure("report.pdf", "is not a PDF file") { b in try b.write("report.pdf", "<html>not a pdf</html>"); try b.reseal() }
        // Reordered CSV rows.
        try expectFailure("inventory.csv", "out of order") { b in
            var lines = try b.text("inventory.csv").components(separatedBy: "\r\n")
            lines.swapAt(1, 2)
            try b.write("inventory.csv", lines.joined(separator: "\r\n")); try b.reseal()
        }
        try expectFailure("custody.csv", "but ledger.jsonl line 4 (entry 3)") { b in
            var records = try CSVText.records(b.data("custody.csv")).map(\.fields)
            records.swapAt(4, 5)
            try b.write("custody.csv", "\u{FEFF}" + records.map(CSVText.record).joined()); try b.reseal()
        }
        // A ledger line removed (with its proof): the chain has a gap.
        try expectFailure("ledger.jsonl", "sequence gap") { b in
            var lines = try b.text("ledger.jsonl").split(separator: "\n", omittingEmptySubsequences: false)
            lines.remove(at: 3)
            try b.write("ledger.jsonl", lines.joined(separator: "\n"))
            var proofs = try b.proofs(); proofs.remove(at: 3); try b.writeProofs(proofs); try b.reseal()
        }
        // A swapped key: the bundle's key replaced by another one.
        try expectFailure("ledger.jsonl", "which is not a trusted key") { b in
            let key = try f.store.trustedKeys()[0]
            let other = try StationKey.generate(name: key.name).verifierKey
            try b.remove("keys/\(key.keyID.hex).pub"); try b.write("keys/\(other.keyID.hex).pub", other.description + "\n"); try b.reseal()
        }
        // A stale checkpoint from the earlier export.
        try expectFailure("checkpoint", "a checkpoint from another export") { b in
            try b.write("checkpoint", try BundleEditor(root: stale.out).data("checkpoint")); try b.reseal()
        }
        // A proof for another entry in this entry's line, one from the earlier export, and a line not in canonical form.
        try expectFailure("proofs.jsonl", "line 4: proves entry 4, not entry 3", python: true) { b in
            var proofs = try b.proofs(); proofs[3] = proofs[4]; try b.writeProofs(proofs); try b.reseal()
        }
        try expectFailure("proofs.jsonl", "line 4: inclusion proof of entry 3 does not lead to the checkpoint root") { b in
            var proofs = try b.proofs(); proofs[3] = try BundleEditor(root: stale.out).proofs()[3]; try b.writeProofs(proofs); try b.reseal()
        }
        try expectFailure("proofs.jsonl", "line 1: is not {\"hashes\"") { b in
            try b.write("proofs.jsonl", try b.text("proofs.jsonl").replacingOccurrences(of: "{\"hashes\"", with: "{ \"hashes\""))
            try b.reseal()
        }
        // A bundle from before issue 19, one proof file per entry, verifies; its tampers fail as they did.
        let old = try original.copy()
        defer { try? FileManager.default.removeItem(atPath: old.root) }
        try old.useProofFolder()
        #expect(old.problem() == nil, "\(String(describing: old.problem()))")
        #expect(try PythonVerifier.run([old.root]).status == 0)
        try expectFailure("proofs/2.tlog-proof", "is missing: entry 2", in: old, python: true) { b in try b.remove("proofs/2.tlog-proof"); try b.reseal() }
        try expectFailure("proofs/3.tlog-proof", "proves entry 4, not entry 3", in: old, python: true) { b in
            try b.write("proofs/3.tlog-proof", try b.data("proofs/4.tlog-proof")); try b.reseal()
        }
        try expectFailure("proofs/3.tlog-proof", "carries another checkpoint", in: old, python: true) { b in
            let earlier = try BundleEditor(root: stale.out).copy(); defer { try? FileManager.default.removeItem(atPath: earlier.root) }
            try earlier.useProofFolder()
            try b.write("proofs/3.tlog-proof", try earlier.data("proofs/3.tlog-proof")); try b.reseal()
        }
        #expect(try PythonVerifier.run([original.root]).status == 0)
    }

    @Test func aSubsetExportVerifiesWithProofsAlone() throws {
        let f = try ExportFixture()
        defer { f.remove() }
        let r = try f.export("box", items: ["SB-1"])
        let b = BundleEditor(root: r.out)
        let v = try BundleVerifier.verify(bundle: r.out)
        #expect(!v.wholeLedger)
        #expect(v.scope == "items" && v.selected == ["SB-1"])
        let labels = try CSVText.records(b.data("inventory.csv")).dropFirst().map { $0.fields[0] }
        #expect(labels == ["SB-1", "SB-1/P1", "SB-1/P1/S1", "SB-1/P2", "SB-1/P2/S1", "SIM-A"])
        // Entry 0, the examiner.add, the box, the SIM, its read and seal, and the export entry; not the phone's.
        let actions = try b.text("ledger.jsonl").split(separator: "\n").map { try SignedEntry(line: String($0)).entry.action.rawValue }
        #expect(actions == ["case.init", "examiner.add", "device.add", "device.add", "sim.acquire", "custody.seal", "export.bundle"])
        #expect(!(try b.text("custody.csv")).contains("PHONE-1"))
        #expect(r.exportEntry.entry.subjects == ["SB-1"])
        // Every line is also provable on its own with the C2SP tlog-proof made from its line of
        // proofs.jsonl, the line and the checkpoint (docs/LEDGER.md), and the case's key.
        let key = try f.store.trustedKeys()
        let note = try b.text(BundleLayout.checkpoint)
        for (line, proof) in zip(try b.data("ledger.jsonl").split(separator: 0x0A), try b.proofs()) {
            #expect(try SignedEntry(line: Array(line)).entry.sequence == Int64(proof.seq))
            let tlog = try TlogProof(parsing: Array(TlogProof(index: proof.seq, extra: Array(line), hashes: proof.hashes, checkpointNote: note).serialized.utf8))
            #expect(try tlog.verifyEntry(trustedKeys: key).signatureChecked)
        }
        // Dropping an exported entry (line, proof, manifest) is caught by the sealed inventory and custody.csv.
        let cut = try b.copy()
        var lines = try cut.text("ledger.jsonl").split(separator: "\n", omittingEmptySubsequences: false)
        let dropped = try SignedEntry(line: String(lines.remove(at: 5))).entry.sequence
        try cut.write("ledger.jsonl", lines.joined(separator: "\n"))
        try cut.writeProofs(try cut.proofs().filter { $0.seq != Int(dropped) }); try cut.reseal()
        #expect(cut.problem()?.description.contains("inventory.csv line 7: item SIM-A: entries \"3 4 7\" but the ledger has \"3 4\"") == true, "\(String(describing: cut.problem()))")
        // An item of the whole case that is not in the box is unknown to this bundle.
        #expect(throws: ExportError.unknownItem("NOPE")) { try f.export("nope", items: ["NOPE"]) }
    }

    @Test func aBundleSignedByTwoStationsVerifies() throws {
        let f = try ExportFixture()
        defer { f.remove() }
        // Bench 2 is added, records an event and exports; then it is revoked and the case's own
        // station exports again.
        let bench2 = try StationKey.generate(name: CaseStore.stationKeyName(caseID: f.store.caseID, station: "bench-2"))
        let keyFile = f.directory + "/bench-2.key"
        try bench2.privateKeyFile.write(toFile: keyFile, atomically: true, encoding: .utf8)
        try f.store.addStation(bench2.verifierKey, name: "bench-2", by: "sup1")
        let atBench2 = try CaseStore.open(directory: f.store.directory, stationKeyFile: keyFile)
        let note = try atBench2.recordEvent(.custodyNote, label: "SIM-A", details: ["text": "bench 2"], by: "tech1")
        #expect(note.entry.station == bench2.keyID)
        let tool = ToolIdentity(name: "custody", version: "test", build: "")
        let r = try Exporter.export(store: atBench2, options: .init(out: f.bundle("bench2"), examiner: "tech1", tool: tool))
        #expect(r.exportEntry.entry.station == bench2.keyID)
        #expect(try BundleEditor(root: r.out).text(BundleLayout.checkpoint).contains("— \(bench2.name) "))
        let own = try f.store.trustedKeys()[0]
        func expectVerifies(_ bundle: String) throws {
            let b = BundleEditor(root: bundle)
            #expect(try FileManager.default.contentsOfDirectory(atPath: b.path("keys")).sorted() == ["\(own.keyID.hex).pub", "\(bench2.keyID.hex).pub"].sorted())
            #expect(try b.text("keys/\(bench2.keyID.hex).pub") == bench2.verifierKey.description + "\n")
            #expect(b.problem() == nil, "\(String(describing: b.problem()))")
            #expect(b.problem(key: [own]) == nil)  // pinned to the case's key: bench 2 is trusted through its station.add
        }
        try expectVerifies(r.out)
        try f.store.revokeStation(bench2.keyID, reason: "retired", by: "sup1")
        let subset = try f.export("after-revoke", items: ["SIM-A"])
        let actions = try BundleEditor(root: subset.out).text("ledger.jsonl").split(separator: "\n").map { try SignedEntry(line: String($0)).entry.action }
        #expect(actions.contains(.stationAdd) && actions.contains(.stationRevoke))
        try expectVerifies(subset.out)
        #expect(try f.store.verify().isValid)
    }

    @Test func redactedPINsAreMarkedAndCheckedByTheOriginalHash() throws {
        let f = try ExportFixture()
        defer { f.remove() }
        let r = try f.export("redacted", redactPins: true)
        let b = BundleEditor(root: r.out)
        let a = try #require(try f.store.acquisitions().first)
        let path = "acquisitions/\(a.seq).redacted.json"
        let object = try #require(try JSONSerialization.jsonObject(with: b.data(path)) as? [String: Any])
        #expect(object["pins"] == nil)
        let redaction = try #require(object["redaction"] as? [String: Any])
        #expect(redaction["originalRecordSHA256"] as? String == a.recordSHA256)
        let entries = try #require((object["transcript"] as? [String: Any])?["entries"] as? [[String: Any]])
        #expect(entries.map { $0["sw"] as? String } == ["9000", nil, nil])
        #expect(entries[1]["redacted"] as? String == "pins")
        #expect(object["contentSHA256"] as? String == a.contentSHA256)
        let v = try BundleVerifier.verify(bundle: r.out)
        #expect(v.redacted == ["pins"])
        let forged = try b.copy()
        try forged.write(path, try forged.text(path).replacingOccurrences(of: a.recordSHA256, with: String(repeating: "0", count: 64)))
        try forged.reseal()
        #expect(forged.problem()?.description.contains("originalRecordSHA256 is 000") == true, "\(String(describing: forged.problem()))")
    }

    @Test func aBadExportLeavesNoBundle() throws {
        let f = try ExportFixture()
        defer { f.remove() }
        let entries = try f.store.lineRecords().count
        try FileManager.default.createDirectory(atPath: f.bundle("taken"), withIntermediateDirectories: false)
        #expect(throws: ExportError.outExists(f.bundle("taken"))) { try f.export("taken") }
        #expect(throws: ExportError.unknownItem("NOPE")) { try f.export("x", items: ["SB-1", "NOPE"]) }
        #expect(try f.store.lineRecords().count == entries, "a refused export records nothing")
        // A case whose ledger was edited outside the tool is refused.
        let row = try f.store.lineRecords()[2]
        var line = row.line
        line[line.count - 100] ^= 1
        try f.store.database.write { db in try db.execute("UPDATE ledger_entry SET line = ? WHERE seq = ?", line, row.seq) }
        let failure = #expect(throws: ExportError.self) { try f.export("y") }
        #expect(failure?.description.contains("does not verify") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: f.directory).sorted() == ["case", "taken"])
    }

    /// The manifest's hashes are `sha256sum`'s (FIPS 180-2 vectors), and every file listed holds
    /// exactly the bytes hashed: written with plain write(2) and one sync, not Foundation's fsync per file.
    @Test func manifestHashesAreTheFilesBytes() throws {
        #expect(BundleLayout.sha256(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(BundleLayout.sha256(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let f = try ExportFixture()
        defer { f.remove() }
        let r = try f.export("hashed")
        let listed = try Manifest(parsing: try Data(contentsOf: URL(fileURLWithPath: r.out + "/" + BundleLayout.manifest)))
        #expect(listed.lines.count == r.manifest.lines.count)
        for line in listed.lines {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: r.out + "/" + line.path))
            #expect(SHA256Hash.of([UInt8](bytes)).hex == line.sha256, "\(line.path)")
        }
    }

    @Test func manifestFormat() throws {
        let m = Manifest(["b/x": String(repeating: "a", count: 64), "ledger.jsonl": String(repeating: "b", count: 64), "a.csv": String(repeating: "c", count: 64)])
        #expect(m.text == "\(String(repeating: "c", count: 64))  a.csv\n\(String(repeating: "a", count: 64))  b/x\n\(String(repeating: "b", count: 64))  ledger.jsonl\n")
        #expect(try Manifest(parsing: Data(m.text.utf8)) == m)
        #expect(m.sealedSHA256 == BundleLayout.sha256(Data("\(String(repeating: "c", count: 64))  a.csv\n\(String(repeating: "a", count: 64))  b/x\n".utf8)))
        for bad in ["\(String(repeating: "a", count: 64)) x\n", "\(String(repeating: "A", count: 64))  x\n", "\(String(repeating: "a", count: 64))  ../x\n",
                    "\(String(repeating: "a", count: 64))  b\n\(String(repeating: "a", count: 64))  a\n", "\(String(repeating: "a", count: 64))  x"] {
            #expect(throws: BundleProblem.self) { try Manifest(parsing: Data(bad.utf8)) }
        }
    }
}
