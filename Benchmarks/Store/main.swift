import BenchmarkCase
import BenchmarkSupport
// store-bench: the case store's two backends (issue 7) side by side on one machine in one run
// (docs/BENCHMARKS.md, "Stores (SQLite and PostgreSQL)"):
//  1. appends per second: N `custody.note` events, one committed append each, by 1, 2 and 4
//     station processes (each its own key and connection) on one PostgreSQL case, and by one
//     station on a SQLite case folder;
//  2. `custody case copy` of the seizure-shaped case (export-bench's) SQLite → PostgreSQL and
//     PostgreSQL → folder, time and peak memory, against a CSV dump and load of the same rows
//     with sqlite3 and psql.
// Scripts/bench-store starts the PostgreSQL server and runs it in a temporary folder.
import CaseStore
import Foundation
import Ledger

struct Options {
    var directory: String?
    var custody: String?
    var server: String?
    var appends = 4000
    var stations = [1, 2, 4]
    var scales: [Double] = [1, 10]
    var seed: UInt64 = 2021
    var entriesPerScale = 20_000
    var fullEvery = 10
    var records = "Benchmarks/Export/Records"
    var json = false

    static let usage = """
        usage: store-bench --dir DIR --custody PATH --pg URL [--appends N] [--stations 1,2,4] [--scales 1,10]
                           [--seed N] [--entries N] [--full-every K] [--records DIR] [--json]
               store-bench --append-child STORE KEYFILE EXAMINER COUNT START TAG   (one station, run by the bench)
          --dir DIR          an empty or new folder for the cases and dumps (required)
          --custody PATH     the custody binary whose `case copy` is timed (required)
          --pg URL           a PostgreSQL database URL on the server to use; the bench creates its
                             databases there with psql as that user (required)
          --appends N        custody.note appends per configuration, split over its stations (default 4000;
                             0 skips the appends)
          --stations LIST    PostgreSQL station counts, comma separated (default 1,2,4)
          --scales LIST      seizure scales of the copied case (default 1,10; 0 skips the copies)
          --seed N, --entries N, --full-every K, --records DIR
                             the case, as export-bench builds it (defaults 2021, 20000, 10, Benchmarks/Export/Records)
          --json             one JSON document (schema custody.bench.store/1) on stdout
        """

    static func parse(_ args: [String]) -> Options {
        var o = Options()
        var reader = OptionReader(args, usage: usage)
        while let argument = reader.next() {
            switch argument {
            case "--dir": o.directory = reader.value("--dir")
            case "--custody": o.custody = reader.value("--custody")
            case "--pg": o.server = reader.value("--pg")
            case "--appends": o.appends = reader.count("--appends", minimum: 0)
            case "--stations": o.stations = reader.value("--stations").split(separator: ",").map { reader.integer(String($0), "--stations", minimum: 1) }
            case "--scales":
                let text = reader.value("--scales")
                o.scales = text == "0" ? [] : text.split(separator: ",").map { Double($0) ?? 0 }
                guard o.scales.allSatisfy({ $0 > 0 }) else { fail("--scales needs positive numbers, e.g. 1,10 or 0.05 (or 0 for none)") }
            case "--seed": o.seed = reader.seed("--seed")
            case "--entries": o.entriesPerScale = reader.count("--entries", minimum: 1)
            case "--full-every": o.fullEvery = reader.count("--full-every", minimum: 1)
            case "--records": o.records = reader.value("--records")
            case "--json": o.json = true
            case "-h", "--help": print(usage); exit(0)
            default: reader.unknown(argument)
            }
        }
        guard o.directory != nil, o.custody != nil, o.server != nil else { fail("--dir, --custody and --pg are required\n\(usage)") }
        return o
    }
}

let noteItem = "EX-1"
let noteExaminer = technicians[0]

/// The text of station `tag`'s `index`-th note: unique, so the check can find every append once.
func noteText(_ tag: String, _ index: Int) -> String { "\(tag) note \(index): niêm phong còn nguyên (seal intact)" }

// MARK: One station (child mode)

/// What one station process reports on standard output.
struct StationRun: Codable {
    /// Seconds since 1970 when its first append started (≥ the agreed start) and its last one committed.
    var started: Double
    var finished: Double
    var appends: Int
}

