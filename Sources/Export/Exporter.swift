import CaseStore
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Ledger
import Wording

/// One file of a bundle: its path inside the bundle and its bytes.
public struct BundleFile: Sendable {
    public var path: String
    public var data: Data
    public init(path: String, data: Data) { self.path = path; self.data = data }
}

/// What a file producer gets: the open case, the plan (a consistent snapshot and what it
/// selects), the tool's name and version, and the language of the bundle's human parts.
public struct ExportContext: Sendable {
    public let store: CaseStore
    public let plan: ExportPlan
    public let tool: ToolIdentity
    /// The court report's language (`Exporter.Options.language`, else the case's).
    public let language: Language
}

/// Makes one kind of sealed file (written before the export entry, covered by its manifest
/// hash). Adding a file to bundles is one more producer in `Exporter.sealedProducers`, and one
/// more checker in `BundleVerifier.fileCheckers`.
public struct FileProducer: Sendable {
    public var name: String
    public var produce: @Sendable (ExportContext) throws -> [BundleFile]
    public init(name: String, produce: @escaping @Sendable (ExportContext) throws -> [BundleFile]) {
        self.name = name
        self.produce = produce
    }
}

extension FileProducer {
    /// `keys/<key ID>.pub`: every station key the exported ledger binds, in verifier-key form.
    public static let keys = FileProducer(name: "keys") { ctx in
        boundKeys(ctx.plan.entries).map { BundleFile(path: BundleLayout.keyPath($0), data: Data(($0.description + "\n").utf8)) }
    }
    public static let examiners = FileProducer(name: "examiners") { ctx in
        [BundleFile(path: BundleLayout.examiners, data: try RosterDocument.json(ctx.plan.snapshot.examiners))]
    }
    /// `acquisitions/<seq>.json`, byte for byte as stored (or `<seq>.redacted.json`).
    public static let acquisitions = FileProducer(name: "acquisitions") { ctx in
        try ctx.plan.acquisitions.map { a in
            ctx.plan.redactPins
                ? BundleFile(path: BundleLayout.acquisitionPath(a.seq, redacted: true),
                             data: try Redaction.redactPINs(a.record, recordSHA256: a.recordSHA256))
                : BundleFile(path: BundleLayout.acquisitionPath(a.seq, redacted: false), data: a.record)
        }
    }
    public static let inventory = FileProducer(name: "inventory") { ctx in
        [BundleFile(path: BundleLayout.inventory, data: InventoryTable.csv(plan: ctx.plan))]
    }
    public static let custodyEvents = FileProducer(name: "custody events") { ctx in
        [BundleFile(path: BundleLayout.custody, data: CustodyTable.csv(entries: ctx.plan.entries))]
    }
    /// `case.jsonld`: the exported items and their entries as CASE/UCO (docs/CASE-UCO.md).
    public static let caseGraph = FileProducer(name: "CASE/UCO graph") { ctx in
        let items = ctx.plan.isSubset ? Set(ctx.plan.itemLabels) : nil
        return [BundleFile(path: BundleLayout.caseGraph, data: try CASEGraph.document(store: ctx.store, items: items, tool: ctx.tool, time: Date()))]
    }
}

extension FileProducer {
    /// `report.html`, the court report (docs/REPORT.md), with its further pages (`report/0002.html`
    /// …) when it is long, and `report.pdf` printed by headless
    /// Chromium: for the whole case the summary report (`CourtReport.summary`), for `--items`
    /// the report itself. Sealed like the other files, so the report describes the ledger
    /// before the export entry: its size and Merkle root at the snapshot.
    public static let report = FileProducer(name: "court report") { ctx in
        let report = try reportDocument(ctx)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("custody-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let pdfFile = scratch.appendingPathComponent(BundleLayout.reportPDF)
        if ctx.plan.isSubset {
            try CourtReport.renderPDF(report, pdf: pdfFile, scratch: scratch)
        } else {
            let summary = scratch.appendingPathComponent("summary.html")
            try Data(try CourtReport.summary(store: ctx.store, language: ctx.language, tool: ctx.tool, verification: try reportFacts(ctx), time: Date()).utf8)
                .write(to: summary)
            try CourtReport.renderPDF(html: summary, pdf: pdfFile)
        }
        let pages = report.pages(maxBytes: CourtReport.htmlPageBytes).enumerated().map { index, page in
            BundleFile(path: index == 0 ? BundleLayout.report : BundleLayout.reportPage(index + 1), data: Data(page.utf8))
        }
        return pages + [BundleFile(path: BundleLayout.reportPDF, data: try Data(contentsOf: pdfFile))]
    }
}

extension FileProducer {
    /// The court report for this export, HTML and cuts (the first half of `report`; the
    /// benchmark times it apart from the PDF).
    public static func reportDocument(_ ctx: ExportContext) throws -> ReportDocument {
        try CourtReport.document(store: ctx.store, items: ctx.plan.isSubset ? Set(ctx.plan.itemLabels) : nil, language: ctx.language,
                                 tool: ctx.tool, verification: try reportFacts(ctx), time: Date())
    }

