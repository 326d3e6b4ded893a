import BenchmarkSupport
// registry-bench: the device registry at the seizure's scale and ten times it. For each scale it
// generates the catalog (SeizureCatalog, as seizure-gen writes it), then measures the catalog
// import, `summary`, `find` and the case database's size, each beside a raw SQLite baseline
// measured in the same run (docs/BENCHMARKS.md, "Device registry"). Scripts/bench-registry runs
// it in a temporary folder.
import CaseStore
import Foundation
import GRDB
import SeizureCatalog

struct Options {
    var directory: String?
    var scales: [Double] = [1, 10]
    var seed: UInt64 = 2021
    var importRounds = 3
    var repeats = 21
    var findRepeats = 101
    var custody: String?
    var json = false

    static let usage = """
        usage: registry-bench --dir DIR [--scales 1,10] [--seed N] [--import-rounds R] [--repeats N]
                              [--find-repeats N] [--custody PATH] [--json]
          --dir DIR            an empty or new folder for the catalogs, case stores and baselines (required)
          --scales LIST        catalog scales, comma separated (default 1,10)
          --seed N             catalog seed (default 2021)
          --import-rounds R    imports timed per scale, each into a fresh case, beside as many sqlite3 .import (default 3)
          --repeats N          summary calls timed per scale (default 21)
          --find-repeats N     find calls timed per text (default 101)
          --custody PATH       also time the custody binary: device import, summary, device find
          --json               one JSON document (schema custody.bench.registry/1) on stdout
        """

    static func parse(_ args: [String]) -> Options {
        var o = Options()
        var reader = OptionReader(args, usage: usage)
        while let argument = reader.next() {
            switch argument {
            case "--dir": o.directory = reader.value("--dir")
            case "--scales": o.scales = reader.positiveNumbers("--scales")
            case "--seed": o.seed = reader.seed("--seed")
            case "--import-rounds": o.importRounds = reader.count("--import-rounds", minimum: 1)
            case "--repeats": o.repeats = reader.count("--repeats", minimum: 1)
            case "--find-repeats": o.findRepeats = reader.count("--find-repeats", minimum: 1)
            case "--custody": o.custody = reader.value("--custody")
            case "--json": o.json = true
            case "-h", "--help": print(usage); exit(0)
            default: fail("unknown argument \(argument)\n\(usage)")
            }
        }
        guard o.directory != nil else { fail("--dir is required\n\(usage)") }
        return o
    }
}

/// Milliseconds: median, p95, min, max of the samples.
struct Stats: Encodable {
    var medianMs: Double
    var p95Ms: Double
    var minMs: Double
    var maxMs: Double
    var samples: Int

    init(seconds values: [Double]) {
        let ms = values.map { $0 * 1000 }
        medianMs = median(ms)
        p95Ms = percentile(ms, 0.95)
        minMs = ms.min() ?? 0
        maxMs = ms.max() ?? 0
        samples = ms.count
    }
}

/// Runs a program to its end with standard output discarded; returns the seconds from spawn to
/// exit. A non-zero exit ends the benchmark with the program's standard error.
func runTimed(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) -> Double {
    spawnChecked(executable, arguments, environment: environment,
                 stderrPath: (workDir as NSString).appendingPathComponent("spawn-stderr.txt")).seconds
}

let options = Options.parse(Array(CommandLine.arguments.dropFirst()))
let workDir = options.directory!
guard let sqlite3 = onPath("sqlite3") else { fail("the sqlite3 command is not on PATH: run Scripts/setup (Debian package sqlite3)") }
let examiner = "clerk-01"

struct FindResult: Encodable {
    /// What was looked for: label, ICCID, IMEI, serial, or the last 8 digits of an ICCID.
    var kind: String
    var text: String
    var matches: Int
    /// `CaseStore.search(text)` without a limit, as `custody device find` runs it.
    var find: Stats
    /// The item fetched by a raw indexed equality `SELECT` (label primary key, identifier index),
    /// by its whole label or identifier (the ICCID fragment's baseline is its whole ICCID).
    var indexedSelect: Stats
    /// The two `LIKE '%text%'` scans `find` runs (label, identifier value), raw.
    var likeScan: Stats
    var findOverIndexed: Double
    var findOverLikeScan: Double
}