/// A station process: opens the store with its key (its own connection), waits for the agreed
/// start time so that every station begins together, then appends `count` notes, each committed.
func stationChild(_ args: [String]) -> Never {
    guard args.count == 6, let count = Int(args[3]), let start = Double(args[4]) else { fail("--append-child needs STORE KEYFILE EXAMINER COUNT START TAG") }
    let (storeName, keyFile, examiner, tag) = (args[0], args[1], args[2], args[5])
    let store = must("open \(storeName)") { try CaseStore.open(store: storeName, stationKeyFile: keyFile) }
    let wait = start - Date().timeIntervalSince1970
    if wait > 0 { usleep(UInt32(wait * 1_000_000)) }
    let started = Date().timeIntervalSince1970
    for i in 0..<count {
        _ = must("append note \(i)") { try store.recordEvent(.custodyNote, label: noteItem, details: ["text": noteText(tag, i)], by: examiner) }
    }
    let run = StationRun(started: started, finished: Date().timeIntervalSince1970, appends: count)
    print(String(decoding: must("encode") { try JSONEncoder().encode(run) }, as: UTF8.self))
    exit(0)
}

if CommandLine.arguments.count > 1, CommandLine.arguments[1] == "--append-child" { stationChild(Array(CommandLine.arguments.dropFirst(2))) }

let options = Options.parse(Array(CommandLine.arguments.dropFirst()))
let workDir = options.directory!
let custody = options.custody!
let serverURL = options.server!
guard let sqlite3 = onPath("sqlite3") else { fail("the sqlite3 command is not on PATH: run Scripts/setup (Debian package sqlite3)") }
guard let psql = onPath("psql") else { fail("psql is not on PATH: run Scripts/setup (Debian package postgresql)") }
guard let pgDump = onPath("pg_dump") else { fail("pg_dump is not on PATH: run Scripts/setup (Debian package postgresql)") }
let bench = CommandLine.arguments[0].hasPrefix("/") ? CommandLine.arguments[0] : FileManager.default.currentDirectoryPath + "/" + CommandLine.arguments[0]

func path(_ parts: String...) -> String { ([workDir] + parts).joined(separator: "/") }

/// Runs `body` on a shell script (`bash -euo pipefail`) and returns the measured run.
func measuredScript(_ name: String, _ script: String) -> Run {
    let file = path(name + ".sh"), err = path(name + ".stderr")
    must("write \(file)") { try script.write(toFile: file, atomically: true, encoding: .utf8) }
    return Run(spawnMeasured("/bin/bash", ["-euo", "pipefail", file], stderrPath: err), stderrPath: err)
}

/// The 1-, 5- and 15-minute load averages (/proc/loadavg), for the report: the machine is shared.
func loadAverage() -> String {
    ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "").split(separator: " ").prefix(3).joined(separator: " ")
}

/// A single-quoted shell word.
func shellQuoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

/// Creates the empty database `name` on the server with psql and returns its URL.
func createDatabase(_ name: String) -> String {
    let run = measuredScript("createdb-\(name)", "\(psql) -X -q -v ON_ERROR_STOP=1 -d \(shellQuoted(serverURL)) -c 'DROP DATABASE IF EXISTS \(name)' -c 'CREATE DATABASE \(name)'\n")
    if let failure = run.failure { fail("psql could not create the database \(name): \(failure)") }
    guard var components = URLComponents(string: serverURL) else { fail("--pg \(serverURL) is not a URL") }
    components.path = "/" + name
    return components.string!
}

// MARK: Appends

struct AppendResult: Encodable {
    var backend: String
    var stations: Int
    var appends: Int
    /// From the agreed start to the last station's last commit.
    var seconds: Double
    var appendsPerSecond: Double
    /// Each station's own appends per second (its first to its last append).
    var stationRates: [Double]
    /// The largest station process's peak resident set.
    var stationPeakRSSBytes: Int64
    /// Entries before the run and after it; the ledger verified after the run.
    var entriesBefore: Int
    var entriesAfter: Int
    var verified: Bool
    /// The load averages when the run began.
    var load: String
}

