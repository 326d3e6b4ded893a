import Foundation
import Ledger

/// What a bundle's checkers see: its files (as MANIFEST.sha256 lists and hashes them, already
/// checked against the bytes) and its ledger (already verified).
public struct BundleContext: Sendable {
    public let root: String
    /// Path → SHA-256 (hex) of every file but MANIFEST.sha256, checked.
    public let files: [String: String]
    /// Every line of ledger.jsonl, parsed and verified; the last is the export entry.
    public let entries: [SignedEntry]
    /// The entries before the export entry: what the sealed files describe.
    public var exported: ArraySlice<SignedEntry> { entries.dropLast() }
    public var exportEntry: SignedEntry { entries[entries.count - 1] }
    /// `all` or `items`.
    public var scope: String { exportEntry.entry.payload["scope"]?.stringValue ?? "" }
    public var selected: [String] { exportEntry.entry.payload["selected"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
    public var redacted: [String] { exportEntry.entry.payload["redacted"]?.arrayValue?.compactMap(\.stringValue) ?? [] }

    /// The bytes of a bundle file.
    public func data(_ path: String) throws(BundleProblem) -> Data {
        guard let d = FileManager.default.contents(atPath: (root as NSString).appendingPathComponent(path)) else {
            throw BundleProblem(path, "cannot be read")
        }
        return d
    }
}

/// Checks one kind of sealed file against the ledger. `owns` says which paths are its kind;
/// `check` returns how many things it verified (files, rows, …).
public struct FileChecker: Sendable {
    public var name: String
    public var owns: @Sendable (String) -> Bool
    public var check: @Sendable (BundleContext) throws(BundleProblem) -> Int
    public init(name: String, owns: @escaping @Sendable (String) -> Bool,
                check: @escaping @Sendable (BundleContext) throws(BundleProblem) -> Int) {
        self.name = name
        self.owns = owns
        self.check = check
    }
}

/// What `custody verify` verified.
public struct BundleVerification: Sendable {
    public var files: Int
    public var entries: Int
    /// Whether ledger.jsonl is the whole ledger (entries 0…n−1) or an excerpt (`--items`).
    public var wholeLedger: Bool
    public var checkpoint: Checkpoint
    /// Keys whose signature on the checkpoint verified.
    public var checkpointSigners: [VerifierKey]
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
    public static let fileCheckers: [FileChecker] = [.keys, .examiners, .acquisitions, .inventory, .custodyEvents, .caseGraph, .report]

    public static func verify(bundle root: String, pinnedKeys: [VerifierKey]? = nil,
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
            let actual = BundleLayout.sha256(try read(root, line.path))
            guard actual == line.sha256 else {
                throw BundleProblem(line.path, "SHA-256 is \(actual) but MANIFEST.sha256 says \(line.sha256): the file was changed")
            }
            files[line.path] = actual
        }
        for path in onDisk.sorted() where path != BundleLayout.manifest && files[path] == nil {
            throw BundleProblem(path, "is not listed in MANIFEST.sha256: a file was added")
        }

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

        // 3. The ledger and the checkpoint.
        for required in [BundleLayout.ledger, BundleLayout.checkpoint] where files[required] == nil {
            throw BundleProblem(required, "is missing")
        }
        let jsonl = [UInt8](try read(root, BundleLayout.ledger))
        guard jsonl.last == 0x0A else { throw BundleProblem(BundleLayout.ledger, "last line has no newline (an incomplete copy?)") }
        let lines = jsonl.dropLast().split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        let note = String(decoding: try read(root, BundleLayout.checkpoint), as: UTF8.self)
        guard let last = lines.last, let exportEntry = try? SignedEntry(line: last), exportEntry.entry.action == BundleLayout.exportAction else {
            throw BundleProblem(BundleLayout.ledger, line: lines.count, "the last line is not the export.bundle entry")
        }
        let scope = exportEntry.entry.payload["scope"]?.stringValue
        let entries: [SignedEntry], bound: [VerifierKey]
        var wholeLedgerRoot: SHA256Hash? = nil
        switch scope {
        case "all":
            let report = LedgerVerifier.verify(lineBytes: lines, trustedKeys: trusted)
            if let f = report.failure { throw ledgerProblem(f, line: report.verifiedCount + 1) }
            entries = lines.map { try! SignedEntry(line: $0) }
            wholeLedgerRoot = report.root
        case "items":
            let report = LedgerVerifier.verify(excerpt: lines, trustedKeys: trusted)
            if let f = report.failure { throw ledgerProblem(f, line: report.entries.count + 1) }
            entries = report.entries
        default:
            throw BundleProblem(BundleLayout.ledger, line: lines.count, "the export entry's scope is \(scope ?? "absent"), not all or items")
        }
        bound = boundKeys(entries)
        let checkpoint: Checkpoint, signers: [VerifierKey]
        do {
            let signed = try SignedNote(parsing: note)
            signers = try signed.verify(with: trusted + bound.filter { !trusted.contains($0) })
            checkpoint = try Checkpoint(text: signed.text)
        } catch { throw BundleProblem(BundleLayout.checkpoint, "\(error)") }
        let caseID = entries[0].entry.payload["case"]?["id"]?.stringValue ?? ""
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

        // 4. One inclusion proof per line, against this checkpoint.
        var proofPaths = Set(files.keys.filter { $0.hasPrefix(BundleLayout.proofs + "/") })
        for (i, e) in entries.enumerated() {
            let seq = e.entry.sequence
            let path = BundleLayout.proofPath(seq)
            guard proofPaths.remove(path) != nil else { throw BundleProblem(path, "is missing: entry \(seq) (ledger.jsonl line \(i + 1)) has no proof") }
            let proof: TlogProof
            do { proof = try TlogProof(parsing: try read(root, path)) } catch { throw BundleProblem(path, "\(error)") }
            guard proof.index == Int(seq) else { throw BundleProblem(path, "proves entry \(proof.index), not entry \(seq): a proof for another entry") }
            guard proof.extra == lines[i] else { throw BundleProblem(path, "its entry line is not line \(i + 1) of ledger.jsonl") }
            guard proof.checkpointNote == note else { throw BundleProblem(path, "carries another checkpoint than the bundle's checkpoint file") }
            do {
                try InclusionProof(index: proof.index, treeSize: checkpoint.size, hashes: proof.hashes).verify(leafHash: e.leafHash, root: checkpoint.root)
            } catch { throw BundleProblem(path, "inclusion proof does not lead to the checkpoint root: \(error)") }
        }
        if let extra = proofPaths.sorted().first { throw BundleProblem(extra, "is not the proof of any entry in ledger.jsonl") }

        // 5. Each sealed file agrees with the ledger.
        let context = BundleContext(root: root, files: files, entries: entries)
        for path in files.keys.sorted() where BundleLayout.isSealed(path) && !checkers.contains(where: { $0.owns(path) }) {
            throw BundleProblem(path, "is not a file of a Custody bundle")
        }
        var checked = [(name: String, count: Int)]()
        for c in checkers { checked.append((c.name, try c.check(context))) }

        // 6. The sealed files are the ones the export entry recorded.
        let payload = exportEntry.entry.payload
        guard payload["manifestSHA256"]?.stringValue == manifest.sealedSHA256, payload["files"]?.integerValue == Int64(manifest.sealedCount) else {
            throw BundleProblem(BundleLayout.manifest, "the \(manifest.sealedCount) files written before the export entry hash to \(manifest.sealedSHA256), but export entry \(exportSeq) recorded \(payload["files"]?.integerValue ?? 0) files hashing to \(payload["manifestSHA256"]?.stringValue ?? "nothing"): files were changed, added or removed after the export")
        }
        return BundleVerification(
            files: manifest.lines.count, entries: entries.count, wholeLedger: scope == "all", checkpoint: checkpoint,
            checkpointSigners: signers, keyPinned: pinnedKeys != nil, proofs: entries.count, exportSequence: exportSeq,
            sealedFiles: manifest.sealedCount, scope: scope ?? "", selected: context.selected, redacted: context.redacted,
            tool: payload["tool"]?.stringValue ?? "", checked: checked)
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
