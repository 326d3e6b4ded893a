import BenchmarkCase
import BenchmarkSupport
// report-bench: the court report at the seizure's scale and ten times it (docs/BENCHMARKS.md,
// "Issue 19: the court report"). Builds the export benchmark's case (BenchmarkCase), then, each
// as a child process (time and peak memory): the summary report's HTML (what report.pdf prints),
// Chromium printing it as one document, and, as baselines in the same run, the full report.html
// as before and `sqlite3 -csv` dumping the rows the summary counts (items, acquisitions, ledger).
// Scripts/bench-report runs it in a temporary folder.
import CaseStore
import Export
import Foundation
import Wording

struct Options {
    var directory: String?
    var scales: [Double] = [1, 10]
    var seed: UInt64 = 2021
    var records = "Benchmarks/Export/Records"
    var json = false

    static let usage = """
        usage: report-bench --dir DIR [--scales 1,10] [--seed N] [--records DIR] [--json]
               report-bench --render summary|full CASE OUT   (one report as a child of the bench)
          --dir DIR          an empty or new folder for the cases and reports (required)
          --scales LIST      seizure scales, comma separated (default 1,10)
          --seed N           catalog seed (default 2021)
          --records DIR      identity.json and full.json: the acquisition records copied per SIM
          --json             one JSON document (schema custody.bench.report/1) on stdout
        """

    static func parse(_ args: [String]) -> Options {
        var o = Options()
        var reader = OptionReader(args, usage: usage)
        while let argument = reader.next() {
            switch argument {
            case "--dir": o.directory = reader.value("--dir")
            case "--scales": o.scales = reader.positiveNumbers("--scales")
            case "--seed": o.seed = reader.seed("--seed")
            case "--records": o.records = reader.value("--records")
            case "--json": o.json = true
            case "-h", "--help": print(usage); exit(0)
            default: fail("unknown argument \(argument)\n\(usage)")
            }
        }
        guard o.directory != nil else { fail("--dir is required\n\(usage)") }
        return o
    }
}

let tool = ToolIdentity(name: "custody", version: "bench", build: "")
let facts = ReportVerificationFacts(ledgerEntries: 0, ledgerRoot: "", ledgerSize: 0, stationKeys: [])

// Child mode: one report written to OUT, so that its time and peak are the report's alone.
if CommandLine.arguments.count == 5, CommandLine.arguments[1] == "--render" {
    let (kind, caseDir, out) = (CommandLine.arguments[2], CommandLine.arguments[3], CommandLine.arguments[4])
    let store = must("open \(caseDir)") { try CaseStore.open(directory: caseDir, readOnly: true) }
    let html: String = must("the \(kind) report") {
        switch kind {
        case "summary": try CourtReport.summary(store: store, language: .en, tool: tool, verification: facts, time: Date())
        case "full": try CourtReport.document(store: store, items: nil, language: .en, tool: tool, verification: facts, time: Date()).html
        default: fail("--render summary|full")
        }
    }
    must("write \(out)") { try Data(html.utf8).write(to: URL(fileURLWithPath: out)) }
    exit(0)
}

let options = Options.parse(Array(CommandLine.arguments.dropFirst()))
guard let sqlite3 = onPath("sqlite3") else { fail("the sqlite3 command is not on PATH: run Scripts/setup (Debian package sqlite3)") }
guard let chromium = onPath("chromium") else { fail("chromium is not on PATH: run Scripts/setup (Debian package chromium)") }
guard let pdfinfo = onPath("pdfinfo") else { fail("pdfinfo is not on PATH: run Scripts/setup (Debian package poppler-utils)") }
let me = URL(fileURLWithPath: CommandLine.arguments[0]).path

struct ScaleResult: Encodable {
    var scale: Double
    var shape: CaseShape
    /// `sqlite3 -csv` writing the item rows, the acquisition rows and the ledger lines (the
    /// summary reads all three), before and after the reports.
    var sqliteDump: [Run]
    var summaryHTML: Run
    var summaryBytes: Int64
    var summaryPDF: Run
    var summaryPages: Int?
    /// The full report.html, as the export writes it (and, before this issue, printed to report.pdf).
    var fullHTML: Run
    var fullBytes: Int64
}