/// A case with the item `noteItem` and the examiner `noteExaminer`, and the key files of
/// `stations` stations that may sign in it (the first is the case's own key).
func appendCase(postgres: Bool, stations: Int) -> (store: String, keys: [String]) {
    let folder = path("appends-\(postgres ? "pg" : "sqlite")-\(stations)")
    try? FileManager.default.removeItem(atPath: folder)
    must("create \(folder)") { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
    let new = CaseStore.NewCase(name: "Store benchmark", agency: "C03 Hà Nội", authority: "W-2021-10", timeZone: "Asia/Ho_Chi_Minh",
                                examiner: .init(id: clerk, name: "Nguyễn Văn A"))
    let store: CaseStore, location: String
    var keys: [String]
    if postgres {
        location = createDatabase("appends_pg_\(stations)")
        let (created, keyFile) = must("create the PostgreSQL case") { try CaseStore.create(postgres: location, keyFile: folder + "/case.key", new) }
        store = created
        keys = [keyFile]
    } else {
        location = folder + "/case"
        store = must("create the SQLite case") { try CaseStore.create(directory: location, new) }
        keys = [location + "/" + CaseStore.keyName]
    }
    must("set up the case") {
        try store.addExaminer(id: noteExaminer, name: "Kỹ thuật viên 1", role: .technician, by: clerk)
        try store.recordEvent(.custodySeize, label: noteItem, details: ["where": "Hà Nội", "from": "suspect"], by: noteExaminer)
        for n in 1..<stations {
            let name = "bench-\(n + 1)"
            let key = try StationKey.generate(name: CaseStore.stationKeyName(caseID: store.caseID, station: name))
            let file = folder + "/\(name).key"
            guard FileManager.default.createFile(atPath: file, contents: Data(key.privateKeyFile.utf8), attributes: [.posixPermissions: 0o600]) else {
                fail("cannot write \(file)")
            }
            try store.addStation(key.verifierKey, name: name, by: clerk)
            keys.append(file)
        }
    }
    return (location, keys)
}

/// `appends` notes by `stations` station processes started together on one case, then the check
/// that the ledger verifies and holds exactly the notes the stations made, each once.
func measureAppends(postgres: Bool, stations: Int) -> AppendResult {
    let backend = postgres ? "PostgreSQL" : "SQLite"
    let (store, keys) = appendCase(postgres: postgres, stations: stations)
    let before = must("count the entries") { try CaseStore.open(store: store).lineRecords().count }
    let perStation = options.appends / stations
    let load = loadAverage()
    // Every station opens its store first, then all start at this moment.
    let start = Date().timeIntervalSince1970 + 3
    let runs = ChildResults(count: stations)
    let done = DispatchGroup()
    // One thread per station (not concurrentPerform, which runs only as many at once as there are cores).
    for s in 0..<stations {
        let out = path("station-\(backend)-\(stations)-\(s + 1).json"), err = out + ".stderr"
        done.enter()
        Thread.detachNewThread {
            let child = spawnMeasured(bench, ["--append-child", store, keys[s], noteExaminer, String(perStation), String(start), "station \(s + 1)"],
                                      stdoutPath: out, stderrPath: err)
            let report = FileManager.default.contents(atPath: out).flatMap { try? JSONDecoder().decode(StationRun.self, from: $0) }
            runs.set(s, (Run(child, stderrPath: err), report))
            done.leave()
        }
    }
    done.wait()
    var reports = [StationRun]()
    var peak: Int64 = 0
    for (s, result) in runs.all.enumerated() {
        guard let (run, report) = result, run.status == 0, let report else {
            fail("\(backend) station \(s + 1) of \(stations) failed: \(runs.all[s]?.0.failure ?? "no report")")
        }
        reports.append(report)
        peak = max(peak, run.peakRSSBytes)
    }
    if let late = reports.map(\.started).max(), late - start > 0.5 {
        note("\(backend) \(stations) stations: a station started \(fmt(late - start, 2)) s after the agreed start (opening its store took longer than 3 s)")
    }
    let seconds = reports.map(\.finished).max()! - start

    // The check: every entry verifies; after the setup exactly the stations' notes, each once, each signed by its own station.
    let opened = must("open \(store)") { try CaseStore.open(store: store) }
    let verification = must("verify") { try opened.verify() }
    if let failure = verification.failure { fail("\(backend) \(stations) stations: the ledger does not verify after the run: \(failure)") }
    let entries = must("read the entries") { try opened.entries() }
    var expected = Set((0..<stations).flatMap { s in (0..<perStation).map { noteText("station \(s + 1)", $0) } })
    var signers = [KeyID: Int]()
    for e in entries.dropFirst(before) {
        guard e.entry.action == .custodyNote, e.entry.subjects == [noteItem], let text = e.entry.payload["text"]?.stringValue,
              expected.remove(text) != nil else {
            fail("\(backend) \(stations) stations: entry \(e.entry.sequence) is not one of the expected notes (or a second copy of one)")
        }
        signers[e.entry.station, default: 0] += 1
    }
    guard expected.isEmpty, entries.count == before + perStation * stations else {
        fail("\(backend) \(stations) stations: \(expected.count) notes missing; \(entries.count) entries, expected \(before + perStation * stations)")
    }
    guard signers.count == stations, signers.values.allSatisfy({ $0 == perStation }) else {
        fail("\(backend) \(stations) stations: notes signed by \(signers.count) keys, \(signers.values.sorted()) each; expected \(stations) × \(perStation)")
    }
    return AppendResult(backend: backend, stations: stations, appends: perStation * stations, seconds: seconds,
                        appendsPerSecond: Double(perStation * stations) / seconds,
                        stationRates: reports.map { Double($0.appends) / ($0.finished - $0.started) }, stationPeakRSSBytes: peak,
                        entriesBefore: before, entriesAfter: entries.count, verified: true, load: load)
}

/// The station processes' results, written from their threads. `@unchecked Sendable`:
/// every access holds `lock`.
final class ChildResults: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [(Run, StationRun?)?]
    init(count: Int) { results = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: (Run, StationRun?)) { lock.withLock { results[index] = value } }
    var all: [(Run, StationRun?)?] { lock.withLock { results } }
}

