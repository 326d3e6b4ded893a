import ByteText
import CaseStore
import Crypto
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Ledger
import Synchronization
import Wording

/// What a file producer gets: the open case, the plan (a consistent snapshot and what it
/// selects), the tool's name and version, and the language of the bundle's human parts.
public struct ExportContext: Sendable {
    public let store: CaseStore
    public let plan: ExportPlan
    public let tool: ToolIdentity
    /// The court report's language (`Exporter.Options.language`, else the case's).
    public let language: Language

    /// Calls `body` with each exported entry (before the export entry), in ledger order, each
    /// line read from the store and parsed as it comes.
    public func forEachEntry(_ body: (SignedEntry) throws -> Void) throws {
        try store.forEachLine(below: plan.size) { r in
            guard plan.exports(r.seq) else { return }
            try body(try SignedEntry(line: Array(r.line)))
        }
    }
}

/// Makes one kind of sealed file (written before the export entry, covered by its manifest
/// hash). Adding a file to bundles is one more producer in `Exporter.sealedProducers`, and one
/// more checker in `BundleVerifier.fileCheckers`.
///
/// A producer writes its files into the bundle as it makes them (`BundleWriter.stream`, or
/// `write` for a small file), so that no file of the bundle is held whole in memory; the
/// writer hashes the bytes on their way to disk for the manifest. Producers run beside each
/// other (`Exporter.produceConcurrently`): each writes only its own files and reads only the
/// store and the plan.
public struct FileProducer: Sendable {
    public var name: String
    public var produce: @Sendable (ExportContext, BundleWriter) throws -> Void
    public init(name: String, produce: @escaping @Sendable (ExportContext, BundleWriter) throws -> Void) {
        self.name = name
        self.produce = produce
    }
}

extension FileProducer {
    /// `keys/<key ID>.pub`: every station key the exported ledger binds, in verifier-key form.
    public static let keys = FileProducer(name: "keys") { ctx, bundle in
        for key in ctx.plan.boundKeys { try bundle.write(BundleLayout.keyPath(key), Data((key.description + "\n").utf8)) }
    }
    public static let examiners = FileProducer(name: "examiners") { ctx, bundle in
        try bundle.write(BundleLayout.examiners, try RosterDocument.json(ctx.plan.snapshot.examiners))
    }
    /// `acquisitions/<seq>.json`, byte for byte as stored (or `<seq>.redacted.json`), one
    /// record at a time from the store.
    public static let acquisitions = FileProducer(name: "acquisitions") { ctx, bundle in
        try ctx.store.forEachAcquisition(below: ctx.plan.size) { a in
            guard ctx.plan.exports(a.seq) else { return }
            if ctx.plan.redactPins {
                try bundle.write(BundleLayout.acquisitionPath(a.seq, redacted: true), try Redaction.redactPINs(a.record, recordSHA256: a.recordSHA256))
            } else {
                try bundle.write(BundleLayout.acquisitionPath(a.seq, redacted: false), a.record)
            }
        }
    }
    public static let inventory = FileProducer(name: "inventory") { ctx, bundle in
        try bundle.stream(BundleLayout.inventory) { file throws(ExportError) in try InventoryTable.write(ctx.plan, to: file) }
    }
    public static let custodyEvents = FileProducer(name: "custody events") { ctx, bundle in
        try bundle.stream(BundleLayout.custody) { file in try CustodyTable.write(ctx, to: file) }
    }
    /// `case.jsonld`: the exported items and their entries as CASE/UCO (docs/CASE-UCO.md).
    public static let caseGraph = FileProducer(name: "CASE/UCO graph") { ctx, bundle in
        let items = ctx.plan.isSubset ? Set(ctx.plan.itemLabels) : nil
        try bundle.stream(BundleLayout.caseGraph) { file in
            try CASEGraph.write(store: ctx.store, size: ctx.plan.size, items: items, catalog: ctx.plan.snapshot.items, tool: ctx.tool,
                                time: Date()) { try file.write($0) }
        }
    }
}

extension FileProducer {
    /// `report.html`, the court report (docs/REPORT.md), with its further pages (`report/0002.html`
    /// …) when it is long, streamed from the store (`CourtReport.writePages`). Sealed like the
    /// other files, so the report describes the ledger before the export entry: its size and
    /// Merkle root at the snapshot.
    public static let reportPages = FileProducer(name: "court report") { ctx, bundle in
        try withScratch("custody-report-pages") { scratch in
            _ = try CourtReport.writePages(try ReportContent(plan: ctx.plan, store: ctx.store), language: ctx.language,
                                           tool: ctx.tool, verification: try reportFacts(ctx), time: Date(), scratch: scratch, into: bundle)
        }
    }

