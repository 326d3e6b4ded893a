import BenchmarkCase
import BenchmarkSupport
// export-bench: `custody export` and `custody verify` of a whole case at the seizure's scale
// (CONTEXT.md) and ten times it, each as a child process (time and peak memory), beside
// baselines measured in the same run: `sqlite3 -csv` dumping the same rows for export; SHA-256 of
// the bundle's bytes plus raw Ed25519 verification of its ledger's signatures for verify
// (docs/BENCHMARKS.md, "Export and verify"). Scripts/bench-export runs it in a temporary folder.
import CaseStore
import Crypto
import Export
import Foundation
import Ledger
import SIMCard

struct Options {
    var directory: String?
    var scales: [Double] = [1, 10]
    var seed: UInt64 = 2021
    var entriesPerScale = 20_000
    var fullEvery = 10
    var records = "Benchmarks/Export/Records"
    var custody: String?
    var verifier = "Scripts/verify-bundle.py"
    var json = false

    static let usage = """
        usage: export-bench --dir DIR --custody PATH [--scales 1,10] [--seed N] [--entries N] [--full-every K]
                            [--records DIR] [--verifier PATH] [--json]
               export-bench --verify-baseline BUNDLE      (the verify baseline, run by the bench as a child)
               export-bench --breakdown CASE OUT          (the in-process export's parts alone, on a kept case;
                                                           EXPORT_BENCH_TIMELINE=1 also notes when each producer ran)
          --dir DIR          an empty or new folder for the cases, bundles and baseline dumps (required)
          --custody PATH     the custody binary to time (required)
          --scales LIST      seizure scales, comma separated (default 1,10)
          --seed N           catalog seed (default 2021)
          --entries N        ledger entries at scale 1, multiplied by the scale (default 20000)
          --full-every K     every K-th SIM gets a full read instead of an identity read (default 10)
          --records DIR      identity.json and full.json: the acquisition records copied per SIM
          --verifier PATH    the independent Python verifier (default Scripts/verify-bundle.py)
          --json             one JSON document (schema custody.bench.export/1) on stdout
        """

    static func parse(_ args: [String]) -> Options {
        var o = Options()
        var reader = OptionReader(args, usage: usage)
        while let argument = reader.next() {
            switch argument {
            case "--dir": o.directory = reader.value("--dir")
            case "--custody": o.custody = reader.value("--custody")
            case "--scales": o.scales = reader.positiveNumbers("--scales")
            case "--seed": o.seed = reader.seed("--seed")
            case "--entries": o.entriesPerScale = reader.count("--entries", minimum: 1)
            case "--full-every": o.fullEvery = reader.count("--full-every", minimum: 1)
            case "--records": o.records = reader.value("--records")
            case "--verifier": o.verifier = reader.value("--verifier")
            case "--json": o.json = true
            case "-h", "--help": print(usage); exit(0)
            default: fail("unknown argument \(argument)\n\(usage)")
            }
        }
        guard o.directory != nil, o.custody != nil else { fail("--dir and --custody are required\n\(usage)") }
        return o
    }
}

// MARK: The verify baseline (child mode)

/// What the verify baseline did: every bundle file read and hashed, every ledger line's
/// signature verified with swift-crypto, nothing else.
struct VerifyBaseline: Codable {
    var files: Int
    var bytes: Int64
    var signatures: Int
    var hashSeconds: Double
    var verifySeconds: Double
}