struct ScaleResult: Encodable {
    var scale: Double
    var rows: Int
    var items: Int
    var types: [String: Int]
    var simBoxPorts: Int
    var csvBytes: Int
    var generateSeconds: Double
    /// `CaseStore.importDevices` in-process (one transaction, one ledger entry), each into a fresh case.
    var importSeconds: [Double]
    /// `sqlite3 DB '.import --csv catalog.csv catalog'` into a new plain table, process start included.
    var sqliteImportSeconds: [Double]
    /// Median of the per-round ratios (each import beside the baseline import of its round).
    var importOverSQLiteImport: Double
    var itemsPerSecond: Double
    var binaryImportSeconds: [Double]?
    var binaryImportOverSQLiteImport: Double?
    var summary: Stats
    /// The rows `summary` needs, fetched raw: counts per type, every SIM's label, parent and identifiers, the reads.
    var summaryRawQueries: Stats
    var summaryOverRaw: Double
    var binarySummary: Stats?
    /// `sqlite3` running the same raw queries, process start included.
    var sqliteSummaryQueries: Stats?
    var binarySummaryOverSQLite: Double?
    var find: [FindResult]
    var binaryFindICCID: Stats?
    var sqliteIndexedICCID: Stats?
    var binaryFindOverSQLite: Double?
    /// `custody device find` by the 8-digit ICCID fragment, beside the same sqlite3 indexed SELECT.
    var binaryFindFragment: Stats?
    var binaryFindFragmentOverSQLite: Double?
    /// page_count × page_size, WAL frames included (what the file holds after a checkpoint).
    var databaseBytes: Int64
    var bytesPerItem: Double
    var bytesPerRow: Double
    /// Bytes per table and index (SQLite's dbstat), when the library has it.
    var tableBytes: [String: Int64]?
    var sqliteImportDatabaseBytes: Int64
    var databaseOverSQLiteImport: Double
}

func pageBytes(_ db: Database) throws -> Int64 {
    let pages = try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0
    let size = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 0
    return pages * size
}