    /// `report.pdf`, printed by headless Chromium: for the whole case the summary report
    /// (`CourtReport.summary`), for `--items` the report itself. A producer of its own, beside
    /// the pages: it needs nothing of them, and Chromium is a process of its own.
    public static let reportPDF = FileProducer(name: "court report PDF") { ctx, bundle in
        try withScratch("custody-report") { scratch in
            let pdfFile = scratch.appendingPathComponent(BundleLayout.reportPDF)
            if ctx.plan.isSubset {
                let report = try CourtReport.document(try ReportContent(plan: ctx.plan, store: ctx.store), language: ctx.language, tool: ctx.tool,
                                                      verification: try reportFacts(ctx), time: Date())
                try CourtReport.renderPDF(report, pdf: pdfFile, scratch: scratch)
            } else {
                let summary = scratch.appendingPathComponent("summary.html")
                try Data(try CourtReport.summary(store: ctx.store, language: ctx.language, tool: ctx.tool, verification: try reportFacts(ctx), time: Date()).utf8)
                    .write(to: summary)
                try CourtReport.renderPDF(html: summary, pdf: pdfFile)
            }
            try bundle.copy(BundleLayout.reportPDF, from: pdfFile.path)
        }
    }

    /// Runs `body` with a new temporary folder, removed afterwards.
    private static func withScratch(_ name: String, _ body: (URL) throws -> Void) throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        try body(scratch)
    }

    /// The ledger as the report describes it: before the export entry (the snapshot).
    public static func reportFacts(_ ctx: ExportContext) throws -> ReportVerificationFacts {
        let size = ctx.plan.size
        let root = try ctx.store.tree(size: size).0.root()
        return ReportVerificationFacts(ledgerEntries: ctx.plan.entryCount, ledgerRoot: root.base64,
                                       ledgerSize: size, stationKeys: ctx.plan.boundKeys.map(\.description))
    }
}

