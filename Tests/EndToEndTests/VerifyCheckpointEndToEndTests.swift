import Foundation
import Ledger
import Testing

extension Rig {
    /// Runs Scripts/verify-bundle.py, the independent bundle verifier, to completion.
    static func verifyBundleScript(_ arguments: [String]) throws -> Output {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        p.arguments = [packageRoot + "/Scripts/verify-bundle.py"] + arguments
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Output(status: p.terminationStatus, stdout: String(decoding: data, as: UTF8.self), stderr: "")
    }
}

extension EndToEnd {
/// `custody verify --checkpoint` and the checkpoint-signer rule through the real binary and
/// the independent script: an excerpt checked against a checkpoint received with an earlier
/// export, a forked checkpoint, and a made-up tree signed by a revoked station's key.
@Suite struct VerifyCheckpointEndToEndTests {
    struct Verify: Decodable {
        var valid: Bool
        var checkpointSigner: String?
        var earlierCheckpointSize: Int?
        var failure: String?
    }

    @Test func earlierCheckpointsAndRevokedSignersThroughTheBinary() throws {
        let rig = try Rig.running()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("custody-verify-cp-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let dir = root + "/case"
        let env = ["CUSTODY_CASE": dir, "CUSTODY_EXAMINER": "sup1", "CUSTODY_STATION_KEY": "", "HOME": root + "/home"]
        func custody(_ args: [String], status: Int32 = 0) throws -> Rig.Output {
            let out = try rig.run("custody", args, environment: env)
            #expect(out.status == status, "custody \(args.joined(separator: " ")): \(out.stderr)")
            return out
        }
        /// A refusal by `custody verify`: exit 1, one line on stderr naming `reason`.
        func refused(_ args: [String], _ reason: String) throws {
            let out = try custody(args, status: 1)
            #expect(out.stderr.split(separator: "\n").count == 1 && out.stderr.contains("bundle verification FAILED") && out.stderr.contains(reason),
                    "\(out.stderr)")
        }

        _ = try custody(["case", "init", dir, "--name", "Op Lotus", "--agency", "C03", "--authority", "W-2026-17", "--examiner-name", "Nguyễn Văn A"])
        let bench = root + "/bench-2.key"
        _ = try custody(["station", "init", "bench-2", "--key-out", bench])
        _ = try custody(["station", "add", root + "/bench-2.pub", "--name", "bench-2"])
        _ = try custody(["event", "seize", "PHONE-1", "--where", "Hà Nội", "--when", "2026-11-01", "--from", "A", "--type", "phone"])
        let reader = try rig.reader(profile: "usim-mobifone")
        try rig.control(reader, "reset-stats")
        _ = try custody(["sim", "read", "--reader", reader.name])
        let stats = try rig.stats(reader)
        #expect(stats.writeClassAPDUs == 0 && stats.pinTriesConsumed == 0)
        _ = try custody(["event", "seal", "PHONE-1", "--seal", "S-1"])
        let benchKeyID = try String(contentsOfFile: root + "/bench-2.pub", encoding: .utf8).split(separator: "+")[1]
        _ = try custody(["station", "revoke", String(benchKeyID), "--reason", "laptop stolen"])
        _ = try custody(["export", "--items", "PHONE-1", "--out", root + "/first"])
        _ = try custody(["event", "note", "PHONE-1", "--text", "weighed"])
        _ = try custody(["export", "--items", "PHONE-1", "--out", root + "/second"])
        let pub = dir + "/station.pub"

        // The first export's checkpoint: the second excerpt extends it.
        let first = root + "/first/checkpoint"
        let ok = try custody(["verify", root + "/second", "--key", pub, "--checkpoint", first])
        #expect(ok.stdout.contains("--checkpoint \(first): size ") && ok.stdout.contains("the bundle's ledger extends it"), "\(ok.stdout)")
        let caseKey = try StationKey(parsing: String(contentsOfFile: dir + "/station.key", encoding: .utf8))
        let v = try JSONDecoder().decode(Verify.self, from: Data(custody(["verify", root + "/second", "--checkpoint", first, "--json"]).stdout.utf8))
        #expect(v.valid && v.checkpointSigner == caseKey.verifierKey.description && v.earlierCheckpointSize != nil)
        let py = try Rig.verifyBundleScript([root + "/second", pub, "--checkpoint", first])
        #expect(py.status == 0 && py.stdout.contains("extends \(first)"), "\(py.stdout)")

        // A fork of it: same size and case, another root, signed by the case's own key.
        let firstCP = try Checkpoint.open(String(contentsOfFile: first, encoding: .utf8), trustedKeys: [caseKey.verifierKey])
        let forked = root + "/forked.checkpoint"
        try Data(try Checkpoint(origin: firstCP.origin, size: firstCP.size, root: SHA256Hash.of(Array("fork".utf8)))
            .signedNote(keys: [caseKey]).serialized.utf8).write(to: URL(fileURLWithPath: forked))
        try refused(["verify", root + "/second", "--key", pub, "--checkpoint", forked], "the ledger was rewritten or forked after that checkpoint")
        let failed = try JSONDecoder().decode(Verify.self, from: Data(custody(["verify", root + "/second", "--checkpoint", forked, "--json"], status: 1).stdout.utf8))
        #expect(!failed.valid && failed.failure?.contains("forked") == true)
        let pyForked = try Rig.verifyBundleScript([root + "/second", pub, "--checkpoint", forked])
        #expect(pyForked.status == 1 && pyForked.stdout.contains("rewritten or forked"), "\(pyForked.stdout)")
        let missing = try custody(["verify", root + "/second", "--checkpoint", root + "/nothing-here"], status: 1)
        #expect(missing.stderr == "custody: cannot read --checkpoint \(root)/nothing-here: check the path\n", "\(missing.stderr)")

        // The revoked bench-2 key signs a made-up tree around the excerpt's real lines.
        let stolen = try StationKey(parsing: String(contentsOfFile: bench, encoding: .utf8))
        try forgeCheckpoint(bundle: root + "/second", origin: firstCP.origin, key: stolen)
        try refused(["verify", root + "/second", "--key", pub], "checkpoint: is not signed by \(caseKey.name) (\(caseKey.keyID))")
        try refused(["verify", root + "/second"], "the station key that signed export entry")
        let pyStolen = try Rig.verifyBundleScript([root + "/second", pub])
        #expect(pyStolen.status == 1 && pyStolen.stdout.contains("FAILED: checkpoint: not signed by \(caseKey.name)"), "\(pyStolen.stdout)")
    }