func measure(scale: Double) -> ScaleResult {
    let dir = (workDir as NSString).appendingPathComponent("scale-\(scale)")
    try? FileManager.default.removeItem(atPath: dir)
    do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch { fail("cannot create \(dir): \(error)") }

    var catalog: SeizureCatalog!
    var csv = ""
    let generateSeconds = timed {
        catalog = SeizureCatalog(scale: scale, seed: options.seed)
        csv = catalog.csv
    }
    let csvPath = (dir as NSString).appendingPathComponent("catalog.csv")
    let data = Data(csv.utf8)
    do { try data.write(to: URL(fileURLWithPath: csvPath)) } catch { fail("cannot write \(csvPath): \(error)") }
    var types = [String: Int]()
    for r in catalog.rows { types[r.type.rawValue, default: 0] += 1 }
    let items = catalog.rows.reduce(0) { $0 + $1.itemCount }
    let ports = catalog.rows.filter { $0.type == .device(.simbox) }.reduce(0) { $0 + ($1.ports ?? 0) }
    note("scale \(scale): \(catalog.rows.count) rows, \(items) items, \(types[DeviceType.sim.rawValue] ?? 0) SIMs, \(data.count) bytes of CSV, generated in \(fmt(generateSeconds, 2)) s")

    // Import: rounds of (in-process import, sqlite3 .import[, binary import]), order alternating.
    var store: CaseStore!
    var importSeconds = [Double](), baseSeconds = [Double](), binarySeconds = [Double]()
    let basePath = (dir as NSString).appendingPathComponent("baseline.sqlite")
    for round in 0..<options.importRounds {
        let caseDir = (dir as NSString).appendingPathComponent("case-\(round)")
        var steps: [() -> Void] = [
            {
                let s: CaseStore
                do {
                    s = try CaseStore.create(directory: caseDir, name: "Registry benchmark", agency: "Bench Lab", authority: "Demo order",
                                             timeZone: "Asia/Ho_Chi_Minh", examiner: .init(id: examiner, name: "Bench Clerk"))
                } catch { fail("cannot create a case in \(caseDir): \(error)") }
                var outcome: RegistrationOutcome?
                var failure: (any Error)?
                importSeconds.append(timed {
                    do { outcome = try s.importDevices(csv: data, fileName: "catalog.csv", by: examiner) } catch { failure = error }
                })
                if let failure { fail("the catalog at scale \(scale) does not import: \(failure)") }
                guard outcome?.items == items else { fail("import created \(outcome?.items ?? 0) items, expected \(items)") }
                store = s
            },
            {
                try? FileManager.default.removeItem(atPath: basePath)
                baseSeconds.append(runTimed(sqlite3, [basePath, ".import --csv \(csvPath) catalog"]))
            },
        ]
        if let custody = options.custody {
            steps.append {
                let binCase = (dir as NSString).appendingPathComponent("bin-case-\(round)")
                _ = runTimed(custody, ["case", "init", binCase, "--name", "Registry benchmark", "--agency", "Bench Lab",
                                       "--authority", "Demo order", "--examiner", examiner, "--examiner-name", "Bench Clerk"])
                binarySeconds.append(runTimed(custody, ["device", "import", csvPath, "--case", binCase, "--examiner", examiner]))
                if round < options.importRounds - 1 { try? FileManager.default.removeItem(atPath: binCase) }
            }
        }
        for step in (round % 2 == 0 ? steps : steps.reversed()) { step() }
        if round < options.importRounds - 1 { try? FileManager.default.removeItem(atPath: caseDir) }
        note("scale \(scale) import round \(round + 1): store \(fmt(importSeconds.last!, 2)) s, sqlite3 .import \(fmt(baseSeconds.last!, 3)) s"
             + (binarySeconds.last.map { ", custody device import \(fmt($0, 2)) s" } ?? ""))
    }
    let importRatio = median(zip(importSeconds, baseSeconds).map { $0 / $1 })
    let binaryRatio = binarySeconds.isEmpty ? nil : median(zip(binarySeconds, baseSeconds).map { $0 / $1 })

    // The raw side of the query baselines: a plain read-only connection to the same file.
    var config = Configuration()
    config.readonly = true
    let raw: DatabaseQueue
    do { raw = try DatabaseQueue(path: store.databasePath, configuration: config) } catch { fail("cannot open \(store.databasePath): \(error)") }

    // Summary, alternating with the raw queries it needs.
    let sims = types[DeviceType.sim.rawValue] ?? 0
    var summaryTimes = [Double](), rawTimes = [Double]()
    func rawSummary() {
        var n = 0
        try! raw.read { db in
            for r in try Row.fetchAll(db, sql: "SELECT type, COUNT(*) FROM item GROUP BY type") { n += r[1] as Int }
            let rows = try Row.fetchCursor(db, sql: "SELECT label, parent, identifiers FROM item WHERE type = 'sim' ORDER BY label")
            while let r = try rows.next() { let label: String = r[0], ids: String = r[2]; n += label.utf8.count + ids.utf8.count }
            for r in try Row.fetchAll(db, sql: "SELECT item, record FROM acquisition WHERE item IS NOT NULL ORDER BY seq") { n += (r[1] as Data).count }
        }
        precondition(n > 0)
    }
    func storeSummary() {
        let s = try! store.summary()
        precondition(s.simItems == sims && s.sims[.notRead] == sims, "summary counted \(s.simItems) SIMs, expected \(sims)")
    }
    storeSummary(); rawSummary()  // warm-up
    for i in 0..<options.repeats {
        if i % 2 == 0 {
            summaryTimes.append(timed(storeSummary)); rawTimes.append(timed(rawSummary))
        } else {
            rawTimes.append(timed(rawSummary)); summaryTimes.append(timed(storeSummary))
        }
    }
    let summary = Stats(seconds: summaryTimes), summaryRaw = Stats(seconds: rawTimes)
    note("scale \(scale) summary: median \(fmt(summary.medianMs, 1)) ms, raw queries \(fmt(summaryRaw.medianMs, 1)) ms")

    // Find: a label, an ICCID, an IMEI and a serial from the catalog's middle rows.
    func middle(_ type: DeviceType) -> DeviceSpec {
        let list = catalog.rows.filter { $0.type == .device(type) }
        return list[list.count / 2]
    }
    let sim = middle(.sim), phone = middle(.phone), box = middle(.simbox)
    // The last 8 digits, as an examiner reads them off the card (the serial's end and the check digit).
    let fragment = String(sim.iccid!.suffix(8))
    let targets: [(kind: String, text: String, label: String, identifierKind: String?, exact: String)] = [
        ("label", sim.label, sim.label, nil, sim.label),
        ("ICCID", sim.iccid!, sim.label, "ICCID", sim.iccid!),
        ("ICCID fragment", fragment, sim.label, "ICCID", sim.iccid!),
        ("IMEI", phone.imeis[0], phone.label, "IMEI", phone.imeis[0]),
        ("serial", box.serial!, box.label, "serial", box.serial!),
    ]
    var finds = [FindResult]()
    for target in targets {
        var found = 0
        func storeFind() {
            let hits = try! store.search(target.text)
            precondition(hits.contains { $0.item.label == target.label }, "find \(target.text) missed \(target.label)")
            found = hits.count
        }
        func indexed() {
            let hit: Row? = try! raw.read { db in
                if let kind = target.identifierKind {
                    return try Row.fetchOne(db, sql: """
                        SELECT i.* FROM item_identifier x JOIN item i ON i.label = x.label WHERE x.kind = ? AND x.value = ?
                        """, arguments: [kind, target.exact])
                }
                return try Row.fetchOne(db, sql: "SELECT * FROM item WHERE label = ?", arguments: [target.exact])
            }
            precondition(hit != nil)
        }
        func likeScan() {
            let pattern = "%\(target.text)%"
            let n: Int = try! raw.read { db in
                try String.fetchAll(db, sql: "SELECT label FROM item WHERE label LIKE ? ESCAPE '\\'", arguments: [pattern]).count
                    + String.fetchAll(db, sql: "SELECT label FROM item_identifier WHERE value LIKE ? ESCAPE '\\'", arguments: [pattern]).count
            }
            precondition(n > 0)
        }
        storeFind(); indexed(); likeScan()
        var f = [Double](), x = [Double](), l = [Double]()
        for i in 0..<options.findRepeats {
            let steps: [() -> Void] = [{ f.append(timed(storeFind)) }, { x.append(timed(indexed)) }, { l.append(timed(likeScan)) }]
            for step in (i % 2 == 0 ? steps : steps.reversed()) { step() }
        }
        let fs = Stats(seconds: f), xs = Stats(seconds: x), ls = Stats(seconds: l)
        finds.append(FindResult(kind: target.kind, text: target.text, matches: found, find: fs, indexedSelect: xs, likeScan: ls,
                                findOverIndexed: fs.medianMs / xs.medianMs, findOverLikeScan: fs.medianMs / ls.medianMs))
        note("scale \(scale) find \(target.kind) \(target.text): median \(fmt(fs.medianMs, 3)) ms, indexed SELECT \(fmt(xs.medianMs, 3)) ms, LIKE scan \(fmt(ls.medianMs, 3)) ms")
    }

    // The binary: summary and one find, each beside sqlite3 running the raw queries.
    var binarySummary: Stats?, sqliteSummary: Stats?, binaryFind: Stats?, sqliteFind: Stats?, binaryFragment: Stats?
    if let custody = options.custody {
        let env = ["CUSTODY_CASE": store.directory]
        let db = store.databasePath
        let rawQueries = "SELECT type, COUNT(*) FROM item GROUP BY type; SELECT label, parent, identifiers FROM item WHERE type = 'sim' ORDER BY label; SELECT item, record FROM acquisition WHERE item IS NOT NULL ORDER BY seq;"
        let iccid = sim.iccid!
        let indexedQuery = "SELECT i.* FROM item_identifier x JOIN item i ON i.label = x.label WHERE x.kind = 'ICCID' AND x.value = '\(iccid)';"
        var bs = [Double](), ss = [Double](), bf = [Double](), sf = [Double](), bff = [Double]()
        let runs = max(5, options.repeats / 2)
        for i in 0..<runs {
            let steps: [() -> Void] = [
                { bs.append(runTimed(custody, ["summary", "--json"], environment: env)) },
                { ss.append(runTimed(sqlite3, ["-readonly", db, rawQueries])) },
                { bf.append(runTimed(custody, ["device", "find", iccid, "--json"], environment: env)) },
                { sf.append(runTimed(sqlite3, ["-readonly", db, indexedQuery])) },
                { bff.append(runTimed(custody, ["device", "find", fragment, "--json"], environment: env)) },
            ]
            for step in (i % 2 == 0 ? steps : steps.reversed()) { step() }
        }
        binarySummary = Stats(seconds: bs); sqliteSummary = Stats(seconds: ss)
        binaryFind = Stats(seconds: bf); sqliteFind = Stats(seconds: sf); binaryFragment = Stats(seconds: bff)
        note("scale \(scale) custody summary \(fmt(binarySummary!.medianMs, 1)) ms (sqlite3 \(fmt(sqliteSummary!.medianMs, 1)) ms), custody device find \(fmt(binaryFind!.medianMs, 1)) ms, by 8 ICCID digits \(fmt(binaryFragment!.medianMs, 1)) ms (sqlite3 \(fmt(sqliteFind!.medianMs, 1)) ms)")
    }

    // Size.
    var databaseBytes: Int64 = 0
    var tableBytes: [String: Int64]?
    try! raw.read { db in
        databaseBytes = try pageBytes(db)
        if let rows = try? Row.fetchAll(db, sql: "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC") {
            tableBytes = Dictionary(uniqueKeysWithValues: rows.map { ($0[0] as String, $0[1] as Int64) })
        }
    }
    let baseBytes = try! DatabaseQueue(path: basePath, configuration: config).read(pageBytes)
    precondition(fileSize(basePath) == baseBytes, "the baseline is not a plain rollback-journal file")

    return ScaleResult(
        scale: scale, rows: catalog.rows.count, items: items, types: types, simBoxPorts: ports, csvBytes: data.count,
        generateSeconds: generateSeconds, importSeconds: importSeconds, sqliteImportSeconds: baseSeconds,
        importOverSQLiteImport: importRatio, itemsPerSecond: Double(items) / median(importSeconds),
        binaryImportSeconds: binarySeconds.isEmpty ? nil : binarySeconds, binaryImportOverSQLiteImport: binaryRatio,
        summary: summary, summaryRawQueries: summaryRaw, summaryOverRaw: summary.medianMs / summaryRaw.medianMs,
        binarySummary: binarySummary, sqliteSummaryQueries: sqliteSummary,
        binarySummaryOverSQLite: binarySummary.map { $0.medianMs / sqliteSummary!.medianMs },
        find: finds, binaryFindICCID: binaryFind, sqliteIndexedICCID: sqliteFind,
        binaryFindOverSQLite: binaryFind.map { $0.medianMs / sqliteFind!.medianMs },
        binaryFindFragment: binaryFragment, binaryFindFragmentOverSQLite: binaryFragment.map { $0.medianMs / sqliteFind!.medianMs },
        databaseBytes: databaseBytes, bytesPerItem: Double(databaseBytes) / Double(items),
        bytesPerRow: Double(databaseBytes) / Double(catalog.rows.count), tableBytes: tableBytes,
        sqliteImportDatabaseBytes: baseBytes, databaseOverSQLiteImport: Double(databaseBytes) / Double(baseBytes))
}