/// Writes evidence bundles (docs/VERIFYING.md).
///
/// Order, so that nothing is circular:
/// 1. take one snapshot, plan the export, and write the sealed files (`sealedProducers`, beside
///    each other: `produceConcurrently`) into a temporary folder beside `--out`, while the case
///    is checked (`CaseStore.verify`) beside them: a case that does not verify gets no bundle
///    (`planAndProduce`);
/// 2. append the `export.bundle` entry carrying the SHA-256 of their manifest lines — only if
///    the ledger has not grown since the snapshot;
/// 3. sign a checkpoint of the ledger up to and including that entry (kept in the case too);
/// 4. write `ledger.jsonl` (the exported lines and the export entry, byte for byte),
///    `checkpoint`, and the inclusion proof of every line of `ledger.jsonl` in `proofs.jsonl`
///    with its offset index `proofs.idx` (`ProofFile`);
/// 5. write `MANIFEST.sha256` over every file; with `zip`, write the ZIP under a temporary name;
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

    /// The sealed files every bundle holds, in the order they are started (`produceConcurrently`).
    /// The PDF first: after its summary's HTML it waits for Chromium, a process of its own that
    /// keeps one core busy (≈ 12 s at ten times the seizure), so it is best started while the
    /// other producers still have work for the other core; then the CASE/UCO graph and the
    /// report's pages (≈ 30 s each at that scale), then the short ones (docs/BENCHMARKS.md).
    public static let sealedProducers: [FileProducer] = [.reportPDF, .caseGraph, .reportPages, .messages, .acquisitions, .custodyEvents, .inventory,
                                                         .scans, .examiners, .keys]

    /// Runs `producers` beside each other, as many at once as there are cores, each taken by
    /// the next free core in order (`concurrentMap(eachAlone:)`); they share nothing but the
    /// store (SQLite readers, each at the snapshot's size) and the writer (its records locked).
    /// The order of `sealedProducers` decides what starts first. When several fail, the first in
    /// order is thrown.
    static func produceConcurrently(_ producers: [FileProducer], _ context: ExportContext, _ writer: BundleWriter) throws(ExportError) {
        let outcomes = producers.concurrentMap(eachAlone: true) { p -> Swift.Result<Void, ExportError> in
            do { try p.produce(context, writer) } catch let failed as ExportError { return .failure(failed) } catch {
                return .failure(.io("cannot make the bundle's \(p.name): \(error); no bundle written"))
            }
            return .success(())
        }
        for case .failure(let failed) in outcomes { throw failed }
    }

    /// Verifies the case (every entry's signature, the chain, the stored checkpoints: `CaseStore.verify`)
    /// beside taking the snapshot, planning and making the sealed files, then throws if it does
    /// not verify: whatever the producers wrote is then removed with the partial bundle. The
    /// verification was a third of a ten-times seizure's export when it ran first, alone
    /// (docs/BENCHMARKS.md); it covers at least the snapshot's entries, as it reads the ledger
    /// after the snapshot was taken. A failure of the verification is the one reported, as the
    /// other failures of a case that does not verify follow from it.
    static func planAndProduce(store: CaseStore, options: Options, language: Language, producers: [FileProducer],
                               into writer: BundleWriter) throws(ExportError) -> ExportPlan {
        try writer.createRoot()
        let verification = BackgroundWork { Swift.Result { () throws(CaseStoreError) in try store.verify() } }
        let made = Swift.Result { () throws(ExportError) -> ExportPlan in
            let snapshot: CaseSnapshot
            do throws(CaseStoreError) { snapshot = try store.snapshot() } catch { throw .caseStore(error) }
            let plan = try ExportPlan(store: store, snapshot: snapshot, selected: options.items, redactPins: options.redactPins)
            try produceConcurrently(producers, ExportContext(store: store, plan: plan, tool: options.tool, language: language), writer)
            return plan
        }
        switch verification.wait() {
        case .failure(let error): throw .caseStore(error)
        case .success(let verified):
            if let failure = verified.failure {
                throw .caseUnreadable("case \(store.directory) does not verify (\(failure)): run `custody ledger verify`; no bundle written")
            }
        }
        return try made.get()
    }

    public static func export(store: CaseStore, options: Options,
                              producers: [FileProducer] = sealedProducers) throws(ExportError) -> Result {
        let fm = FileManager.default
        // Absolute: Foundation's path helpers trap on some relative one-component paths.
        let outURL = URL(fileURLWithPath: options.out).standardizedFileURL
        let out = outURL.path
        let zipURL = URL(fileURLWithPath: BundleZip.path(of: out))
        for taken in [outURL] + (options.zip ? [zipURL] : []) where fm.fileExists(atPath: taken.path) { throw .outExists(taken.path) }
        let removedPartials = BundleWriter.removeStalePartials(of: outURL) + BundleWriter.removeStalePartials(of: zipURL)
        for label in options.items {
            let found: ItemRecord?
            do { found = try store.item(label) } catch { throw .caseStore(error) }
            if found == nil { throw .unknownItem(label) }
        }
        let language: Language
        if let chosen = options.language { language = chosen } else {
            do { language = try store.language() } catch { throw .caseStore(error) }
        }

        let temp = outURL.deletingLastPathComponent()
            .appendingPathComponent(BundleWriter.partialPrefix(of: outURL) + UUID().uuidString.prefix(8).lowercased()).path
        let writer = BundleWriter(root: temp)
        defer { writer.unlock() }
        var zip: BundleZip.Partial? = nil
        defer { zip?.discard() }
        do throws(ExportError) {
            let plan = try Self.planAndProduce(store: store, options: options, language: language, producers: producers, into: writer)
            let sealed = Manifest(writer.written)
            let payload: [String: CanonicalJSON] = [
                "manifestSHA256": .string(sealed.sealedSHA256), "files": .integer(Int64(sealed.lines.count)),
                "scope": .string(plan.isSubset ? "items" : "all"), "selected": .array(plan.selected.map { .string($0) }),
                "items": .integer(Int64(plan.items.count)), "entries": .integer(Int64(plan.entryCount)),
                "redacted": .array(plan.redactPins ? [.string(Redaction.pins)] : []), "tool": .string("\(options.tool.name) \(options.tool.version)"),
            ]
            let entry: SignedEntry
            let note: SignedNote, checkpoint: Checkpoint, tree: MerkleTree
            do {
                entry = try store.append(examiner: options.examiner, action: BundleLayout.exportAction, subjects: plan.selected,
                                         payload: payload, expectedSequence: Int64(plan.size))
                (checkpoint, note, tree, _) = try store.checkpoint(size: plan.size + 1)
            } catch { throw ExportError.caseStore(error) }

            var sequences = [Int64]()
            sequences.reserveCapacity(plan.entryCount + 1)
            try writer.stream(BundleLayout.ledger) { file throws(ExportError) in
                do {
                    try store.forEachLine(below: plan.size) { r in
                        guard plan.exports(r.seq) else { return }
                        try file.write(r.line)
                        try file.write(CollectionOfOne(0x0A))
                        sequences.append(r.seq)
                    }
                } catch let e as ExportError { throw e } catch let e as CaseStoreError { throw .caseStore(e) } catch {
                    throw .io("cannot read the ledger: \(error); no bundle written")
                }
                try file.write(entry.lineBytes)
                try file.write(CollectionOfOne(0x0A))
                sequences.append(entry.entry.sequence)
            }
            try writer.write(BundleLayout.checkpoint, Data(note.serialized.utf8))
            let prover: InclusionProver
            do { prover = try tree.prover(size: checkpoint.size) } catch { throw ExportError.io("cannot build the inclusion proofs: \(error); no bundle written") }
            var offsets = [Int]()
            offsets.reserveCapacity(sequences.count)
            try writer.stream(BundleLayout.proofLines) { file throws(ExportError) in
                var offset = 0
                for seq in sequences {
                    let path: InclusionProof
                    do { path = try prover.proof(index: Int(seq)) } catch { throw ExportError.io("cannot prove entry \(seq): \(error); no bundle written") }
                    let line = ProofFile.line(index: Int(seq), hashes: path.hashes)
                    try file.write(line)
                    try file.write(CollectionOfOne(0x0A))
                    offsets.append(offset)
                    offset += line.count + 1
                }
            }
            try writer.stream(BundleLayout.proofIndex) { file throws(ExportError) in
                for (seq, offset) in Swift.zip(sequences, offsets) { try file.write(ProofFile.indexLine(seq: seq, offset: offset)) }
            }
            let manifest = Manifest(writer.written)
            try writer.write(BundleLayout.manifest, Data(manifest.text.utf8))
            if options.zip {
                do { zip = try BundleZip.writePartial(bundle: temp, for: zipURL.path) } catch { throw ExportError.io("\(error); no bundle written") }
            }
            try writer.finish(renamingTo: out)
            if zip != nil {
                do { try zip?.name() } catch { throw ExportError.io("the bundle \(out) is complete, but its ZIP was not written: \(error)") }
            }
            return Result(out: out, zip: zip?.zip, exportEntry: entry, checkpoint: checkpoint, manifest: manifest, items: plan.items.count,
                          entries: plan.entryCount, acquisitions: plan.acquisitions.count, proofs: plan.entryCount + 1,
                          removedPartials: removedPartials)
        } catch {
            try? fm.removeItem(atPath: temp)
            throw error
        }
    }
}

