import CaseStore
import Export
import Foundation
import Ledger
import SIMCard
import Testing

/// Forged bundles that are validly signed and hashed throughout, so that only one rule can
/// catch each: both `custody verify` (BundleVerifier) and Scripts/verify-bundle.py must.
@Suite struct BundleForgeryTests {
    // MARK: The checkpoint of an excerpt (issue 13, item 6)

    @Test func aRevokedStationKeySigningAMadeUpTreeAroundAnExcerptIsRejectedByBothVerifiers() throws {
        let f = try ExportFixture()
        defer { f.remove() }
        let caseKey = try f.caseKey()
        let stolen = try StationKey.generate(name: "lab.example/custody/station-2")
        try f.store.addStation(stolen.verifierKey, name: "st2", by: "sup1")
        try f.store.revokeStation(stolen.keyID, reason: "laptop stolen", by: "sup1")
        _ = try f.export("real", items: ["SIM-A"])
        let real = BundleEditor(root: f.bundle("real"))
        #expect(real.problem(key: [caseKey.verifierKey]) == nil)
        let keyFile = try PythonVerifier.keyFile([caseKey.verifierKey], beside: real.root)

        // The real lines at their positions, made-up leaves in the gaps, proofs re-made, and the
        // checkpoint signed by the revoked key, which the excerpt binds (its station.add is in it).
        let forged = try BundleForger(real.copy())
        #expect(forged.positions.count < forged.positions.last! + 1, "an excerpt has gaps")
        try forged.write(checkpointKey: stolen, origin: f.store.origin)
        for pinned in [nil, [caseKey.verifierKey]] {
            let problem = forged.editor.problem(key: pinned)
            #expect(problem?.file == BundleLayout.checkpoint, "\(String(describing: problem))")
            #expect(problem?.reason.contains("is not signed by \(caseKey.name) (\(caseKey.keyID)), the station key that signed export entry") == true,
                    "\(String(describing: problem))")
        }
        for args in [[forged.root], [forged.root, keyFile]] {
            let py = try PythonVerifier.run(args)
            #expect(py.status == 1 && py.output.contains("FAILED: checkpoint: not signed by \(caseKey.name) (\(caseKey.keyID))"), "\(py.output)")
        }