/// SHA-256 of every file under `bundle` (read whole, one at a time), then Ed25519 verification of
/// each `ledger.jsonl` line's signature over the domain prefix and the body (docs/LEDGER.md §4)
/// with the bundle's station key. No parsing beyond the line's fixed frame.
func verifyBaseline(bundle: String) -> VerifyBaseline {
    var files = 0, bytes: Int64 = 0
    let hashSeconds = timed {
        guard let walker = FileManager.default.enumerator(atPath: bundle) else { fail("cannot list \(bundle)") }
        while let relative = walker.nextObject() as? String {
            guard walker.fileAttributes?[.type] as? FileAttributeType == .typeRegular,
                  let data = FileManager.default.contents(atPath: bundle + "/" + relative) else { continue }
            _ = BundleLayout.sha256(data)
            files += 1
            bytes += Int64(data.count)
        }
    }
    guard let keyFile = try? FileManager.default.contentsOfDirectory(atPath: bundle + "/keys").first,
          let keyText = try? String(contentsOfFile: bundle + "/keys/" + keyFile, encoding: .utf8),
          let key = try? VerifierKey(parsing: keyText.trimmingCharacters(in: .newlines)),
          let ledger = FileManager.default.contents(atPath: bundle + "/" + BundleLayout.ledger) else {
        fail("\(bundle) has no readable keys/*.pub or ledger.jsonl")
    }
    guard let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: key.publicKey) else { fail("\(keyFile) is not an Ed25519 key") }
    let prefix = Array("{\"entry\":".utf8).count, suffix = 172, signatureStart = 88 + 2
    var signatures = 0
    let verifySeconds = timed {
        for line in [UInt8](ledger).split(separator: 0x0A) {
            let body = line.dropFirst(prefix).dropLast(suffix)
            let signatureText = String(decoding: line.suffix(signatureStart).prefix(88), as: UTF8.self)
            guard let signature = Data(base64Encoded: signatureText),
                  publicKey.isValidSignature(signature, for: LedgerEntry.domainPrefix + body) else {
                fail("ledger.jsonl line \(signatures + 1): the signature does not verify")
            }
            signatures += 1
        }
    }
    return VerifyBaseline(files: files, bytes: bytes, signatures: signatures, hashSeconds: hashSeconds, verifySeconds: verifySeconds)
}

if CommandLine.arguments.count == 3, CommandLine.arguments[1] == "--verify-baseline" {
    let result = verifyBaseline(bundle: CommandLine.arguments[2])
    print(String(decoding: try! JSONEncoder().encode(result), as: UTF8.self))
    exit(0)
}

// MARK: Building the case

guard let sqlite3 = onPath("sqlite3") else { fail("the sqlite3 command is not on PATH: run Scripts/setup (Debian package sqlite3)") }
guard let chromium = onPath("chromium") else { fail("chromium is not on PATH: run Scripts/setup (Debian package chromium)") }
guard let python3 = onPath("python3") else { fail("python3 is not on PATH") }

// While working on the export: the in-process breakdown alone, on a case a run kept (`--dir`).
if CommandLine.arguments.count == 4, CommandLine.arguments[1] == "--breakdown" {
    let store = must("open \(CommandLine.arguments[2])") { try CaseStore.open(directory: CommandLine.arguments[2]) }
    let (b, _) = breakdown(store: store, out: CommandLine.arguments[3], scratch: CommandLine.arguments[3] + "-report")
    print(b.description)
    exit(0)
}

let options = Options.parse(Array(CommandLine.arguments.dropFirst()))
let workDir = options.directory!
let custody = options.custody!

// MARK: Measuring

struct Ratio: Encodable {
    var time: Double
    var memory: Double
    init(_ a: Run, over b: Run) {
        time = a.seconds / b.seconds
        memory = Double(a.peakRSSBytes) / Double(b.peakRSSBytes)
    }
}

/// Seconds per part of an export, timed in the bench's own process (`Exporter.export` with every
/// producer wrapped in a timer; the PDF printed by Chromium as a measured child process).
struct ExportBreakdown: Encodable {
    /// The case's verification timed alone; in the export it runs beside the snapshot, the plan
    /// and the producers (`Exporter.planAndProduce`).
    var caseVerifySeconds: Double
    var snapshotSeconds: Double
    var planSeconds: Double
    /// Producer name → seconds; "court report PDF" holds "summary report HTML" and Chromium
    /// (`pdfSeconds`). The producers run beside
    /// each other (`Exporter.produceConcurrently`), so these add up to more than `producersWallSeconds`.
    var producerSeconds: [String: Double]
    /// From the first producer's start to the last one's end, the PDF included.
    var producersWallSeconds: Double
    /// Chromium printing the PDF (a child process per part document inside the report producer,
    /// two at a time) and qpdf joining the parts.
    var pdfSeconds: Double
    /// Part documents printed (`CourtReport.pdfPartBytes`).
    var pdfParts: Int
    /// The whole in-process export (verify, snapshot and plan again, producers, export entry,
    /// checkpoint, ledger.jsonl, proofs, manifest, rename).
    var exportSeconds: Double
    /// `exportSeconds` less snapshot, plan and the producers' wall time: waiting for the case's
    /// verification when it outlasts them, the export entry, checkpoint, proofs, manifest,
    /// writing the files.
    var restSeconds: Double