// MARK: Copies

/// The tables `custody case copy` fills, in its order, with their columns (CaseStore's
/// `copiedTables`); `blobs` are the BLOB/BYTEA columns, `nullable` those that may be NULL.
let copiedTables: [(name: String, columns: [String], blobs: [String], nullable: [String])] = [
    ("case_info", ["id", "name", "agency", "authority", "timeZone", "stationKey", "createdAt"], [], []),
    ("examiner", ["id", "name", "role", "seq"], [], []),
    ("station", ["keyID", "name", "key", "addedSeq", "revokedSeq", "revokeReason"], [], ["revokedSeq", "revokeReason"]),
    ("ledger_entry", ["seq", "line"], ["line"], []),
    ("item", ["label", "type", "parent", "identifiers", "seq", "attributes"], [], ["parent"]),
    ("item_identifier", ["label", "kind", "value"], [], []),
    ("acquisition", ["seq", "item", "iccid", "scope", "complete", "contentSHA256", "transcriptSHA256", "recordSHA256", "record"], ["record"], ["item", "iccid"]),
    ("photo", ["seq", "item", "sha256", "path", "originalName", "bytes"], [], []),
    ("checkpoint", ["id", "size", "root", "note", "createdAt"], [], []),
]

struct CopyResult: Encodable {
    var direction: String
    var copy: Run
    /// The copy's report (`custody case copy --json`): entries, items, acquisitions, ledger SHA-256.
    var copyReport: String?
    var baseline: Run
    var baselineDescription: String
    var timeRatio: Double
    var memoryRatio: Double
    /// The load averages when the copy began.
    var load: String
}

struct ScaleResult: Encodable {
    var scale: Double
    var shape: CaseShape
    var copies: [CopyResult]
}