    /// The ledger as the report describes it: before the export entry (the snapshot).
    static func reportFacts(_ ctx: ExportContext) throws -> ReportVerificationFacts {
        let size = ctx.plan.snapshot.lines.count
        let root = try ctx.store.tree(size: size).0.root()
        return ReportVerificationFacts(ledgerEntries: ctx.plan.entries.count, ledgerRoot: root.base64,
                                       ledgerSize: size, stationKeys: boundKeys(ctx.plan.entries).map(\.description))
    }
}

/// The station keys bound by `entries`: entry 0's `stations`, then each `station.add` key.
func boundKeys(_ entries: [SignedEntry]) -> [VerifierKey] {
    var keys = [VerifierKey]()
    for e in entries {
        let values: [CanonicalJSON] = switch e.entry.action {
        case .caseInit: e.entry.payload["stations"]?.arrayValue ?? []
        case .stationAdd: [e.entry.payload["key"]].compactMap { $0 }
        default: []
        }
        for v in values { if let k = v.stringValue.flatMap({ try? VerifierKey(parsing: $0) }), !keys.contains(k) { keys.append(k) } }
    }
    return keys
}

/// Writes evidence bundles (docs/VERIFYING.md).
///
/// Order, so that nothing is circular:
/// 1. check the case (`CaseStore.verify`), take one snapshot, plan the export;
/// 2. write the sealed files (`sealedProducers`) into a temporary folder beside `--out`;
/// 3. append the `export.bundle` entry carrying the SHA-256 of their manifest lines — only if
///    the ledger has not grown since the snapshot;
/// 4. sign a checkpoint of the ledger up to and including that entry (kept in the case too);
/// 5. write `ledger.jsonl` (the exported lines and the export entry, byte for byte),
///    `checkpoint`, and one `proofs/<seq>.tlog-proof` per line of `ledger.jsonl`;
/// 6. write `MANIFEST.sha256` over every file; with `zip`, write the ZIP under a temporary name;
///    then rename the folder to `--out` and the ZIP to `--out`.zip.
public enum Exporter {
    public struct Options: Sendable {
        public var out: String
        public var items: [String]
        public var redactPins: Bool
        /// Also write the bundle as one ZIP file, `BundleZip.path(of: out)`.
        public var zip: Bool
        public var examiner: String
        public var tool: ToolIdentity
        /// The language of the report (`--lang`); nil: the case's language (English for a case
        /// from before languages). The CSV tables and the CASE/UCO graph are the same in every language.
        public var language: Language?
        public init(out: String, items: [String] = [], redactPins: Bool = false, zip: Bool = false, examiner: String, tool: ToolIdentity,
                    language: Language? = nil) {
            self.out = out; self.items = items; self.redactPins = redactPins; self.zip = zip; self.examiner = examiner; self.tool = tool
            self.language = language
        }
    }

    public struct Result: Sendable {
        public var out: String
        /// The ZIP file, when `Options.zip` asked for one.
        public var zip: String?
        public var exportEntry: SignedEntry
        public var checkpoint: Checkpoint
        public var manifest: Manifest
        public var items: Int
        public var entries: Int
        public var acquisitions: Int
        public var proofs: Int
        /// Temporary folders and ZIP files of earlier exports to the same `--out` whose process
        /// had ended (killed, crashed), removed before this export began (`BundleWriter.removeStalePartials`).
        public var removedPartials: [String]
    }

    /// The sealed files every bundle holds, in writing order.
    public static let sealedProducers: [FileProducer] = [.keys, .examiners, .acquisitions, .scans, .inventory, .custodyEvents, .caseGraph, .report]