    /// Replaces the bundle's checkpoint and proofs by ones over a tree with the lines of
    /// ledger.jsonl at their positions and made-up leaves elsewhere, signed by `key`, and
    /// rewrites MANIFEST.sha256 (`sha256sum` form) over the files.
    func forgeCheckpoint(bundle: String, origin: String, key: StationKey) throws {
        let fm = FileManager.default
        let lines = try Data(contentsOf: URL(fileURLWithPath: bundle + "/ledger.jsonl")).split(separator: 0x0A).map(Array.init)
        let entries = try lines.map { try SignedEntry(line: $0) }
        let size = Int(entries.last!.entry.sequence) + 1
        var leaves = (0..<size).map { MerkleTree.leafHash(Array("made-up \($0)".utf8)) }
        for e in entries { leaves[Int(e.entry.sequence)] = e.leafHash }
        let tree = MerkleTree(leafHashes: leaves)
        let note = try Checkpoint(origin: origin, size: size, root: try tree.root()).signedNote(keys: [key]).serialized
        try Data(note.utf8).write(to: URL(fileURLWithPath: bundle + "/checkpoint"))
        // proofs.jsonl and proofs.idx as docs/LEDGER.md ("Proofs in a bundle") specifies them.
        var proofs = Data(), index = ""
        for e in entries {
            let seq = Int(e.entry.sequence)
            let hashes = try tree.inclusionProof(index: seq).hashes.map { CanonicalJSON.string($0.base64) }
            index += String(format: "%020d %020d\n", seq, proofs.count)
            proofs.append(contentsOf: CanonicalJSON.object(["index": .integer(Int64(seq)), "hashes": .array(hashes)]).canonicalBytes + [0x0A])
        }
        try proofs.write(to: URL(fileURLWithPath: bundle + "/proofs.jsonl"))
        try Data(index.utf8).write(to: URL(fileURLWithPath: bundle + "/proofs.idx"))
        let paths = try fm.subpathsOfDirectory(atPath: bundle).filter { p in
            var isDirectory: ObjCBool = false
            return p != "MANIFEST.sha256" && fm.fileExists(atPath: bundle + "/" + p, isDirectory: &isDirectory) && !isDirectory.boolValue
        }.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        let manifest = try paths.map { "\(SHA256Hash.of(Array(try Data(contentsOf: URL(fileURLWithPath: bundle + "/" + $0)))).hex)  \($0)\n" }.joined()
        try Data(manifest.utf8).write(to: URL(fileURLWithPath: bundle + "/MANIFEST.sha256"))
    }
}
}