        // The same made-up tree signed by the export station's own key passes both verifiers
        // (a key active at the export vouches for it): only a checkpoint held from before can tell.
        let signedByExporter = try BundleForger(real.copy())
        try signedByExporter.write(checkpointKey: caseKey, origin: f.store.origin)
        #expect(signedByExporter.editor.problem(key: [caseKey.verifierKey]) == nil)
        #expect(try PythonVerifier.run([signedByExporter.root, keyFile]).status == 0)
        // Entry 7 (the SIM's seal) is in the excerpt; entries 5 and 6 (the phone's) are not: the
        // true root of the first 8 entries differs from the made-up one.
        let earlier = try f.store.checkpoint(size: 8).1.serialized
        let earlierFile = f.directory + "/earlier-8.checkpoint"
        try Data(earlier.utf8).write(to: URL(fileURLWithPath: earlierFile))
        let problem = checkpointProblem(signedByExporter.root, key: caseKey.verifierKey, earlier: earlier, source: earlierFile)
        #expect(problem?.reason.contains("the ledger was rewritten or forked after that checkpoint") == true, "\(String(describing: problem))")
        let py = try PythonVerifier.run([signedByExporter.root, keyFile, "--checkpoint", earlierFile])
        #expect(py.status == 1 && py.output.contains("rewritten or forked"), "\(py.output)")
        // ... while the real bundle extends it.
        #expect(checkpointProblem(real.root, key: caseKey.verifierKey, earlier: earlier, source: earlierFile) == nil)
        #expect(try PythonVerifier.run([real.root, keyFile, "--checkpoint", earlierFile]).status == 0)
    }

    func checkpointProblem(_ root: String, key: VerifierKey, earlier: String, source: String) -> BundleProblem? {
        do { _ = try BundleVerifier.verify(bundle: root, pinnedKeys: [key], earlierCheckpoint: (source, earlier)); return nil } catch { return error }
    }

    // MARK: --checkpoint: a holder of an earlier checkpoint, without the case store

    @Test func anEarlierCheckpointIsCheckedAgainstExcerptsAndWholeBundles() throws {
        let f = try ExportFixture()
        defer { f.remove() }
        let key = try f.caseKey()
        _ = try f.export("first", items: ["SIM-A"])
        let first = try String(contentsOfFile: f.bundle("first") + "/checkpoint", encoding: .utf8)
        let firstSize = try Checkpoint.open(first, trustedKeys: [key.verifierKey]).size
        try f.store.recordEvent(.custodyTransfer, label: "PHONE-1", details: ["releasedBy": "sup1", "receivedBy": "tech1", "purpose": "lab"], by: "tech1")
        try f.store.recordEvent(.custodyUnseal, label: "SIM-A", details: ["seal": "S-0042"], by: "tech1")
        _ = try f.export("second", items: ["SIM-A"])
        _ = try f.export("whole")
        let keyFile = try PythonVerifier.keyFile([key.verifierKey], beside: f.bundle("second"))
        let firstFile = f.bundle("first") + "/checkpoint"

        // The first export's checkpoint: the second excerpt holds that export entry (it names
        // SIM-A), so its proof rebuilds the earlier root; the whole-case bundle has every leaf.
        for bundle in ["second", "whole"] {
            let v = try BundleVerifier.verify(bundle: f.bundle(bundle), pinnedKeys: [key.verifierKey], earlierCheckpoint: ("first", first))
            #expect(v.earlierCheckpoint?.size == firstSize)
            #expect(v.checkpointSigner == key.verifierKey)
            let py = try PythonVerifier.run([f.bundle(bundle), keyFile, "--checkpoint", firstFile])
            #expect(py.status == 0 && py.output.contains("extends"), "\(py.output)")
        }
        // Any earlier size against the whole-case bundle; the same size as the bundle's own.
        let whole = try Checkpoint.open(try String(contentsOfFile: f.bundle("whole") + "/checkpoint", encoding: .utf8), trustedKeys: [key.verifierKey])
        for size in [1, 6, whole.size] {
            let note = try f.store.checkpoint(size: size).1.serialized
            #expect(checkpointProblem(f.bundle("whole"), key: key.verifierKey, earlier: note, source: "cp") == nil, "size \(size)")
        }

        // A fork: same size, another root, signed by the case's own key.
        let forked = try Checkpoint(origin: f.store.origin, size: firstSize, root: SHA256Hash.of(Array("fork".utf8)))
            .signedNote(keys: [key]).serialized
        let forkedFile = f.directory + "/forked.checkpoint"
        try Data(forked.utf8).write(to: URL(fileURLWithPath: forkedFile))
        for bundle in ["second", "whole"] {
            let problem = checkpointProblem(f.bundle(bundle), key: key.verifierKey, earlier: forked, source: forkedFile)
            #expect(problem?.file == forkedFile && problem?.reason.contains("rewritten or forked") == true, "\(String(describing: problem))")
            let py = try PythonVerifier.run([f.bundle(bundle), keyFile, "--checkpoint", forkedFile])
            #expect(py.status == 1 && py.output.contains("rewritten or forked"), "\(py.output)")
        }
        // A checkpoint newer than the bundle, and one signed by a key the ledger never bound.
        try f.store.recordEvent(.custodyNote, label: "SIM-A", details: ["note": "later"], by: "tech1")
        let newer = try f.store.checkpoint().1.serialized
        #expect(checkpointProblem(f.bundle("second"), key: key.verifierKey, earlier: newer, source: "newer")?.reason
            .contains("more than this bundle's checkpoint") == true)
        let stranger = try StationKey.generate(name: "lab.example/other")
        let unsigned = try Checkpoint(origin: f.store.origin, size: 3, root: SHA256Hash.of([])).signedNote(keys: [stranger]).serialized
        #expect(checkpointProblem(f.bundle("second"), key: key.verifierKey, earlier: unsigned, source: "stranger")?.reason
            .contains("not signed by any trusted key") == true)
    }

    // MARK: Malformed entries, validly signed (issue 13, item 7)

    /// One rule of LEDGER.md each; `swift` and `python` are what each verifier's reason says.
    struct Malformed: Sendable, CustomStringConvertible {
        var name: String
        var swift: String
        var python: String
        /// Changes the export entry's body (the last line), or nil when `insert` is used.
        var edit: (@Sendable (String) -> String)?
        var description: String { name }
    }

    static func replacing(_ of: String, _ with: String) -> @Sendable (String) -> String {
        { body in body.replacingOccurrences(of: of, with: with) }
    }

    static func time(_ change: @escaping @Sendable (String) -> String) -> @Sendable (String) -> String {
        { body in
            let r = body.range(of: #""time":"[^"]*""#, options: .regularExpression)!
            return body.replacingCharacters(in: r, with: "\"time\":\"\(change(String(body[r].dropFirst(8).dropLast())))\"")
        }
    }

    static let cases: [Malformed] = [
        Malformed(name: "a float in the payload", swift: "floats are not allowed", python: "number 1.5 is not an integer",
                  edit: replacing("\"payload\":{", "\"payload\":{\"a\":1.5,")),
        Malformed(name: "2^53 in the payload", swift: "is outside ±(2^53−1)", python: "integer 9007199254740992 is outside",
                  edit: replacing("\"payload\":{", "\"payload\":{\"a\":9007199254740992,")),
        Malformed(name: "an unknown member", swift: "entry body has unknown field \"zz\"", python: "body members are",
                  edit: { String($0.dropLast()) + ",\"zz\":1}" }),
        Malformed(name: "a time without milliseconds", swift: "must be YYYY-MM-DDTHH:MM:SS.mmmZ", python: "is not YYYY-MM-DDTHH:MM:SS.mmmZ",
                  edit: time { String($0.prefix(19)) + "Z" }),
        Malformed(name: "24:00", swift: "must be YYYY-MM-DDTHH:MM:SS.mmmZ", python: "is not a valid UTC time",
                  edit: time { String($0.prefix(11)) + "24:00:00.000Z" }),
        Malformed(name: "+00:00", swift: "must be YYYY-MM-DDTHH:MM:SS.mmmZ", python: "is not YYYY-MM-DDTHH:MM:SS.mmmZ",
                  edit: time { String($0.dropLast()) + "+00:00" }),
        Malformed(name: "an uppercase action", swift: "\"Export.bundle\" is not a lowercase dotted name", python: "action 'Export.bundle' is not a lowercase dotted name",
                  edit: replacing("\"action\":\"export.bundle\"", "\"action\":\"Export.bundle\"")),
        Malformed(name: "an empty subject", swift: "empty item id", python: "subjects must be non-empty strings",
                  edit: replacing("\"subjects\":[", "\"subjects\":[\"\",")),
        Malformed(name: "a string seq", swift: "entry field \"seq\": must be an integer", python: "seq is not an integer",
                  edit: { body in
                      let r = body.range(of: #""seq":[0-9]+"#, options: .regularExpression)!
                      return body.replacingCharacters(in: r, with: "\"seq\":\"\(body[r].dropFirst(6))\"")
                  }),
        Malformed(name: "a control character (U+0085) in the examiner", swift: "\"examiner\": must be non-empty without control characters",
                  python: "examiner must be non-empty without control characters",
                  edit: replacing("\"examiner\":\"sup1\"", "\"examiner\":\"sup1\u{85}\"")),
        Malformed(name: "case.init after entry 0", swift: "case.init is only allowed as entry 0", python: "case.init is only allowed as entry 0", edit: nil),
    ]

    /// An excerpt export of the fixture, shared by the malformed cases (each edits a copy).
    static let base: (fixture: ExportFixture, bundle: String, key: StationKey) = {
        let f = try! ExportFixture()
        _ = try! f.export("base", items: ["SIM-A"])
        return (f, f.bundle("base"), try! f.caseKey())
    }()

    func expectBothReject(_ root: String, swift: String, python: String, key: VerifierKey, _ what: String) throws {
        let problem = BundleEditor(root: root).problem(key: [key])
        #expect(problem?.reason.contains(swift) == true, "\(what): Swift said \(String(describing: problem))")
        let keyFile = try PythonVerifier.keyFile([key], beside: root)
        let py = try PythonVerifier.run([root, keyFile])
        #expect(py.status == 1 && py.output.hasPrefix("FAILED: ") && py.output.contains(python), "\(what): Python said \(py.output)")
    }

    @Test(arguments: cases)
    func aValidlySignedEntryBreakingOneRuleIsRejectedByBothVerifiers(_ c: Malformed) throws {
        let (f, bundle, key) = Self.base
        var forger = try BundleForger(BundleEditor(root: bundle).copy())
        if let edit = c.edit {
            forger.edit(forger.lines.count - 1, key: key, edit)
        } else {
            // A second case.init, signed by the active case key, in a gap of the excerpt that
            // the next line does not link to (so no other rule sees the insertion).
            let gap = (1..<forger.positions.last!).first { !forger.positions.contains($0) && !forger.positions.contains($0 + 1) }!
            let prev = forger.positions.contains(gap - 1)
                ? try SignedEntry(line: forger.lines[forger.positions.firstIndex(of: gap - 1)!]).hash.hex : String(repeating: "0", count: 64)
            let body = forger.body(0).replacingOccurrences(of: "\"prev\":\"\(String(repeating: "0", count: 64))\"", with: "\"prev\":\"\(prev)\"")
                .replacingOccurrences(of: "\"seq\":0,", with: "\"seq\":\(gap),")
            forger.insert(body: body, at: gap, key: key)
        }
        try forger.write(checkpointKey: key, origin: f.store.origin)
        try expectBothReject(forger.root, swift: c.swift, python: c.python, key: key.verifierKey, c.name)
    }

    @Test func theSameForgeryOfAWellFormedEntryPassesBothVerifiers() throws {
        // The control for the cases above: the forging itself leaves nothing else to catch.
        let (f, bundle, key) = Self.base
        var forger = try BundleForger(BundleEditor(root: bundle).copy())
        forger.edit(forger.lines.count - 1, key: key, Self.replacing("\"payload\":{", "\"payload\":{\"a\":1,"))
        try forger.write(checkpointKey: key, origin: f.store.origin)
        #expect(forger.editor.problem(key: [key.verifierKey]) == nil)
        let py = try PythonVerifier.run([forger.root, try PythonVerifier.keyFile([key.verifierKey], beside: forger.root)])
        #expect(py.status == 0, "\(py.output)")
    }

    @Test func aSignatureInNonCanonicalBase64IsRejectedByBothVerifiers() throws {
        // The same 64 signature bytes with an unused bit set in the last base64 character.
        let (f, bundle, key) = Self.base
        var forger = try BundleForger(BundleEditor(root: bundle).copy())
        let last = forger.lines.count - 1
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        let at = forger.lines[last].count - 5  // the character before `=="}`
        forger.lines[last][at] = alphabet[alphabet.firstIndex(of: forger.lines[last][at])! | 1]
        try forger.write(checkpointKey: key, origin: f.store.origin)
        try expectBothReject(forger.root, swift: "sig is not the canonical base64 of 64 bytes", python: "sig is not canonical base64",
                             key: key.verifierKey, "non-canonical base64")
    }

    @Test func aSealedFileReplacedByASymlinkToTheSameBytesIsRejectedByBothVerifiers() throws {
        let (_, bundle, key) = Self.base
        let copy = try BundleEditor(root: bundle).copy()
        let target = copy.root + ".examiners.json"
        try FileManager.default.moveItem(atPath: copy.path("examiners.json"), toPath: target)
        try FileManager.default.createSymbolicLink(atPath: copy.path("examiners.json"), withDestinationPath: target)
        try expectBothReject(copy.root, swift: "is not a regular file or folder", python: "examiners.json: is not a regular file or folder",
                             key: key.verifierKey, "symlink")
    }
}

extension BundleForgeryTests {
    @Test func aRosterRewrittenAndResealedByTheExportStationIsRejectedByBothVerifiers() throws {
        // examiners.json changed, the manifest and the export entry's manifestSHA256 re-made and
        // the export entry re-signed: only the roster check can tell.
        let (f, bundle, key) = Self.base
        let forged = try Self.resealed(bundle, fixture: f, key: key) { b in
            try b.write(BundleLayout.examiners, try b.text(BundleLayout.examiners)
                .replacingOccurrences(of: "\"role\" : \"supervisor\"", with: "\"role\" : \"technician\""))
        }
        try expectBothReject(forged, swift: "examiner 1 (sup1) differs from the roster in the ledger",
                             python: "examiners.json: not the roster in the ledger", key: key.verifierKey, "roster")
    }

    /// A copy of `bundle` with its sealed files changed by `change`, MANIFEST.sha256 re-made and
    /// the export entry's manifestSHA256 re-signed by the export station: only the checks of the
    /// files' content can tell.
    static func resealed(_ bundle: String, fixture f: ExportFixture, key: StationKey, _ change: (BundleEditor) throws -> Void) throws -> String {
        var forger = try BundleForger(BundleEditor(root: bundle).copy())
        let old = try Manifest(parsing: forger.editor.data(BundleLayout.manifest)).sealedSHA256
        try change(forger.editor)
        try forger.editor.reseal()
        let new = try Manifest(parsing: forger.editor.data(BundleLayout.manifest)).sealedSHA256
        forger.edit(forger.lines.count - 1, key: key, Self.replacing(old, new))
        try forger.write(checkpointKey: key, origin: f.store.origin)
        return forger.root
    }

    @Test func aCSVCellStrippedOfItsFormulaGuardAndResealedIsRejected() throws {
        let f = try ExportFixture()
        defer { f.remove() }
        let key = try f.caseKey()
        try f.store.addExaminer(id: "-tech", name: "Lê C", role: .technician, by: "sup1")
        try f.store.recordEvent(.custodySeize, label: "=1+2", details: ["where": "Hà Nội"], by: "-tech")
        _ = try f.export("b")
        let bundle = f.bundle("b")
        let keyFile = try PythonVerifier.keyFile([key.verifierKey], beside: bundle)
        #expect(BundleEditor(root: bundle).problem(key: [key.verifierKey]) == nil)
        #expect(try PythonVerifier.run([bundle, keyFile]).status == 0)

        // custody.csv: the examiner cell `'-tech` of the seizure's row written `-tech`.
        let custody = try Self.resealed(bundle, fixture: f, key: key) { b in
            let text = try b.text(BundleLayout.custody)
            #expect(text.contains(",'-tech,"))
            try b.write(BundleLayout.custody, text.replacingOccurrences(of: ",'-tech,", with: ",-tech,"))
        }
        let rows = try CSVText.records(BundleEditor(root: custody).data(BundleLayout.custody))
        let line = try #require(rows.first { $0.fields[3] == "-tech" }?.line)
        #expect(BundleEditor(root: custody).problem(key: [key.verifierKey])?.line == line)
        try expectBothReject(custody, swift: "examiner is written \"-tech\", but Custody writes that value \"'-tech\"",
                             python: "custody.csv: rows differ from ledger.jsonl", key: key.verifierKey, "unguarded custody.csv cell")

        // inventory.csv: the label `'=1+2` written `=1+2` (Scripts/verify-bundle.py does not
        // open inventory.csv, VERIFYING.md §5).
        let inventory = try Self.resealed(bundle, fixture: f, key: key) { b in
            try b.write(BundleLayout.inventory, try b.text(BundleLayout.inventory).replacingOccurrences(of: "\r\n'=1+2,", with: "\r\n=1+2,"))
        }
        let problem = BundleEditor(root: inventory).problem(key: [key.verifierKey])
        #expect(problem?.file == BundleLayout.inventory && problem?.reason.contains("label is written \"=1+2\", but Custody writes that value \"'=1+2\"") == true,
                "\(String(describing: problem))")
    }
}