    public static func export(store: CaseStore, options: Options,
                              producers: [FileProducer] = sealedProducers) throws(ExportError) -> Result {
        let fm = FileManager.default
        // Absolute: Foundation's path helpers trap on some relative one-component paths.
        let outURL = URL(fileURLWithPath: options.out).standardizedFileURL
        let out = outURL.path
        let zipURL = URL(fileURLWithPath: BundleZip.path(of: out))
        for taken in [outURL] + (options.zip ? [zipURL] : []) where fm.fileExists(atPath: taken.path) { throw .outExists(taken.path) }
        let removedPartials = BundleWriter.removeStalePartials(of: outURL) + BundleWriter.removeStalePartials(of: zipURL)
        let verification: CaseVerification
        do { verification = try store.verify() } catch { throw .caseStore(error) }
        if let failure = verification.failure {
            throw .caseUnreadable("case \(store.directory) does not verify (\(failure)): run `custody ledger verify`; no bundle written")
        }
        let snapshot: CaseSnapshot
        do { snapshot = try store.snapshot() } catch { throw .caseStore(error) }
        let plan = try ExportPlan(snapshot: snapshot, selected: options.items, redactPins: options.redactPins)

        let temp = outURL.deletingLastPathComponent()
            .appendingPathComponent(BundleWriter.partialPrefix(of: outURL) + UUID().uuidString.prefix(8).lowercased()).path
        var writer = BundleWriter(root: temp)
        defer { writer.unlock() }
        var zip: BundleZip.Partial? = nil
        defer { zip?.discard() }
        do throws(ExportError) {
            try writer.createRoot()
            let language: Language
            if let chosen = options.language { language = chosen } else {
                do { language = try store.language() } catch { throw .caseStore(error) }
            }
            let context = ExportContext(store: store, plan: plan, tool: options.tool, language: language)
            for p in producers {
                let files: [BundleFile]
                do { files = try p.produce(context) } catch { throw ExportError.io("cannot make the bundle's \(p.name): \(error); no bundle written") }
                for f in files { try writer.write(f) }
            }
            let sealed = Manifest(writer.written)
            let payload: [String: CanonicalJSON] = [
                "manifestSHA256": .string(sealed.sealedSHA256), "files": .integer(Int64(sealed.lines.count)),
                "scope": .string(plan.isSubset ? "items" : "all"), "selected": .array(plan.selected.map { .string($0) }),
                "items": .integer(Int64(plan.items.count)), "entries": .integer(Int64(plan.entries.count)),
                "redacted": .array(plan.redactPins ? [.string(Redaction.pins)] : []), "tool": .string("\(options.tool.name) \(options.tool.version)"),
            ]
            let entry: SignedEntry
            let note: SignedNote, checkpoint: Checkpoint, tree: MerkleTree
            do {
                entry = try store.append(examiner: options.examiner, action: BundleLayout.exportAction, subjects: plan.selected,
                                         payload: payload, expectedSequence: Int64(snapshot.lines.count))
                (checkpoint, note, tree, _) = try store.checkpoint(size: snapshot.lines.count + 1)
            } catch { throw ExportError.caseStore(error) }

            let lines = plan.entries + [entry]
            var jsonl = Data()
            for e in lines { jsonl.append(contentsOf: e.lineBytes); jsonl.append(0x0A) }
            try writer.write(BundleFile(path: BundleLayout.ledger, data: jsonl))
            try writer.write(BundleFile(path: BundleLayout.checkpoint, data: Data(note.serialized.utf8)))
            let prover: InclusionProver
            do { prover = try tree.prover(size: checkpoint.size) } catch { throw ExportError.io("cannot build the inclusion proofs: \(error); no bundle written") }
            for e in lines {
                let seq = e.entry.sequence
                let path: InclusionProof
                do { path = try prover.proof(index: Int(seq)) } catch { throw ExportError.io("cannot prove entry \(seq): \(error); no bundle written") }
                let proof = TlogProof(index: Int(seq), extra: e.lineBytes, hashes: path.hashes, checkpointNote: note.serialized)
                try writer.write(BundleFile(path: BundleLayout.proofPath(seq), data: Data(proof.serialized.utf8)))
            }
            let manifest = Manifest(writer.written)
            try writer.write(BundleFile(path: BundleLayout.manifest, data: Data(manifest.text.utf8)))
            if options.zip {
                do { zip = try BundleZip.writePartial(bundle: temp, for: zipURL.path) } catch { throw ExportError.io("\(error); no bundle written") }
            }
            try writer.finish(renamingTo: out)
            if zip != nil {
                do { try zip?.name() } catch { throw ExportError.io("the bundle \(out) is complete, but its ZIP was not written: \(error)") }
            }
            return Result(out: out, zip: zip?.zip, exportEntry: entry, checkpoint: checkpoint, manifest: manifest, items: plan.items.count,
                          entries: plan.entries.count, acquisitions: plan.acquisitions.count, proofs: lines.count,
                          removedPartials: removedPartials)
        } catch {
            try? fm.removeItem(atPath: temp)
            throw error
        }
    }
}

/// Writes files under a temporary root, remembering each one's SHA-256, then flushes them to
/// disk and renames the root.
///
/// The temporary root `.<name>.partial-<random>` is locked (`flock`, exclusive) by the writing
/// process for as long as it runs: the kernel drops the lock when the process ends, however it
/// ends. A `kill -9` leaves the folder behind; the next export to the same `--out` finds it
/// unlocked and removes it (`removeStalePartials`), while the folder of an export still running
/// is locked and left alone. The ZIP of `export --zip` is written the same way, as the file
/// `.<name>.zip.partial-<random>` (`BundleZip.writePartial`).
///
/// Files are written with plain `write(2)` and flushed once, by `sync()` before the rename:
/// Foundation's `Data.write(to:)` fsyncs every file, which made a bundle of the seizure's size
/// (≈ 27,000 files, most of them proofs) wait for ≈ 27,000 disk flushes (docs/BENCHMARKS.md,
/// "Export and verify"). Either way the files are on disk before the bundle gets its name.
struct BundleWriter {
    let root: String
    /// Path → SHA-256 of every file written.
    private(set) var written = [String: String]()
    /// Folders under `root` already created.
    private var folders = Set<String>()
    /// The open root folder whose lock marks the export as running; -1 when not held.
    private var lockDescriptor: Int32 = -1

