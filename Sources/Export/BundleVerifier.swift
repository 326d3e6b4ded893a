import ByteText
import Crypto
import Foundation
import Ledger
import SIMCard

/// What a bundle's checkers see: its files (as MANIFEST.sha256 lists and hashes them, already
/// checked against the bytes) and its ledger (already verified), as the facts the checkers
/// compare: ledger.jsonl is read once, one line at a time, and no parsed entry is kept (at ten
/// times the seizure, 200,000 of them held 1.7 GB).
public struct BundleContext: Sendable {
    public let root: String
    /// Path → SHA-256 (hex) of every file but MANIFEST.sha256, checked.
    public let files: [String: String]
    /// What the checkers need of every line of ledger.jsonl, verified; the last is the export entry's.
    public let entries: [EntryFacts]
    /// The station keys the ledger binds (`ExportPlan.keysBound`), the export entry included.
    public let boundKeys: [VerifierKey]
    /// The SHA-256 (hex) of custody.csv as the exporter writes it from the entries before the
    /// export entry (`CustodyTable`), computed as ledger.jsonl was read: the table is a row per
    /// entry with its whole payload, which no fact keeps.
    public let custodyTableSHA256: String
    /// What more than one checker works out from the same files, worked out once.
    let derived = DerivedFacts()
    /// The entries before the export entry: what the sealed files describe.
    public var exported: ArraySlice<EntryFacts> { entries.dropLast() }
    public var exportEntry: EntryFacts { entries[entries.count - 1] }
    /// `all` or `items`.
    public var scope: String { exportEntry.payload["scope"]?.stringValue ?? "" }
    public var selected: [String] { exportEntry.payload["selected"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
    public var redacted: [String] { exportEntry.payload["redacted"]?.arrayValue?.compactMap(\.stringValue) ?? [] }

    /// Calls `body` with each entry before the export entry, parsed again from ledger.jsonl
    /// (already verified): for a checker's explanation of a difference, not its check.
    public func forEachExported(_ body: (SignedEntry) throws(BundleProblem) -> Void) throws(BundleProblem) {
        let count = entries.count
        try BundleFileReader(root: root, BundleLayout.ledger).forEachLine { line, n, _ throws(BundleProblem) in
            guard n < count else { return }
            do { try body(try SignedEntry(line: line)) } catch let problem as BundleProblem { throw problem } catch {
                throw BundleProblem(BundleLayout.ledger, line: n, "\(error)")
            }
        }
    }

    /// The bytes of a bundle file.
    public func data(_ path: String) throws(BundleProblem) -> Data {
        guard let d = FileManager.default.contents(atPath: (root as NSString).appendingPathComponent(path)) else {
            throw BundleProblem(path, "cannot be read")
        }
        return d
    }
}

/// What the checkers of one verification share once it is worked out: inventory.csv's labels
/// and the hashes the ledger ties to each exhibit (the graph's and the report's checkers both
/// compare with them). `@unchecked Sendable`: every access holds `lock`.
final class DerivedFacts: @unchecked Sendable {
    private let lock = NSRecursiveLock()
    private var items: Set<String>?
    private var hashes: [String: Set<String>]?

    func exportedItems(_ make: () throws(BundleProblem) -> Set<String>) throws(BundleProblem) -> Set<String> {
        lock.lock()
        defer { lock.unlock() }
        if let items { return items }
        let made = try make()
        items = made
        return made
    }

    func exhibitHashes(_ make: () -> [String: Set<String>]) -> [String: Set<String>] {
        lock.lock()
        defer { lock.unlock() }
        if let hashes { return hashes }
        let made = make()
        hashes = made
        return made
    }
}

/// What a bundle's checkers compare of one ledger entry: a few hundred bytes where the parsed
/// entry is about 3 KB.
public struct EntryFacts: Sendable {
    public let sequence: Int64
    public let action: LedgerAction
    public let subjects: [String]
    /// The payload: whole for the few entries that set up the case and the export
    /// (`wholePayload`), else only the members a checker compares (`comparedMembers`).
    public let payload: [String: CanonicalJSON]

    /// Actions whose payload is kept whole: entry 0, the roster, the station keys, the export.
    static let wholePayload: Set<LedgerAction> = [.caseInit, .examinerAdd, .stationAdd, .stationRevoke, BundleLayout.exportAction]
    /// Payload members the checkers compare: a read's hashes, completeness and ICCID, a
    /// photograph's or scan's hash and file, the items a device entry created, an import's
    /// format and rows.
    static let comparedMembers = ["contentSHA256", "recordSHA256", "transcriptSHA256", "complete", "iccid", "sha256", "file", "items", "format", "rows"]

    init(_ e: SignedEntry) {
        sequence = e.entry.sequence
        action = e.entry.action
        subjects = e.entry.subjects
        if Self.wholePayload.contains(e.entry.action) {
            payload = e.entry.payload
        } else {
            var kept = [String: CanonicalJSON]()
            for key in Self.comparedMembers { if let value = e.entry.payload[key] { kept[key] = value } }
            payload = kept
        }
    }
}

/// One line of ledger.jsonl made ready on any core for the verifier's pass in order: its checks
/// that need no earlier line (`LedgerVerifier.PreparedLine`), and, when it is an entry, what the
/// pass keeps of it (its facts, its leaf hash) and its row of custody.csv (`hasRow`: every
/// line but the export entry).
struct PreparedLedgerLine: Sendable {
    let line: LedgerVerifier.PreparedLine
    let facts: EntryFacts?
    let leafHash: SHA256Hash?
    let custodyRow: [UInt8]?

    init(_ bytes: [UInt8], keys: [KeyID: VerifierKey], hasRow: Bool) {
        line = LedgerVerifier.PreparedLine(bytes, keys: keys)
        let e = line.entry
        facts = e.map(EntryFacts.init)
        leafHash = e?.leafHash
        custodyRow = hasRow ? e.map { Array(CSVText.record(CustodyTable.row($0)).utf8) } : nil
    }
}

/// Checks one kind of sealed file against the ledger. `owns` says which paths are its kind;
/// the check returns how many things it verified (files, rows, …).
public struct FileChecker: Sendable {
    /// The rest of a check once its files are read: it compares them with the ledger.
    public typealias Check = @Sendable (BundleContext) throws(BundleProblem) -> Int
    public var name: String
    public var owns: @Sendable (String) -> Bool
    /// Reads what the check needs of the bundle's own files (`root` and the manifest's paths),
    /// before the ledger is verified and beside it on another core; returns the rest of the check.
    public var start: @Sendable (_ root: String, _ files: [String: String]) -> Check

    public init(name: String, owns: @escaping @Sendable (String) -> Bool, check: @escaping Check) {
        self.name = name
        self.owns = owns
        self.start = { _, _ in check }
    }

    /// A checker whose `read` needs only its files (a failure is reported when its check runs,
    /// in the checkers' order) and whose `check` compares what was read with the ledger.
    public init<Read: Sendable>(name: String, owns: @escaping @Sendable (String) -> Bool,
                                read: @escaping @Sendable (_ root: String, _ files: [String: String]) throws(BundleProblem) -> Read,
                                check: @escaping @Sendable (BundleContext, Read) throws(BundleProblem) -> Int) {
        self.name = name
        self.owns = owns
        self.start = { root, files in
            do throws(BundleProblem) {
                let read = try read(root, files)
                return { ctx throws(BundleProblem) in try check(ctx, read) }
            } catch { return { _ throws(BundleProblem) in throw error } }
        }
    }
}

/// What `custody verify` verified.
public struct BundleVerification: Sendable {
    public var files: Int
    public var entries: Int
    /// Whether ledger.jsonl is the whole ledger (entries 0…n−1) or an excerpt (`--items`).
    public var wholeLedger: Bool
    public var checkpoint: Checkpoint
    /// The key whose signature on the checkpoint verified: the export entry's station key.
    public var checkpointSigner: VerifierKey
    /// The earlier checkpoint given to `verify(earlierCheckpoint:)`, once found consistent.
    public var earlierCheckpoint: Checkpoint?
    /// Whether the trusted key came from `--key` (else only the bundle's own keys/).
    public var keyPinned: Bool
    public var proofs: Int
    public var exportSequence: Int64
    public var sealedFiles: Int
    public var scope: String
    public var selected: [String]
    public var redacted: [String]
    public var tool: String
    /// Per checker (in `BundleVerifier.fileCheckers` order): its name and count.
    public var checked: [(name: String, count: Int)]
}

/// Verifies a bundle offline, with nothing but its files (and optionally a pinned key).
public enum BundleVerifier {
    /// The sealed-file checkers, one per file kind; every sealed file must belong to one.
    public static let fileCheckers: [FileChecker] = [.keys, .examiners, .acquisitions, .scans, .inventory, .custodyEvents, .messages,
                                                     .ranges, .caseGraph, .report]

    /// Verifies the bundle at `root`. `earlierCheckpoint` is a signed checkpoint of the same case
    /// the caller held before (its file name, for messages, and its text): the bundle's ledger
    /// must extend it (same root at its size).
    public static func verify(bundle root: String, pinnedKeys: [VerifierKey]? = nil,
                              earlierCheckpoint: (source: String, note: String)? = nil,
                              checkers: [FileChecker] = fileCheckers) throws(BundleProblem) -> BundleVerification {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw BundleProblem(root, "is not a bundle folder (unzip a .zip bundle first)")
        }
        // 1. The manifest: every listed file present with its hash, nothing else.
        let onDisk = try listFiles(root)
        guard onDisk.contains(BundleLayout.manifest) else { throw BundleProblem(BundleLayout.manifest, "is missing") }
        let manifestData = try read(root, BundleLayout.manifest)
        let manifest = try Manifest(parsing: manifestData)
        var files = [String: String]()
        for line in manifest.lines {
            guard line.path != BundleLayout.manifest else { throw BundleProblem(BundleLayout.manifest, "lists itself") }
            guard onDisk.contains(line.path) else { throw BundleProblem(line.path, "is listed in MANIFEST.sha256 but missing: a file was removed") }
            files[line.path] = line.sha256
        }
        for path in onDisk.sorted() where path != BundleLayout.manifest && files[path] == nil {
            throw BundleProblem(path, "is not listed in MANIFEST.sha256: a file was added")
        }
        // Every file's bytes against its listed hash, on another core while the rest is checked
        // (it is the verifier's first 4 s at ten times the seizure). Whatever fails, a changed
        // file is reported first: every later check read files this one had not yet vouched for.
        let hashing = BackgroundWork { () -> BundleProblem? in
            for line in manifest.lines {
                let actual: String
                do throws(BundleProblem) { actual = try BundleFileReader(root: root, line.path).sha256() } catch { return error }
                if actual != line.sha256 {
                    return BundleProblem(line.path, "SHA-256 is \(actual) but MANIFEST.sha256 says \(line.sha256): the file was changed")
                }
            }
            return nil
        }
        func unchanged() throws(BundleProblem) { if let changed = hashing.wait() { throw changed } }
        do throws(BundleProblem) {
            let verification = try verify(root: root, files: files, manifest: manifest, pinnedKeys: pinnedKeys,
                                          earlierCheckpoint: earlierCheckpoint, checkers: checkers)
            try unchanged()
            return verification
        } catch {
            try unchanged()
            throw error
        }
    }

    /// Steps 2 to 6 of `verify(bundle:…)`, once the manifest's paths are checked: `files` holds
    /// each listed path with its listed hash (compared with the bytes beside this).
    static func verify(root: String, files: [String: String], manifest: Manifest, pinnedKeys: [VerifierKey]?,
                       earlierCheckpoint: (source: String, note: String)?, checkers: [FileChecker]) throws(BundleProblem) -> BundleVerification {
        // 2. Trusted keys: the pinned ones, or else the bundle's own keys/.
        let trusted: [VerifierKey]
        if let pinnedKeys { trusted = pinnedKeys } else {
            var own = [VerifierKey]()
            for path in files.keys.sorted() where path.hasPrefix(BundleLayout.keys + "/") {
                let text = String(decoding: try read(root, path), as: UTF8.self).trimmingCharacters(in: .newlines)
                do { own.append(try VerifierKey(parsing: text)) } catch { throw BundleProblem(path, "is not a verifier key (\(error))") }
            }
            guard !own.isEmpty else { throw BundleProblem(BundleLayout.keys, "holds no key: nothing to verify signatures with") }
            trusted = own
        }

        // The checkers' reads of their own files, on another core while the ledger is verified.
        let started = checkers.map { checker in BackgroundWork { checker.start(root, files) } }

        // 3. The ledger and the checkpoint.
        for required in [BundleLayout.ledger, BundleLayout.checkpoint] where files[required] == nil {
            throw BundleProblem(required, "is missing")
        }
        // The export entry, the last line, says how to read the others: a whole ledger or an excerpt.
        let (last, lineCount) = try BundleFileReader(root: root, BundleLayout.ledger).lastLine()
        let note = String(decoding: try read(root, BundleLayout.checkpoint), as: UTF8.self)
        let exportEntry: SignedEntry
        do { exportEntry = try SignedEntry(line: last) } catch {
            throw BundleProblem(BundleLayout.ledger, line: lineCount, "the last line is not a valid entry: \(error)")
        }
        guard exportEntry.entry.action == BundleLayout.exportAction else {
            throw BundleProblem(BundleLayout.ledger, line: lineCount, "the last line is a \(exportEntry.entry.action) entry, not the export.bundle entry")
        }
        let scope = exportEntry.entry.payload["scope"]?.stringValue
        guard scope == "all" || scope == "items" else {
            throw BundleProblem(BundleLayout.ledger, line: lineCount, "the export entry's scope is \(scope ?? "absent"), not all or items")
        }
        // One pass over ledger.jsonl: each line verified, and kept as the facts the checkers
        // compare, its sequence number and leaf hash for the proofs, and its row of custody.csv hashed.
        var ledger = LedgerVerifier.Stream(trustedKeys: trusted, excerpt: scope == "items")
        var entries = [EntryFacts](), leaves = [(seq: Int64, leafHash: SHA256Hash)](), bound = [VerifierKey]()
        entries.reserveCapacity(lineCount)
        leaves.reserveCapacity(lineCount)
        var custodyTable = SHA256()
        custodyTable.update(data: Array(CustodyTable.heading.utf8))
        // Each line parsed, hashed, its signature checked and its facts and row made on every
        // core (`PreparedLedgerLine`); then taken in order.
        try BundleFileReader(root: root, BundleLayout.ledger).forEachLine(batchContext: { ledger.keysByID }) { keys, line, n in
            PreparedLedgerLine(line, keys: keys, hasRow: n < lineCount)
        } _: { prepared, n, _ throws(BundleProblem) in
            guard let e = ledger.take(prepared.line) else { throw ledgerProblem(ledger.failure!, line: n) }
            entries.append(prepared.facts!)
            leaves.append((e.entry.sequence, prepared.leafHash!))
            for key in ExportPlan.keysBound(by: e) where !bound.contains(key) { bound.append(key) }
            if let row = prepared.custodyRow { custodyTable.update(data: row) }
        }
        let activeAtExport = ledger.activeStations
        let wholeLedgerRoot: SHA256Hash? = scope == "all" ? (try? ledger.tree.root()) : nil
        // The checkpoint vouches for the positions of an excerpt's lines in a tree the bundle
        // does not hold, so only the key that signed the export entry may sign it: it was
        // active then (the ledger check above verified that entry with it). A key revoked
        // earlier, though bound, could sign a made-up tree around the real lines.
        let exportStation = exportEntry.entry.station
        guard let signer = activeAtExport.first(where: { $0.keyID == exportStation }) else {
            throw BundleProblem(BundleLayout.ledger, line: lineCount, "station key \(exportStation) of the export entry is not an active station key")
        }
        let checkpoint: Checkpoint
        do {
            let signed = try SignedNote(parsing: note)
            try signed.verify(with: [signer])
            checkpoint = try Checkpoint(text: signed.text)
        } catch NoteError.noTrustedSignature {
            throw BundleProblem(BundleLayout.checkpoint, "is not signed by \(signer.name) (\(exportStation)), the station key that signed export entry \(exportEntry.entry.sequence): a checkpoint signed by any other key, even one the ledger binds, does not vouch for this export")
        } catch { throw BundleProblem(BundleLayout.checkpoint, "\(error)") }
        let caseID = ledger.caseID ?? ""
        guard checkpoint.origin == "custody.case/\(caseID)" else {
            throw BundleProblem(BundleLayout.checkpoint, "origin is \(checkpoint.origin), not custody.case/\(caseID): a checkpoint of another case")
        }
        let exportSeq = exportEntry.entry.sequence
        guard checkpoint.size == Int(exportSeq) + 1 else {
            throw BundleProblem(BundleLayout.checkpoint, "covers \(checkpoint.size) entries but this export's entry is \(exportSeq): a checkpoint from another export (stale or swapped)")
        }
        if let wholeLedgerRoot, wholeLedgerRoot != checkpoint.root {
            throw BundleProblem(BundleLayout.checkpoint, "root \(checkpoint.root.base64) is not the root of ledger.jsonl (\(wholeLedgerRoot.base64))")
        }

        // 4. One inclusion proof per line, against this checkpoint: in proofs.jsonl with its
        // index proofs.idx, or (bundles from before issue 19) one file per entry in proofs/.
        // What an earlier checkpoint is compared with: every leaf of a whole ledger; for an
        // excerpt, its leaves and the subtrees their proofs name. Kept only when asked for.
        var subtrees: SubtreeHashes? = earlierCheckpoint.map { _ in SubtreeHashes() }
        let proved = { (leafHash: SHA256Hash, inclusion: InclusionProof) -> Void in
            if scope == "all" { subtrees?.add(leafHash: leafHash, index: inclusion.index) } else { subtrees?.add(inclusion, leafHash: leafHash) }
        }
        let proofFolder = files.keys.filter { $0.hasPrefix(BundleLayout.proofs + "/") }
        if files[BundleLayout.proofLines] != nil || files[BundleLayout.proofIndex] != nil || proofFolder.isEmpty {
            if let old = proofFolder.sorted().first {
                throw BundleProblem(old, "is a proof file of the old layout beside \(BundleLayout.proofLines): a bundle holds one or the other")
            }
            try checkProofFile(root: root, leaves: leaves, checkpoint: checkpoint, proved: proved)
        } else {
            try checkProofFolder(root: root, files: Set(proofFolder), leaves: leaves, note: note, checkpoint: checkpoint, proved: proved)
        }
        leaves = []
        var earlier: Checkpoint? = nil
        if let earlierCheckpoint, let subtrees {
            earlier = try checkConsistency(source: earlierCheckpoint.source, note: earlierCheckpoint.note,
                                           keys: trusted + bound.filter { !trusted.contains($0) },
                                           origin: checkpoint.origin, bundleCheckpoint: checkpoint, subtrees: subtrees)
        }

        // 5. Each sealed file agrees with the ledger.
        let context = BundleContext(root: root, files: files, entries: entries, boundKeys: bound,
                                    custodyTableSHA256: Hex.lowercase(Array(custodyTable.finalize())))
        for path in files.keys.sorted() where BundleLayout.isSealed(path) && !checkers.contains(where: { $0.owns(path) }) {
            throw BundleProblem(path, "is not a file of a Custody bundle")
        }
        // The checks beside each other on every core; the first failure in the checkers' order is reported.
        let results = Array(zip(checkers, started)).concurrentMap { _, started -> Result<Int, BundleProblem> in
            do throws(BundleProblem) { return .success(try started.wait()(context)) } catch { return .failure(error) }
        }
        var checked = [(name: String, count: Int)]()
        for (c, result) in zip(checkers, results) { checked.append((c.name, try result.get())) }

        // 6. The sealed files are the ones the export entry recorded.
        let payload = exportEntry.entry.payload
        guard payload["manifestSHA256"]?.stringValue == manifest.sealedSHA256, payload["files"]?.integerValue == Int64(manifest.sealedCount) else {
            throw BundleProblem(BundleLayout.manifest, "the \(manifest.sealedCount) files written before the export entry hash to \(manifest.sealedSHA256), but export entry \(exportSeq) recorded \(payload["files"]?.integerValue ?? 0) files hashing to \(payload["manifestSHA256"]?.stringValue ?? "nothing"): files were changed, added or removed after the export")
        }
        return BundleVerification(
            files: manifest.lines.count, entries: lineCount, wholeLedger: scope == "all", checkpoint: checkpoint,
            checkpointSigner: signer, earlierCheckpoint: earlier, keyPinned: pinnedKeys != nil, proofs: lineCount, exportSequence: exportSeq,
            sealedFiles: manifest.sealedCount, scope: scope ?? "", selected: context.selected, redacted: context.redacted,
            tool: payload["tool"]?.stringValue ?? "", checked: checked)
    }

    /// proofs.jsonl and proofs.idx (`ProofFile`): line i of each is entry i's, the proof leads
    /// from the entry (`leaves`: each line's sequence number and leaf hash) to the checkpoint's
    /// root, and the index gives each proof's offset.
    static func checkProofFile(root: String, leaves: [(seq: Int64, leafHash: SHA256Hash)], checkpoint: Checkpoint,
                               proved: (SHA256Hash, InclusionProof) -> Void) throws(BundleProblem) {
        for required in [BundleLayout.proofLines, BundleLayout.proofIndex] where !FileManager.default.fileExists(atPath: (root as NSString).appendingPathComponent(required)) {
            throw BundleProblem(required, "is missing: the bundle has no inclusion proofs")
        }
        let file = BundleLayout.proofLines
        var offsets = [Int]()
        offsets.reserveCapacity(leaves.count)
        // Each line parsed and its proof followed on every core; then taken in order, so the
        // first line that fails is the one reported.
        try BundleFileReader(root: root, file).forEachLine(batchContext: {}) { _, line, n -> Result<InclusionProof, BundleProblem> in
            guard n <= leaves.count else { return .failure(BundleProblem(file, line: n, "is not the proof of any entry: ledger.jsonl has \(leaves.count) lines")) }
            let (seq, leafHash) = leaves[n - 1]
            guard let proof = ProofFile.parse(line) else {
                return .failure(BundleProblem(file, line: n, "is not {\"hashes\":[…],\"index\":N} in canonical JSON"))
            }
            guard proof.index == Int(seq) else { return .failure(BundleProblem(file, line: n, "proves entry \(proof.index), not entry \(seq) (ledger.jsonl line \(n))")) }
            let inclusion = InclusionProof(index: proof.index, treeSize: checkpoint.size, hashes: proof.hashes)
            do { try inclusion.verify(leafHash: leafHash, root: checkpoint.root) } catch {
                return .failure(BundleProblem(file, line: n, "inclusion proof of entry \(seq) does not lead to the checkpoint root: \(error)"))
            }
            return .success(inclusion)
        } _: { checked, n, offset throws(BundleProblem) in
            proved(leaves[n - 1].leafHash, try checked.get())
            offsets.append(offset)
        }
        guard offsets.count == leaves.count else {
            throw BundleProblem(file, "holds \(offsets.count) proofs but ledger.jsonl has \(leaves.count) lines: entry \(leaves[offsets.count].seq) has no proof")
        }
        let index = BundleLayout.proofIndex
        var count = 0
        try BundleFileReader(root: root, index).forEachLine { line, n, _ throws(BundleProblem) in
            guard n <= leaves.count else { throw BundleProblem(index, line: n, "indexes no proof: proofs.jsonl has \(leaves.count) lines") }
            let expected = ProofFile.indexLine(seq: leaves[n - 1].seq, offset: offsets[n - 1])
            guard line == Array(expected.utf8.dropLast()) else {
                throw BundleProblem(index, line: n, "is not \"\(expected.dropLast())\": the sequence number and offset of line \(n) of proofs.jsonl")
            }
            count = n
        }
        guard count == leaves.count else { throw BundleProblem(index, "indexes \(count) proofs but proofs.jsonl holds \(leaves.count)") }
    }

    /// The folder proofs/ of bundles from before issue 19: one C2SP tlog-proof file per line of
    /// ledger.jsonl, carrying the line and the checkpoint.
    static func checkProofFolder(root: String, files: Set<String>, leaves: [(seq: Int64, leafHash: SHA256Hash)], note: String,
                                 checkpoint: Checkpoint, proved: (SHA256Hash, InclusionProof) -> Void) throws(BundleProblem) {
        var proofPaths = files
        try BundleFileReader(root: root, BundleLayout.ledger).forEachLine { line, n, _ throws(BundleProblem) in
            let (seq, leafHash) = leaves[n - 1]
            let path = BundleLayout.proofPath(seq)
            guard proofPaths.remove(path) != nil else { throw BundleProblem(path, "is missing: entry \(seq) (ledger.jsonl line \(n)) has no proof") }
            let proof: TlogProof
            do { proof = try TlogProof(parsing: try read(root, path)) } catch { throw BundleProblem(path, "\(error)") }
            guard proof.index == Int(seq) else { throw BundleProblem(path, "proves entry \(proof.index), not entry \(seq): a proof for another entry") }
            guard proof.extra == line else { throw BundleProblem(path, "its entry line is not line \(n) of ledger.jsonl") }
            guard proof.checkpointNote == note else { throw BundleProblem(path, "carries another checkpoint than the bundle's checkpoint file") }
            let inclusion = InclusionProof(index: proof.index, treeSize: checkpoint.size, hashes: proof.hashes)
            do { try inclusion.verify(leafHash: leafHash, root: checkpoint.root) } catch {
                throw BundleProblem(path, "inclusion proof does not lead to the checkpoint root: \(error)")
            }
            proved(leafHash, inclusion)
        }
        if let extra = proofPaths.sorted().first { throw BundleProblem(extra, "is not the proof of any entry in ledger.jsonl") }
    }

    /// Checks that the ledger of `bundleCheckpoint` extends an earlier checkpoint of the same
    /// case: the root of its first `size` entries, rebuilt from the bundle's lines and proofs,
    /// equals the earlier root.
    static func checkConsistency(source: String, note: String, keys: [VerifierKey], origin: String,
                                 bundleCheckpoint: Checkpoint, subtrees: SubtreeHashes) throws(BundleProblem) -> Checkpoint {
        let earlier: Checkpoint
        do { earlier = try Checkpoint.open(note, trustedKeys: keys, origin: origin) } catch {
            throw BundleProblem(source, "\(error) (it must be a checkpoint of this case signed by a station key the ledger binds)")
        }
        guard earlier.size <= bundleCheckpoint.size else {
            throw BundleProblem(source, "covers \(earlier.size) entries, more than this bundle's checkpoint (\(bundleCheckpoint.size)): the bundle is older than that checkpoint; verify the case itself with `custody ledger consistency`")
        }
        guard let root = subtrees.root(size: earlier.size) else {
            throw BundleProblem(source, "cannot be compared: this excerpt's entries and proofs do not determine the root of the first \(earlier.size) entries (it holds neither entry \(earlier.size - 1) nor the whole ledger); check it against the case with `custody ledger consistency`, or ask for a whole-case export")
        }
        guard root == earlier.root else {
            throw BundleProblem(source, "root \(earlier.root.base64) of its \(earlier.size) entries is not the root of the first \(earlier.size) entries this bundle proves (\(root.base64)): the ledger was rewritten or forked after that checkpoint")
        }
        return earlier
    }

    static func ledgerProblem(_ f: VerificationFailure, line: Int) -> BundleProblem {
        if case .malformedEntry(let l, let e) = f { return BundleProblem(BundleLayout.ledger, line: l, "\(e)") }
        return BundleProblem(BundleLayout.ledger, line: line, f.description)
    }

    static func read(_ root: String, _ path: String) throws(BundleProblem) -> Data {
        guard let d = FileManager.default.contents(atPath: (root as NSString).appendingPathComponent(path)) else {
            throw BundleProblem(path, "cannot be read")
        }
        return d
    }

    /// Every regular file under `root`, as relative paths; anything else (a link, a device) is refused.
    static func listFiles(_ root: String) throws(BundleProblem) -> Set<String> {
        var out = Set<String>()
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: root) else { throw BundleProblem(root, "cannot be listed") }
        while let relative = walker.nextObject() as? String {
            let type = walker.fileAttributes?[.type] as? FileAttributeType
            switch type {
            case .typeRegular?: out.insert(relative)
            case .typeDirectory?: continue
            default: throw BundleProblem(relative, "is not a regular file or folder")
            }
        }
        return out
    }
}