struct Report: Encodable {
    var schema = "custody.bench.registry/1"
    var seed: UInt64
    var sqliteVersion: String
    var cpus: Int
    var scales: [ScaleResult]
}

let version = (try? DatabaseQueue().read { db in try String.fetchOne(db, sql: "SELECT sqlite_version()") }) ?? nil
let results = options.scales.map(measure)
let report = Report(seed: options.seed, sqliteVersion: version ?? "?", cpus: ProcessInfo.processInfo.activeProcessorCount, scales: results)

if options.json {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    FileHandle.standardOutput.write(try! encoder.encode(report) + Data("\n".utf8))
    exit(0)
}

func row(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |" }
for r in results {
    print("\n### Scale \(fmt(r.scale, r.scale == r.scale.rounded() ? 0 : 2)): \(r.rows) rows, \(r.items) items (\(r.types[DeviceType.sim.rawValue] ?? 0) SIMs, \(r.simBoxPorts) SIM-box ports), CSV \(r.csvBytes) bytes\n")
    print(row(["measurement", "time", "baseline", "ratio"]))
    print(row(["---", "---", "---", "---"]))
    let imp = Stats(seconds: r.importSeconds), base = Stats(seconds: r.sqliteImportSeconds)
    print(row(["device import, in-process (median of \(imp.samples))", "\(fmt(imp.medianMs / 1000, 2)) s (\(Int(r.itemsPerSecond)) items/s)",
               "sqlite3 .import \(fmt(base.medianMs / 1000, 3)) s", fmt(r.importOverSQLiteImport, 1)]))
    if let b = r.binaryImportSeconds, let ratio = r.binaryImportOverSQLiteImport {
        print(row(["custody device import (binary)", "\(fmt(median(b), 2)) s", "sqlite3 .import", fmt(ratio, 1)]))
    }
    print(row(["summary, in-process (median / p95)", "\(fmt(r.summary.medianMs, 1)) / \(fmt(r.summary.p95Ms, 1)) ms",
               "raw queries \(fmt(r.summaryRawQueries.medianMs, 1)) ms", fmt(r.summaryOverRaw, 2)]))
    if let b = r.binarySummary, let s = r.sqliteSummaryQueries, let ratio = r.binarySummaryOverSQLite {
        print(row(["custody summary --json (binary)", "\(fmt(b.medianMs, 1)) / \(fmt(b.p95Ms, 1)) ms", "sqlite3 same queries \(fmt(s.medianMs, 1)) ms", fmt(ratio, 2)]))
    }
    for f in r.find {
        print(row(["find \(f.kind) (\(f.matches) match\(f.matches == 1 ? "" : "es")) median / p95", "\(fmt(f.find.medianMs, 3)) / \(fmt(f.find.p95Ms, 3)) ms",
                   "indexed SELECT \(fmt(f.indexedSelect.medianMs, 3)) ms; LIKE scan \(fmt(f.likeScan.medianMs, 3)) ms",
                   "\(fmt(f.findOverIndexed, 2)); \(fmt(f.findOverLikeScan, 3))"]))
    }
    if let b = r.binaryFindICCID, let s = r.sqliteIndexedICCID, let ratio = r.binaryFindOverSQLite {
        print(row(["custody device find ICCID (binary)", "\(fmt(b.medianMs, 1)) / \(fmt(b.p95Ms, 1)) ms", "sqlite3 indexed SELECT \(fmt(s.medianMs, 1)) ms", fmt(ratio, 2)]))
    }
    if let b = r.binaryFindFragment, let s = r.sqliteIndexedICCID, let ratio = r.binaryFindFragmentOverSQLite {
        print(row(["custody device find 8 ICCID digits (binary)", "\(fmt(b.medianMs, 1)) / \(fmt(b.p95Ms, 1)) ms", "sqlite3 indexed SELECT \(fmt(s.medianMs, 1)) ms", fmt(ratio, 2)]))
    }
    print(row(["case database", "\(r.databaseBytes) bytes (\(fmt(r.bytesPerItem, 0)) B/item, \(fmt(r.bytesPerRow, 0)) B/row)",
               "sqlite3 .import table \(r.sqliteImportDatabaseBytes) bytes", fmt(r.databaseOverSQLiteImport, 2)]))
    if let t = r.tableBytes {
        print("\nBytes per table/index: " + t.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
    }
}