    init(root: String) { self.root = root }

    /// The name every temporary root of an export to `out` starts with: `.<name>.partial-`.
    static func partialPrefix(of out: URL) -> String { ".\(out.lastPathComponent).partial-" }

    /// Creates the root and locks it.
    mutating func createRoot() throws(ExportError) {
        do { try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: false) } catch {
            throw .io("cannot create \(root): \(error.localizedDescription); check the folder of --out and its permissions; no bundle written")
        }
        lockDescriptor = Self.lock(root)
        guard lockDescriptor >= 0 else {
            throw .io("cannot lock \(root): \(String(cString: strerror(errno))); no bundle written")
        }
    }

    /// Releases the root's lock (after the rename, or on failure).
    mutating func unlock() {
        if lockDescriptor >= 0 { close(lockDescriptor) }
        lockDescriptor = -1
    }

    /// An open descriptor of folder or file `path` (not a symbolic link) holding its exclusive
    /// lock, or -1 (errno says why; EWOULDBLOCK: another process holds it).
    static func lock(_ path: String) -> Int32 {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return -1 }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let saved = errno
            close(fd)
            errno = saved
            return -1
        }
        return fd
    }

    /// Removes the temporary roots (or ZIP files) of earlier exports to `out` that no running
    /// process holds: folders and regular files (not symbolic links) named `.<name>.partial-…`
    /// beside `out` whose lock can be taken. Returns their names; one that cannot be removed is
    /// left and not listed.
    static func removeStalePartials(of out: URL) -> [String] {
        let parent = out.deletingLastPathComponent().path
        let prefix = partialPrefix(of: out)
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: parent) else { return [] }
        var removed = [String]()
        for name in names.sorted() where name.hasPrefix(prefix) {
            let path = (parent as NSString).appendingPathComponent(name)
            var info = stat()
            guard lstat(path, &info) == 0, [S_IFDIR, S_IFREG].contains(info.st_mode & S_IFMT) else { continue }
            let fd = lock(path)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            if (try? fm.removeItem(atPath: path)) != nil { removed.append(name) }
        }
        return removed
    }

    mutating func write(_ file: BundleFile) throws(ExportError) {
        let path = (root as NSString).appendingPathComponent(file.path)
        let folder = (path as NSString).deletingLastPathComponent
        do {
            if !folders.contains(folder) {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                folders.insert(folder)
            }
        } catch {
            throw .io("cannot create \(folder): \(error.localizedDescription); check free space; no bundle written")
        }
        if let failure = createFile(path, file.data) {
            throw .io("cannot write \(path): \(failure); check free space; no bundle written")
        }
        written[file.path] = BundleLayout.sha256(file.data)
    }

    /// Flushes every file to disk, then renames the finished folder to `out`, which must still not exist.
    func finish(renamingTo out: String) throws(ExportError) {
        guard !FileManager.default.fileExists(atPath: out) else { throw .outExists(out) }
        sync()
        guard rename(root, out) == 0 else {
            throw .io("cannot rename \(root) to \(out): \(String(cString: strerror(errno))); no bundle written")
        }
    }
}

/// Creates `path` (it must not exist) holding `data`; nil, or why it failed.
private func createFile(_ path: String, _ data: Data) -> String? {
    // 0o666 less the umask, as Foundation created them.
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
    guard fd >= 0 else { return String(cString: strerror(errno)) }
    var failure: String? = nil
    data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
        var offset = 0
        while offset < buffer.count, failure == nil {
            let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if n < 0, errno != EINTR { failure = String(cString: strerror(errno)) } else if n > 0 { offset += n }
        }
    }
    if close(fd) != 0, failure == nil { failure = String(cString: strerror(errno)) }
    return failure
}