/// The seizure case at `scale` (SQLite), copied to PostgreSQL and back to a folder by
/// `custody case copy`, each beside the baseline: the same rows as CSV out of one database with
/// its own client and into the other with the other's (one transaction, schema made beforehand).
func measureCopies(scale: Double, templates: RecordTemplates) -> ScaleResult {
    let dir = path("scale-\(scale)")
    try? FileManager.default.removeItem(atPath: dir)
    must("create \(dir)") { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
    let tag = String(scale).replacingOccurrences(of: ".", with: "_")
    note("scale \(scale): building the case")
    let caseDir = dir + "/case"
    let recipe = CaseRecipe(scale: scale, seed: options.seed, entriesPerScale: options.entriesPerScale, fullEvery: options.fullEvery)
    let shape = buildSeizureCase(recipe, directory: caseDir, templates: templates).1
    note("scale \(scale): \(shape.items) items, \(shape.sims) SIMs, \(shape.entries) entries, built in \(fmt(shape.buildSeconds, 1)) s")
    let database = caseDir + "/" + CaseStore.databaseName

    func copy(_ from: String, _ to: String, _ name: String) -> (Run, String?) {
        let out = dir + "/\(name).json", err = dir + "/\(name).stderr"
        let run = Run(spawnMeasured(custody, ["case", "copy", "--from", from, "--to", to, "--json"], stdoutPath: out, stderrPath: err), stderrPath: err)
        if let failure = run.failure { fail("scale \(scale): custody case copy \(name) failed after \(fmt(run.seconds, 1)) s: \(failure)") }
        return (run, try? String(contentsOfFile: out, encoding: .utf8))
    }

    // SQLite → PostgreSQL.
    note("scale \(scale): SQLite → PostgreSQL (sqlite3 -csv + psql \\copy, custody case copy)")
    let copyPG = createDatabase("copy_\(tag)_pg"), basePG = createDatabase("base_\(tag)_pg")
    let toPGLoad = loadAverage()
    let (toPG, toPGReport) = copy(caseDir, copyPG, "copy-to-pg")
    let schema = measuredScript("schema-\(tag)-pg", "\(pgDump) --schema-only --no-owner -d \(shellQuoted(copyPG)) | \(psql) -X -q -v ON_ERROR_STOP=1 -d \(shellQuoted(basePG))\n")
    if let failure = schema.failure { fail("scale \(scale): cannot make the baseline's PostgreSQL schema: \(failure)") }
    var dumpToPG = "", loadToPG = "BEGIN;\n"
    for t in copiedTables {
        let csv = dir + "/base-sqlite-\(t.name).csv"
        // BLOBs as PostgreSQL's hex input form (\x…), which BYTEA reads as the same bytes.
        let select = t.columns.map { t.blobs.contains($0) ? "char(92, 120) || hex(\($0))" : $0 }.joined(separator: ", ")
        dumpToPG += "\(sqlite3) -csv -readonly \(shellQuoted(database)) \(shellQuoted("SELECT \(select) FROM \(t.name);")) > \(shellQuoted(csv))\n"
        loadToPG += "\\copy \(t.name) (\(t.columns.joined(separator: ", "))) FROM \(shellQuoted(csv)) WITH (FORMAT csv)\n"
    }
    loadToPG += "COMMIT;\n"
    must("write the load script") { try loadToPG.write(toFile: dir + "/base-load-pg.sql", atomically: true, encoding: .utf8) }
    let toPGBase = measuredScript("base-\(tag)-to-pg", dumpToPG + "\(psql) -X -q -v ON_ERROR_STOP=1 -d \(shellQuoted(basePG)) -f \(shellQuoted(dir + "/base-load-pg.sql"))\n")
    if let failure = toPGBase.failure { fail("scale \(scale): the SQLite → PostgreSQL baseline failed: \(failure)") }

    // PostgreSQL → folder.
    note("scale \(scale): PostgreSQL → folder (psql \\copy + sqlite3 .import, custody case copy)")
    let folder = dir + "/folder-copy"
    let toFolderLoad = loadAverage()
    let (toFolder, toFolderReport) = copy(copyPG, folder, "copy-to-folder")
    let baseSQLite = dir + "/base.sqlite"
    let sqliteSchema = measuredScript("schema-\(tag)-sqlite",
                                      "\(sqlite3) -readonly \(shellQuoted(database)) .schema | grep -v sqlite_sequence | \(sqlite3) \(shellQuoted(baseSQLite))\n")
    if let failure = sqliteSchema.failure { fail("scale \(scale): cannot make the baseline's SQLite schema: \(failure)") }
    var dumpFromPG = "", loadFromPG = "PRAGMA journal_mode = WAL;\nBEGIN;\n"
    for t in copiedTables {
        let csv = dir + "/base-pg-\(t.name).csv"
        // BYTEA would come out as \x…; the bytes are UTF-8 JSON, so the CSV carries them as text
        // and CAST(… AS BLOB) stores them as the BLOBs a case folder holds. .import reads an
        // empty field as '': the nullable columns get their NULLs back.
        let select = t.columns.map { t.blobs.contains($0) ? "convert_from(\($0), 'UTF8')" : $0 }.joined(separator: ", ")
        dumpFromPG += "\(psql) -X -q -v ON_ERROR_STOP=1 -d \(shellQuoted(copyPG)) -c \(shellQuoted("\\copy (SELECT \(select) FROM \(t.name)) TO '\(csv)' WITH (FORMAT csv)"))\n"
        loadFromPG += ".import --csv \(csv) \(t.name)\n"
        for b in t.blobs { loadFromPG += "UPDATE \(t.name) SET \(b) = CAST(\(b) AS BLOB);\n" }
        for n in t.nullable { loadFromPG += "UPDATE \(t.name) SET \(n) = NULL WHERE \(n) = '';\n" }
    }
    loadFromPG += "COMMIT;\n"
    must("write the load script") { try loadFromPG.write(toFile: dir + "/base-load-sqlite.sql", atomically: true, encoding: .utf8) }
    let toFolderBase = measuredScript("base-\(tag)-to-sqlite", dumpFromPG + "\(sqlite3) -bail \(shellQuoted(baseSQLite)) < \(shellQuoted(dir + "/base-load-sqlite.sql"))\n")
    if let failure = toFolderBase.failure { fail("scale \(scale): the PostgreSQL → SQLite baseline failed: \(failure)") }
    checkBaselines(database: database, baseSQLite: baseSQLite, basePG: basePG, scale: scale)

    func result(_ direction: String, _ run: Run, _ report: String?, _ base: Run, _ description: String, _ load: String) -> CopyResult {
        CopyResult(direction: direction, copy: run, copyReport: report, baseline: base, baselineDescription: description,
                   timeRatio: run.seconds / base.seconds, memoryRatio: Double(run.peakRSSBytes) / Double(max(base.peakRSSBytes, 1)), load: load)
    }
    return ScaleResult(scale: scale, shape: shape, copies: [
        result("SQLite → PostgreSQL", toPG, toPGReport, toPGBase, "sqlite3 -csv of the 9 tables to files, then psql \\copy into the same schema in one transaction", toPGLoad),
        result("PostgreSQL → folder", toFolder, toFolderReport, toFolderBase, "psql \\copy of the 9 tables to CSV files, then sqlite3 .import into the same schema in one transaction", toFolderLoad),
    ])
}

/// The baselines moved the same rows: per table, the SQLite baseline's row count, bytes of the
/// last column and storage type of the BLOB (or last) column are the source's, and the
/// PostgreSQL baseline's row counts are the source's.
func checkBaselines(database: String, baseSQLite: String, basePG: String, scale: Double) {
    func tableSummary(_ file: String) -> String {
        let out = path("summary.out")
        let script = copiedTables.map { t in
            "\(sqlite3) -readonly \(shellQuoted(file)) \(shellQuoted("SELECT count(*), sum(length(CAST(\(t.columns.last!) AS BLOB))), typeof(\(t.blobs.first ?? t.columns.last!)) FROM \(t.name) LIMIT 1;"))"
        }.joined(separator: "\n") + "\n"
        let run = spawnMeasured("/bin/bash", ["-euo", "pipefail", "-c", script], stdoutPath: out, stderrPath: out + ".err")
        guard run.status == 0 else { fail("scale \(scale): cannot read \(file) to check the baseline") }
        return (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
    }
    let source = tableSummary(database), copied = tableSummary(baseSQLite)
    guard source == copied else { fail("scale \(scale): the PostgreSQL → SQLite baseline does not hold the source's rows:\n\(source)\nvs\n\(copied)") }
    let out = path("pgcount.out")
    let counts = copiedTables.flatMap { ["-c", "SELECT count(*) FROM \($0.name)"] }
    let run = spawnMeasured(psql, ["-X", "-q", "-t", "-A", "-d", basePG] + counts, stdoutPath: out, stderrPath: out + ".err")
    let pgCounts = ((try? String(contentsOfFile: out, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    let sqliteCounts = source.split(separator: "\n").map { String($0.split(separator: "|")[0]) }
    guard run.status == 0, pgCounts == sqliteCounts else { fail("scale \(scale): the SQLite → PostgreSQL baseline holds \(pgCounts) rows, the source \(sqliteCounts)") }
}

// MARK: Reporting

struct Report: Encodable {
    var schema = "custody.bench.store/1"
    var appends: [AppendResult]
    /// PostgreSQL with 1 station over SQLite; PostgreSQL with k stations over 1 station.
    var ratios: [String: Double]
    var scales: [ScaleResult]
}

func mb(_ bytes: Int64) -> String { fmt(Double(bytes) / 1_048_576, 1) + " MiB" }

var appendResults = [AppendResult]()
if options.appends > 0 {
    note("appends: SQLite, 1 station, \(options.appends) notes")
    appendResults.append(measureAppends(postgres: false, stations: 1))
    for k in options.stations {
        note("appends: PostgreSQL, \(k) station\(k == 1 ? "" : "s"), \(options.appends) notes")
        appendResults.append(measureAppends(postgres: true, stations: k))
    }
}
var ratios = [String: Double]()
let sqliteRate = appendResults.first { $0.backend == "SQLite" }?.appendsPerSecond
let pgOne = appendResults.first { $0.backend == "PostgreSQL" && $0.stations == 1 }?.appendsPerSecond
if let sqliteRate, let pgOne { ratios["PG-1/SQLite-1"] = pgOne / sqliteRate }
for r in appendResults where r.backend == "PostgreSQL" && r.stations > 1 {
    if let pgOne { ratios["PG-\(r.stations)/PG-1"] = r.appendsPerSecond / pgOne }
}
if !options.json, !appendResults.isEmpty {
    print("| store | stations | appends | time | appends/s | per station (appends/s) | station peak RSS | entries before → after | ratio | load |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in appendResults {
        let ratio = r.backend == "SQLite" ? "" : r.stations == 1 ? ratios["PG-1/SQLite-1"].map { "PG-1/SQLite-1 \(fmt($0, 2))" } ?? ""
            : ratios["PG-\(r.stations)/PG-1"].map { "PG-\(r.stations)/PG-1 \(fmt($0, 2))" } ?? ""
        print("| \(r.backend) | \(r.stations) | \(r.appends) | \(fmt(r.seconds, 1)) s | \(fmt(r.appendsPerSecond, 0)) | \(r.stationRates.map { fmt($0, 0) }.joined(separator: " / ")) | \(mb(r.stationPeakRSSBytes)) | \(r.entriesBefore) → \(r.entriesAfter) (verifies) | \(ratio) | \(r.load) |")
    }
    print("")
}

let templates = RecordTemplates(directory: options.records)
var scaleResults = [ScaleResult]()
for scale in options.scales {
    let r = measureCopies(scale: scale, templates: templates)
    scaleResults.append(r)
    if !options.json {
        let s = r.shape
        print("scale \(r.scale): \(s.items) items, \(s.sims) SIMs (\(s.fullReads) full reads), \(s.entries) ledger entries, case database \(mb(s.databaseBytes)), built in \(fmt(s.buildSeconds, 1)) s")
        print("| custody case copy | time | peak RSS | baseline | baseline time | baseline peak RSS | time ratio | memory ratio | load |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for c in r.copies {
            print("| \(c.direction) | \(fmt(c.copy.seconds, 1)) s | \(mb(c.copy.peakRSSBytes)) | \(c.baselineDescription) | \(fmt(c.baseline.seconds, 1)) s | \(mb(c.baseline.peakRSSBytes)) | \(fmt(c.timeRatio, 1)) | \(fmt(c.memoryRatio, 1)) | \(c.load) |")
        }
        print("")
    }
}
if options.json {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    print(String(decoding: must("encode the report") { try encoder.encode(Report(appends: appendResults, ratios: ratios, scales: scaleResults)) }, as: UTF8.self))
}