    /// One line: the parts in seconds, the producers in the order they are started.
    var description: String {
        "in-process export \(fmt(exportSeconds, 2)) s: case verify alone \(fmt(caseVerifySeconds, 2)) (in the export beside the rest), snapshot \(fmt(snapshotSeconds, 2)), plan \(fmt(planSeconds, 2)), "
            + Exporter.sealedProducers.map { "\($0.name) \(fmt(producerSeconds[$0.name] ?? 0, 2))" }.joined(separator: ", ")
            + ", summary report HTML \(fmt(producerSeconds["summary report HTML"] ?? 0, 2)), PDF \(fmt(pdfSeconds, 2))"
            + " (producers beside each other: \(fmt(producersWallSeconds, 2)) s from first start to last end)"
            + ", waiting for the verification + entry + checkpoint + proofs + manifest + writing \(fmt(restSeconds, 2))"
    }
}

/// Producer timings, written from the producers' `@Sendable` closures. `@unchecked Sendable`:
/// every access holds `lock`.
final class ProducerClock: @unchecked Sendable {
    private let lock = NSLock()
    private var seconds = [String: Double]()
    private let clock = ContinuousClock()
    private var first: ContinuousClock.Instant?, last: ContinuousClock.Instant?

    /// Per producer, when it ended, in seconds from the first producer's start.
    private var ends = [String: Double]()

    func record(_ name: String, _ value: Double) {
        let now = clock.now
        lock.withLock {
            seconds[name, default: 0] += value
            ends[name] = first.map { BenchmarkSupport.seconds(now - $0) }
        }
    }
    var all: [String: Double] { lock.withLock { seconds } }
    /// Each producer as "name start–end" (seconds from the first start), in the order they ended.
    var timeline: [String] {
        lock.withLock {
            ends.sorted { $0.value < $1.value }.map { "\($0.key) \(fmt($0.value - (seconds[$0.key] ?? 0), 1))–\(fmt($0.value, 1))" }
        }
    }

    /// Runs one producer's `body`, widening the span from the first producer's start to the last one's end.
    func spanning(_ body: () throws -> Void) rethrows {
        let start = clock.now
        lock.withLock { first = min(first ?? start, start) }
        defer { let end = clock.now; lock.withLock { last = max(last ?? end, end) } }
        try body()
    }
    var wallSeconds: Double { lock.withLock { first.flatMap { f in last.map { BenchmarkSupport.seconds($0 - f) } } ?? 0 } }
}

/// Chromium printing one part document `html` to `pdf` as the report producer runs it
/// (CourtReportPDF.swift), as its own measured process, stopped after 900 s (`timeout` then exits 124).
@Sendable func printPDF(chromium: String, html: String, pdf: String, scratch: String) -> Run {
    let profile = scratch + "-profile", err = scratch + ".stderr"
    defer { try? FileManager.default.removeItem(atPath: profile) }
    return Run(spawnMeasured("/usr/bin/timeout", ["--kill-after=10", "900", chromium,
                                                  "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--user-data-dir=\(profile)",
                                                  "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                                                  "--disable-background-networking", "--disable-component-update", "--disable-sync", "--mute-audio",
                                                  "--print-to-pdf=\(pdf)", "--no-pdf-header-footer", "--generate-pdf-document-outline",
                                                  URL(fileURLWithPath: html).absoluteString],
                               stderrPath: err), stderrPath: err)
}