/// Writes files under a temporary root, hashing each one's bytes (SHA-256) as they are written,
/// then flushes them to disk and renames the root. A file is written whole (`write`), streamed
/// as a producer makes it (`stream`), or copied from a file (`copy`); none is read back.
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
///
/// Producers write beside each other (`Exporter.produceConcurrently`): each file is one
/// producer's, and what the writer records of all of them is kept under a lock
/// (`@unchecked Sendable`: `root` is constant, `records` locked, the root's lock taken and
/// released by the exporting thread only, before and after the producers).
public final class BundleWriter: @unchecked Sendable {
    let root: String
    /// Path → SHA-256 of every file written, and the folders under `root` already created.
    private let records = Mutex<(written: [String: String], folders: Set<String>)>(([:], []))
    /// Path → SHA-256 of every file written.
    var written: [String: String] { records.withLock { $0.written } }
    /// The open root folder whose lock marks the export as running; -1 when not held.
    private var lockDescriptor: Int32 = -1

    init(root: String) { self.root = root }

    /// The name every temporary root of an export to `out` starts with: `.<name>.partial-`.
    static func partialPrefix(of out: URL) -> String { ".\(out.lastPathComponent).partial-" }

    /// Creates the root and locks it.
    func createRoot() throws(ExportError) {
        do { try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: false) } catch {
            throw .io("cannot create \(root): \(error.localizedDescription); check the folder of --out and its permissions; no bundle written")
        }
        lockDescriptor = Self.lock(root)
        guard lockDescriptor >= 0 else {
            throw .io("cannot lock \(root): \(String(cString: strerror(errno))); no bundle written")
        }
    }

    /// Releases the root's lock (after the rename, or on failure).
    func unlock() {
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

    /// Writes the file `path` (relative to the bundle) holding `data`.
    public func write(_ path: String, _ data: some DataProtocol) throws(ExportError) {
        try stream(path) { file throws(ExportError) in try file.write(data) }
    }

    /// Copies the file at `source` into the bundle as `path`, in pieces.
    public func copy(_ path: String, from source: String) throws(ExportError) {
        guard let input = FileHandle(forReadingAtPath: source) else {
            throw .io("cannot read \(source) for the bundle's \(path): \(String(cString: strerror(errno))); no bundle written")
        }
        defer { try? input.close() }
        try stream(path) { file throws(ExportError) in
            while true {
                let piece: Data?
                do { piece = try input.read(upToCount: BundleFileStream.bufferSize) } catch {
                    throw .io("cannot read \(source) for the bundle's \(path): \(error.localizedDescription); no bundle written")
                }
                guard let piece, !piece.isEmpty else { return }
                try file.write(piece)
            }
        }
    }

    /// Writes the file `path` (relative to the bundle) as `body` hands its bytes to the stream;
    /// the file is hashed as it is written and never held whole in memory.
    public func stream<E: Error>(_ path: String, _ body: (BundleFileStream) throws(E) -> Void) throws(ExportError) {
        let full = (root as NSString).appendingPathComponent(path)
        let folder = (full as NSString).deletingLastPathComponent
        do {
            if !records.withLock({ $0.folders.contains(folder) }) {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                records.withLock { _ = $0.folders.insert(folder) }
            }
        } catch {
            throw .io("cannot create \(folder): \(error.localizedDescription); check free space; no bundle written")
        }
        // 0o666 less the umask, as Foundation created them.
        let fd = open(full, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw .io("cannot write \(full): \(String(cString: strerror(errno))); check free space; no bundle written") }
        let file = BundleFileStream(descriptor: fd, path: full)
        defer { file.close() }
        do { try body(file) } catch let failed as ExportError { throw failed } catch {
            throw .io("cannot make the bundle's \(path): \(error); no bundle written")
        }
        let sha256 = try file.finish()
        records.withLock { $0.written[path] = sha256 }
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

/// One file of a bundle being written: bytes are buffered, hashed and written in pieces of
/// `bufferSize`.
public final class BundleFileStream {
    static let bufferSize = 1 << 20
    private var descriptor: Int32
    private let path: String
    private var buffer = [UInt8]()
    private var hash = SHA256()

    init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
        buffer.reserveCapacity(Self.bufferSize)
    }

    /// Appends `bytes` to the file.
    public func write(_ bytes: some Sequence<UInt8>) throws(ExportError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.bufferSize { try flush() }
    }

    /// Appends `text` as UTF-8.
    public func write(_ text: String) throws(ExportError) {
        try write(text.utf8)
    }

    private func flush() throws(ExportError) {
        hash.update(data: buffer)
        let failure = buffer.withUnsafeBytes { writeAll(descriptor, $0) }
        buffer.removeAll(keepingCapacity: true)
        if let failure { throw .io("cannot write \(path): \(failure); check free space; no bundle written") }
    }

    /// Writes what is buffered, closes the file, and returns its SHA-256 (lowercase hex).
    func finish() throws(ExportError) -> String {
        try flush()
        let fd = descriptor
        descriptor = -1
        if closeDescriptor(fd) != 0 { throw .io("cannot write \(path): \(String(cString: strerror(errno))); check free space; no bundle written") }
        return Hex.lowercase(Array(hash.finalize()))
    }

    /// Closes the file if `finish` did not (a failed write).
    func close() {
        if descriptor >= 0 { _ = closeDescriptor(descriptor) }
        descriptor = -1
    }
}

/// Writes all of `bytes` to `fd`; nil, or why it failed.
private func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> String? {
    var offset = 0
    while offset < bytes.count {
        let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
        if n < 0, errno != EINTR { return String(cString: strerror(errno)) } else if n > 0 { offset += n }
    }
    return nil
}

/// `close(2)`, under a name the stream's own `close()` does not hide.
private func closeDescriptor(_ fd: Int32) -> Int32 { close(fd) }