func measure(scale: Double, templates: RecordTemplates) -> ScaleResult {
    let dir = (options.directory! as NSString).appendingPathComponent("scale-\(scale)")
    try? FileManager.default.removeItem(atPath: dir)
    must("create \(dir)") { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
    func path(_ name: String) -> String { (dir as NSString).appendingPathComponent(name) }
    note("scale \(scale): building the case")
    let caseDir = path("case")
    let (_, shape) = buildSeizureCase(CaseRecipe(scale: scale, seed: options.seed, entriesPerScale: 20_000, fullEvery: 10), directory: caseDir, templates: templates)
    note("scale \(scale): \(shape.items) items, \(shape.sims) SIMs, \(shape.entries) entries, built in \(fmt(shape.buildSeconds, 1)) s")
    let database = (caseDir as NSString).appendingPathComponent(CaseStore.databaseName)
    func dump() -> Run {
        let err = path("dump.err")
        return Run(spawnChecked(sqlite3, ["-csv", database, ".once \(path("items.csv"))", "SELECT * FROM item",
                                          ".once \(path("acquisitions.csv"))", "SELECT * FROM acquisition",
                                          ".once \(path("ledger.csv"))", "SELECT * FROM ledger_entry"], stderrPath: err), stderrPath: err)
    }
    let before = dump()
    func render(_ kind: String) -> (Run, Int64) {
        let out = path("\(kind).html"), err = path("\(kind).err")
        note("scale \(scale): the \(kind) report")
        return (Run(spawnChecked(me, ["--render", kind, caseDir, out], stderrPath: err), stderrPath: err), fileSize(out))
    }
    let (summary, summaryBytes) = render("summary")
    let pdf = path("summary.pdf"), profile = path("chromium-profile"), err = path("chromium.err")
    note("scale \(scale): Chromium printing the summary")
    let printed = Run(spawnMeasured("/usr/bin/timeout", ["--kill-after=10", "900", chromium, "--headless", "--no-sandbox", "--disable-gpu",
                                                         "--disable-dev-shm-usage", "--user-data-dir=\(profile)", "--no-first-run",
                                                         "--print-to-pdf=\(pdf)", "--no-pdf-header-footer", "--generate-pdf-document-outline",
                                                         URL(fileURLWithPath: path("summary.html")).absoluteString], stderrPath: err), stderrPath: err)
    let info = path("pdfinfo.out")
    _ = spawnMeasured(pdfinfo, [pdf], stdoutPath: info, stderrPath: path("pdfinfo.err"))
    let pages = ((try? String(contentsOfFile: info, encoding: .utf8)) ?? "").split(separator: "\n")
        .first { $0.hasPrefix("Pages:") }.flatMap { Int($0.dropFirst("Pages:".count).trimmingCharacters(in: .whitespaces)) }
    let (full, fullBytes) = render("full")
    let after = dump()
    return ScaleResult(scale: scale, shape: shape, sqliteDump: [before, after], summaryHTML: summary, summaryBytes: summaryBytes,
                       summaryPDF: printed, summaryPages: pages, fullHTML: full, fullBytes: fullBytes)
}

func mib(_ bytes: Int64) -> String { fmt(Double(bytes) / 1_048_576, 1) }

func printTable(_ r: ScaleResult) {
    let dump = r.sqliteDump.map(\.seconds).reduce(0, +) / Double(r.sqliteDump.count)
    print("scale \(r.scale): \(r.shape.items) items, \(r.shape.sims) SIMs, \(r.shape.entries) entries; load \((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.prefix(14) ?? "?")")
    print("  sqlite3 -csv dump (baseline)   \(r.sqliteDump.map { fmt($0.seconds) }.joined(separator: " / ")) s, \(mib(r.sqliteDump.map(\.peakRSSBytes).max() ?? 0)) MiB")
    print("  summary HTML                   \(fmt(r.summaryHTML.seconds)) s (\(fmt(r.summaryHTML.seconds / dump, 1))x dump), \(mib(r.summaryHTML.peakRSSBytes)) MiB, \(mib(r.summaryBytes)) MiB of HTML")
    print("  summary PDF (Chromium)         \(fmt(r.summaryPDF.seconds)) s, \(mib(r.summaryPDF.peakRSSBytes)) MiB, \(r.summaryPages.map(String.init) ?? "?") pages\(r.summaryPDF.status == 0 ? "" : " FAILED: \(r.summaryPDF.failure ?? "")")")
    print("  full report.html (baseline)    \(fmt(r.fullHTML.seconds)) s (\(fmt(r.fullHTML.seconds / dump, 1))x dump), \(mib(r.fullHTML.peakRSSBytes)) MiB, \(mib(r.fullBytes)) MiB of HTML")
}

let templates = RecordTemplates(directory: options.records)
var results = [ScaleResult]()
for scale in options.scales {
    let r = measure(scale: scale, templates: templates)
    results.append(r)
    if !options.json { printTable(r) }
}
if options.json {
    struct Document: Encodable { var schema = "custody.bench.report/1"; var scales: [ScaleResult] }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    print(String(decoding: try! encoder.encode(Document(scales: results)), as: UTF8.self))
}