/// The in-process export: every producer timed; the report producer makes the full HTML
/// in-process and has Chromium print the summary report as a measured child process (`printPDF`).
func breakdown(store: CaseStore, out: String, scratch: String) -> (ExportBreakdown, Run?) {
    let caseVerify = timed { _ = must("verify the case") { try store.verify() } }
    var snapshot: CaseSnapshot!
    let snapshotSeconds = timed { snapshot = must("snapshot") { try store.snapshot() } }
    let planSeconds = timed { _ = must("plan") { try ExportPlan(store: store, snapshot: snapshot, selected: [], redactPins: false) } }
    snapshot = nil
    let clock = ProducerClock()
    let pdfRun = PDFRun()
    let chromiumPath = chromium
    let producers = Exporter.sealedProducers.map { producer -> FileProducer in
        let isPDF = producer.name == FileProducer.reportPDF.name
        return FileProducer(name: producer.name) { ctx, bundle in try clock.spanning {
            guard isPDF else {
                clock.record(producer.name, try timed { try producer.produce(ctx, bundle) })
                return
            }
            // A whole-case export prints the summary report (as `FileProducer.reportPDF` does);
            // its HTML is timed apart, Chromium as a measured child.
            clock.record(producer.name, try timed {
                let parts = URL(fileURLWithPath: scratch + "-parts"), pdf = parts.appendingPathComponent(BundleLayout.reportPDF)
                try FileManager.default.createDirectory(at: parts, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: parts) }
                let summary = parts.appendingPathComponent("summary.html")
                clock.record("summary report HTML", try timed {
                    try Data(try CourtReport.summary(store: ctx.store, language: ctx.language, tool: ctx.tool,
                                                     verification: try FileProducer.reportFacts(ctx), time: Date()).utf8).write(to: summary)
                })
                var run: Run!
                let printing = timed { run = printPDF(chromium: chromiumPath, html: summary.path, pdf: pdf.path, scratch: summary.deletingPathExtension().path) }
                pdfRun.add(run)
                pdfRun.finish(seconds: printing)
                if run.status == 0 { try bundle.copy(BundleLayout.reportPDF, from: pdf.path) }
            })
        } }
    }
    let options = Exporter.Options(out: out, examiner: clerk, tool: ToolIdentity(name: "custody", version: "bench", build: ""))
    let total = timed { _ = must("export in-process") { try Exporter.export(store: store, options: options, producers: producers) } }
    let seconds = clock.all
    let pdf = pdfRun.value
    if ProcessInfo.processInfo.environment["EXPORT_BENCH_TIMELINE"] != nil { note("producers: " + clock.timeline.joined(separator: ", ")) }
    return (ExportBreakdown(caseVerifySeconds: caseVerify, snapshotSeconds: snapshotSeconds, planSeconds: planSeconds, producerSeconds: seconds,
                            producersWallSeconds: clock.wallSeconds, pdfSeconds: pdf?.seconds ?? 0, pdfParts: pdfRun.parts, exportSeconds: total,
                            restSeconds: total - snapshotSeconds - planSeconds - clock.wallSeconds),
            pdf)
}

/// The Chromium runs made inside the report producer, one per part document, as one run: the
/// time from the first part to the joined PDF (parts printed two at a time, and qpdf), the
/// largest part's peak, the first failure. `@unchecked Sendable`: every access holds `lock`.
final class PDFRun: @unchecked Sendable {
    private let lock = NSLock()
    private var runs = [Run]()
    private var seconds: Double?
    func add(_ r: Run) { lock.withLock { runs.append(r) } }
    func finish(seconds s: Double) { lock.withLock { seconds = s } }
    var parts: Int { lock.withLock { runs.count } }
    var value: Run? {
        lock.withLock {
            guard var run = runs.first(where: { $0.status != 0 }) ?? runs.first else { return nil }
            run.seconds = seconds ?? runs.map(\.seconds).reduce(0, +)
            run.peakRSSBytes = runs.map(\.peakRSSBytes).max() ?? 0
            return run
        }
    }
}

struct BundleShape: Encodable {
    var files: Int
    var bytes: Int64
    /// Bytes of the larger files and of each folder's files together.
    var bytesByPart: [String: Int64]
}

func bundleShape(_ root: String) -> BundleShape {
    var files = 0, bytes: Int64 = 0
    var parts = [String: Int64]()
    guard let walker = FileManager.default.enumerator(atPath: root) else { fail("cannot list \(root)") }
    while let relative = walker.nextObject() as? String {
        guard walker.fileAttributes?[.type] as? FileAttributeType == .typeRegular else { continue }
        let size = (walker.fileAttributes?[.size] as? NSNumber)?.int64Value ?? 0
        files += 1
        bytes += size
        let part = relative.contains("/") ? String(relative.split(separator: "/")[0]) + "/" : relative
        parts[part, default: 0] += size
    }
    return BundleShape(files: files, bytes: bytes, bytesByPart: parts)
}

/// The page count `pdfinfo` (poppler-utils) reads from a PDF; nil without pdfinfo.
func pdfPages(_ pdf: String, scratch: String) -> Int? {
    guard let pdfinfo = onPath("pdfinfo") else { return nil }
    guard spawnMeasured(pdfinfo, [pdf], stdoutPath: scratch + ".out", stderrPath: scratch + ".err").status == 0,
          let text = try? String(contentsOfFile: scratch + ".out", encoding: .utf8),
          let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Pages:") }) else { return nil }
    return Int(line.dropFirst("Pages:".count).trimmingCharacters(in: .whitespaces))
}

struct ScaleResult: Encodable {
    var scale: Double
    var shape: CaseShape
    /// `sqlite3 -csv` writing the items, the acquisition rows (records included) and the ledger
    /// lines to three files, before and after the export (ABA).
    var sqliteDump: [Run]
    var dumpBytes: Int64
    var export: Run
    var exportOverDump: Ratio?
    var bundle: BundleShape?
    /// Pages of the bundle's report.pdf (`pdfinfo`).
    var reportPages: Int?
    var breakdown: ExportBreakdown
    /// Chromium printing report.html's parts to PDF inside the in-process export's report producer, and qpdf joining them.
    var chromiumPDF: Run?
    /// Which bundle the verifiers checked: "custody export"'s, or the in-process one when that failed.
    var verifiedBundle: String?
    /// The verify baseline as a child process, before and after the verifiers.
    var verifyBaseline: [Run]
    var verifyBaselineParts: VerifyBaseline?
    var verify: Run?
    var verifyOverBaseline: Ratio?
    var pythonVerify: Run?
    var pythonVerifyOverBaseline: Ratio?
}

/// The runs' mean time and largest peak (the table lists each run's time too).
func meanRun(_ runs: [Run]) -> Run {
    var r = runs[0]
    r.seconds = runs.map(\.seconds).reduce(0, +) / Double(runs.count)
    r.peakRSSBytes = runs.map(\.peakRSSBytes).max() ?? 0
    return r
}

func measure(scale: Double, templates: RecordTemplates) -> ScaleResult {
    let dir = (workDir as NSString).appendingPathComponent("scale-\(scale)")
    try? FileManager.default.removeItem(atPath: dir)
    must("create \(dir)") { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
    func path(_ name: String) -> String { (dir as NSString).appendingPathComponent(name) }
    note("scale \(scale): building the case")
    let caseDir = path("case")
    let recipe = CaseRecipe(scale: scale, seed: options.seed, entriesPerScale: options.entriesPerScale, fullEvery: options.fullEvery)
    let (store, shape) = buildSeizureCase(recipe, directory: caseDir, templates: templates)
    note("scale \(scale): \(shape.items) items, \(shape.sims) SIMs (\(shape.fullReads) full reads), \(shape.entries) entries, built in \(fmt(shape.buildSeconds, 1)) s")

    let database = (caseDir as NSString).appendingPathComponent(CaseStore.databaseName)
    let dumps = ["items", "acquisitions", "ledger"].map { path("dump-\($0).csv") }
    let dumpArguments = ["-csv", "-readonly", database,
                         ".output \(dumps[0])", "SELECT * FROM item ORDER BY seq, label;",
                         ".output \(dumps[1])", "SELECT * FROM acquisition ORDER BY seq;",
                         ".output \(dumps[2])", "SELECT seq, line FROM ledger_entry ORDER BY seq;"]
    func dump() -> Run {
        let err = path("sqlite3.stderr")
        return Run(spawnChecked(sqlite3, dumpArguments, stderrPath: err), stderrPath: err)
    }

    note("scale \(scale): export (sqlite3 -csv to warm the page cache, then sqlite3 -csv, custody export, sqlite3 -csv)")
    // Not counted: the first read of the case just written ran up to twice as long as the next
    // ones (7.8 s against 3.0–4.2 s at scale 10), and the export after it read a warm cache.
    _ = dump()
    var sqliteDump = [dump()]
    let bundle = path("bundle")
    let exportErr = path("export.stderr")
    let export = Run(spawnMeasured(custody, ["export", "--case", caseDir, "--out", bundle, "--examiner", clerk, "--json"],
                                   stdoutPath: path("export.json"), stderrPath: exportErr), stderrPath: exportErr)
    sqliteDump.append(dump())
    let dumpBytes = dumps.reduce(Int64(0)) { $0 + fileSize($1) }
    if let failure = export.failure { note("scale \(scale): custody export failed after \(fmt(export.seconds, 1)) s: \(failure)") }

    note("scale \(scale): export in-process, producers timed, Chromium as a child")
    let inProcess = path("bundle-inprocess")
    let (parts, pdf) = breakdown(store: store, out: inProcess, scratch: path("report"))

    var result = ScaleResult(scale: scale, shape: shape, sqliteDump: sqliteDump, dumpBytes: dumpBytes, export: export, breakdown: parts,
                             chromiumPDF: pdf, verifyBaseline: [])
    if export.status == 0 { result.exportOverDump = Ratio(export, over: meanRun(sqliteDump)) }
    // When `custody export` failed (e.g. Chromium's deadline), verify the in-process bundle: the same files.
    let verified = export.status == 0 ? bundle : inProcess
    guard FileManager.default.fileExists(atPath: (verified as NSString).appendingPathComponent(BundleLayout.reportPDF)) else { return result }
    result.verifiedBundle = export.status == 0 ? "custody export" : "in-process export"
    result.bundle = bundleShape(verified)
    result.reportPages = pdfPages((verified as NSString).appendingPathComponent(BundleLayout.reportPDF), scratch: path("pdfinfo"))
    note("scale \(scale): verify (baseline, custody verify, verify-bundle.py, baseline)")
    let self_ = CommandLine.arguments[0].hasPrefix("/") ? CommandLine.arguments[0] : FileManager.default.currentDirectoryPath + "/" + CommandLine.arguments[0]
    func baseline() -> Run {
        let err = path("baseline.stderr")
        let run = Run(spawnChecked(self_, ["--verify-baseline", verified], stdoutPath: path("baseline.json"), stderrPath: err), stderrPath: err)
        result.verifyBaselineParts = FileManager.default.contents(atPath: path("baseline.json")).flatMap { try? JSONDecoder().decode(VerifyBaseline.self, from: $0) }
        return run
    }
    result.verifyBaseline.append(baseline())
    let verifyErr = path("verify.stderr")
    let verify = Run(spawnMeasured(custody, ["verify", verified, "--json"], stdoutPath: path("verify.json"), stderrPath: verifyErr), stderrPath: verifyErr)
    let pythonErr = path("python.stderr")
    let python = Run(spawnMeasured(python3, [options.verifier, verified], stdoutPath: path("python.out"), stderrPath: pythonErr), stderrPath: pythonErr)
    result.verifyBaseline.append(baseline())
    let base = meanRun(result.verifyBaseline)
    result.verify = verify
    result.pythonVerify = python
    if verify.status == 0 { result.verifyOverBaseline = Ratio(verify, over: base) } else { note("scale \(scale): custody verify failed: \(verify.failure ?? "")") }
    if python.status == 0 { result.pythonVerifyOverBaseline = Ratio(python, over: base) } else { note("scale \(scale): verify-bundle.py failed: \(python.failure ?? "")") }
    return result
}

// MARK: Reporting

struct Report: Encodable {
    var schema = "custody.bench.export/1"
    var identityRecordBytes: Int
    var fullRecordBytes: Int
    var scales: [ScaleResult]
}

func mb(_ bytes: Int64) -> String { fmt(Double(bytes) / 1_048_576, 1) + " MiB" }

func printTable(_ r: ScaleResult) {
    let s = r.shape
    print("scale \(r.scale): \(s.items) items, \(s.sims) SIMs (\(s.fullReads) full reads), \(s.entries) ledger entries, records \(mb(s.recordBytes)), case database \(mb(s.databaseBytes)), built in \(fmt(s.buildSeconds, 1)) s")
    print("| measurement | time | peak RSS | baseline | time ratio | memory ratio |")
    print("| --- | --- | --- | --- | --- | --- |")
    let dump = meanRun(r.sqliteDump)
    let dumpText = "`sqlite3 -csv` dump \(fmt(dump.seconds, 2)) s (\(r.sqliteDump.map { fmt($0.seconds, 2) }.joined(separator: " / "))), \(mb(dump.peakRSSBytes))"
    if let ratio = r.exportOverDump {
        print("| custody export | \(fmt(r.export.seconds, 1)) s | \(mb(r.export.peakRSSBytes)) | \(dumpText) | \(fmt(ratio.time, 1)) | \(fmt(ratio.memory, 1)) |")
    } else {
        print("| custody export | failed after \(fmt(r.export.seconds, 1)) s: \(r.export.failure ?? "") | \(mb(r.export.peakRSSBytes)) | \(dumpText) | | |")
    }
    let base = r.verifyBaseline.isEmpty ? nil : meanRun(r.verifyBaseline)
    let baseText = base.map { b in
        "SHA-256 of the bundle + raw Ed25519 verify \(fmt(b.seconds, 2)) s (\(r.verifyBaseline.map { fmt($0.seconds, 2) }.joined(separator: " / "))), \(mb(b.peakRSSBytes))"
    } ?? ""
    if let v = r.verify, let ratio = r.verifyOverBaseline {
        print("| custody verify | \(fmt(v.seconds, 1)) s | \(mb(v.peakRSSBytes)) | \(baseText) | \(fmt(ratio.time, 1)) | \(fmt(ratio.memory, 1)) |")
    }
    if let v = r.pythonVerify, let ratio = r.pythonVerifyOverBaseline {
        print("| verify-bundle.py | \(fmt(v.seconds, 1)) s | \(mb(v.peakRSSBytes)) | same | \(fmt(ratio.time, 1)) | \(fmt(ratio.memory, 1)) |")
    }
    if let c = r.chromiumPDF {
        print("| Chromium summary report → report.pdf (in-process export) | \(c.status == 0 ? fmt(c.seconds, 1) + " s" : "failed: \(c.failure ?? "")") | \(mb(c.peakRSSBytes)) | | | |")
    }
    print(r.breakdown.description)
    if let p = r.verifyBaselineParts {
        print("verify baseline: \(p.files) files, \(mb(p.bytes)) hashed in \(fmt(p.hashSeconds, 2)) s; \(p.signatures) signatures verified in \(fmt(p.verifySeconds, 2)) s")
    }
    if let shape = r.bundle {
        print("bundle (\(r.verifiedBundle ?? "")): \(shape.files) files, \(mb(shape.bytes)), report.pdf \(r.reportPages.map { "\($0) pages" } ?? "pages unknown"): " + shape.bytesByPart.sorted { $0.value > $1.value }.prefix(6).map { "\($0.key) \(mb($0.value))" }.joined(separator: ", "))
    }
    print("")
}

let templates = RecordTemplates(directory: options.records)
var results = [ScaleResult]()
for scale in options.scales {
    let r = measure(scale: scale, templates: templates)
    results.append(r)
    if !options.json { printTable(r) }
}
if options.json {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    print(String(decoding: must("encode the report") { try encoder.encode(Report(identityRecordBytes: templates.identityBytes, fullRecordBytes: templates.fullBytes, scales: results)) }, as: UTF8.self))
}
