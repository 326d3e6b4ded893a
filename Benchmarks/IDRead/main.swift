import BenchmarkSupport
import ByteText
// id-read-bench: how fast Custody's ID read (or, with --scope full, its full acquisition) is
// on a reader, against the same APDUs sent raw.
//
//   id-read-bench [--scope identity|full] [--reads N] [--warmup N] [--library-reads N]
//                 [--labels readers.tsv] [--json] [READER...]
//
// For each reader (default: every reader holding a card), connect once (exclusive), then
// interleave reads (`SIMReader().read(…, scope:)`) with raw replays of that card's reference
// command bytes through `PCSCCard.transmit`. See docs/BENCHMARKS.md.
import Foundation
import PCSC
import SIMCard
import Workbench

struct Options {
    var scope: AcquisitionScope = .identity
    var reads = 60
    var warmup = 5
    var libraryReads = 300
    var json = false
    var labels: String?
    var readers: [String] = []

    static let usage = """
        usage: id-read-bench [--scope identity|full] [--reads N] [--warmup N] [--library-reads N]
                             [--labels readers.tsv] [--json] [READER...]
          --scope S          identity (default): the ID read; full: the full acquisition
          --reads N          measured reads and raw replays per reader (default 60)
          --warmup N         unmeasured reads and replays first (default 5)
          --library-reads N  reads over the recorded answers, no I/O (default 300; 0 = skip)
          --labels FILE      rig readers.tsv: name each reader by its profile
          --json             print JSON instead of the table
          READER             reader names (default: all readers with a card)
        """

    static func parse(_ args: [String]) -> Options {
        var o = Options()
        var reader = OptionReader(args, usage: usage)
        while let argument = reader.next() {
            switch argument {
            case "--scope":
                let text = reader.value("--scope")
                guard let scope = AcquisitionScope(rawValue: text) else { fail("--scope must be identity or full, not \"\(text)\"") }
                o.scope = scope
            case "--reads": o.reads = reader.count("--reads", minimum: 1)
            case "--warmup": o.warmup = reader.count("--warmup", minimum: 1)
            case "--library-reads": o.libraryReads = reader.count("--library-reads", minimum: 0)
            case "--labels": o.labels = reader.value("--labels")
            case "--json": o.json = true
            case "-h", "--help": print(usage); exit(0)
            case let a where a.hasPrefix("--"): fail("unknown option \(a)\n\(usage)")
            case let a: o.readers.append(a)
            }
        }
        return o
    }
}

/// One reader's results.
struct CardResult: Encodable {
    var reader: String
    var label: String
    var cardType: String
    var cardProtocol: String
    var atrProtocols: [String]
    var apdusPerRead: Int
    /// APDUs per read by instruction (SELECT, GET RESPONSE, READ BINARY/RECORD, PIN queries).
    var apdusByKind: APDUBreakdown
    /// Identity scope: `MinimumAPDUs`; full scope: `FullMinimum`.
    var minimum: Minimum
    var apduRatio: Double
    /// Full scope: directory SELECTs (+ GET RESPONSEs) and how many of them a walker that
    /// tracked the current DF would not send.
    var reselection: Reselection?
    /// Full scope: files in the reference acquisition by status, records and bytes read.
    var cardContent: CardContent?
    /// Full scope: files found vs read (the acquisition's own count).
    var coverage: AcquisitionCoverage?
    /// Full scope: what pySim-shell's export would send for this card (`PySimExportEstimate`).
    var pySimExport: PySimExportEstimate?
    /// The library read (ID read, or full acquisition with --scope full).
    var idRead: Timing
    var rawReplay: Timing
    var timeRatio: Double
    var usPerAPDUIdRead: Double
    var usPerAPDURaw: Double
    /// Median over the measured reads of the transcript's own per-exchange times, summed.
    var transcriptExchangeMsMedian: Double
    /// The ID read over recorded answers (no card, no PC/SC): the library's own CPU cost.
    var libraryOnly: Timing?
    var readsPerMinute: Double
    /// Measured reads whose command sequence differed from the reference read.
    var sequenceChanges: Int
    /// Raw replays whose status words differed from the reference read's.
    var replayStatusMismatches: Int
    var warnings: [String]
}

/// The minimum of either scope, encoded as itself.
enum Minimum: Encodable {
    case identity(MinimumAPDUs)
    case full(FullMinimum)
    var total: Int {
        switch self {
        case .identity(let m): m.total
        case .full(let m): m.total
        }
    }
    func encode(to encoder: any Encoder) throws {
        switch self {
        case .identity(let m): try m.encode(to: encoder)
        case .full(let m): try m.encode(to: encoder)
        }
    }
}

struct CardContent: Encodable {
    var files: Int
    var filesByStatus: [String: Int]
    var records: Int
    var smsRecords: Int
    var adnRecords: Int
    var binaryBytes: Int

    init(_ a: SIMAcquisition) {
        files = a.files.count
        filesByStatus = Dictionary(grouping: a.files, by: \.status.rawValue).mapValues(\.count)
        records = a.files.reduce(0) { $0 + ($1.records?.count ?? 0) }
        smsRecords = a.files.filter { $0.path.hasSuffix("/6F3C") }.reduce(0) { $0 + ($1.records?.count ?? 0) }
        adnRecords = a.files.filter { $0.path.hasSuffix("/6F3A") }.reduce(0) { $0 + ($1.records?.count ?? 0) }
        binaryBytes = a.files.reduce(0) { $0 + ($1.contentBytes?.count ?? 0) }
    }
}

struct Report: Encodable {
    var schema: String
    var scope: String
    var startup: Startup
    var reads: Int
    var warmup: Int
    var libraryReads: Int
    var cards: [CardResult]
}

let options = Options.parse(Array(CommandLine.arguments.dropFirst()))
let clock = ContinuousClock()

/// One-off cost paid by the first ID read of a process (so by every `custody sim read`):
/// parsing the bundled operator and issuer tables. Measured here, before any read.
struct Startup: Encodable {
    var operatorTableMs: Double
    var issuerTableMs: Double
}
let startup: Startup = {
    let t0 = clock.now
    _ = OperatorDirectory.shared
    let t1 = clock.now
    _ = IssuerDirectory.shared
    let t2 = clock.now
    return Startup(operatorTableMs: milliseconds(t1 - t0), issuerTableMs: milliseconds(t2 - t1))
}()

func labels(from path: String?) -> [String: String] {
    guard let path else { return [:] }
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { fail("cannot read \(path)") }
    var map: [String: String] = [:]
    for line in text.split(separator: "\n").dropFirst() {
        let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard cells.count >= 4 else { continue }
        map[cells[1]] = URL(fileURLWithPath: cells[3]).deletingPathExtension().lastPathComponent
    }
    return map
}

func bench(reader: String, label: String, context: PCSCContext) throws -> CardResult {
    let card = try context.connect(reader: reader, share: .exclusive)
    defer { try? card.disconnect() }
    let atr = try card.atr()
    // No watchdog thread per command: the library's own cost, as the raw transmit baseline pays none.
    let link = PCSCTransport(card: card, timeout: nil)
    let scope = options.scope
    var warnings: [String] = []

    // Warm-up: loads the operator and issuer tables (once per process), warms caches; the last
    // warm-up read is the reference whose commands are replayed.
    var reference = SIMReader().read(transport: link, atr: atr, reader: reader, scope: scope)
    for _ in 1..<options.warmup { reference = SIMReader().read(transport: link, atr: atr, reader: reader, scope: scope) }
    guard reference.complete else { throw BenchError.incomplete(reader, reference.incompleteReason ?? "?") }
    let sent = reference.transcript.entries.filter { $0.sw != nil }
    let commands = sent.map { Hex.bytes($0.command)! }
    let expectedSW = sent.map { $0.sw! }
    let referenceCommands = reference.transcript.entries.map(\.command)

    func replay() throws -> [[UInt8]] {
        var answers: [[UInt8]] = []
        answers.reserveCapacity(commands.count)
        for command in commands { answers.append(try card.transmit(command)) }
        return answers
    }
    for _ in 0..<options.warmup { _ = try replay() }

    var idTimes: [Duration] = [], rawTimes: [Duration] = [], exchangeMs: [Double] = []
    var sequenceChanges = 0, mismatches = 0
    func measureID() {
        let start = clock.now
        let identity = SIMReader().read(transport: link, atr: atr, reader: reader, scope: scope)
        idTimes.append(clock.now - start)
        if !identity.complete || identity.transcript.entries.map(\.command) != referenceCommands { sequenceChanges += 1 }
        exchangeMs.append(Double(identity.transcript.entries.reduce(0) { $0 + $1.microseconds }) / 1000)
    }
    func measureRaw() throws {
        let start = clock.now
        let answers = try replay()
        rawTimes.append(clock.now - start)
        let sws = answers.map { Hex.string($0.suffix(2)) }
        if sws != expectedSW { mismatches += 1 }
    }
    // Interleaved, alternating which goes first (ABBA), so drift and noise hit both alike.
    for i in 0..<options.reads {
        if i % 2 == 0 { measureID(); try measureRaw() } else { try measureRaw(); measureID() }
    }

    var library: Timing?
    if options.libraryReads > 0 {
        let recorded = RecordedCard(transcript: reference.transcript)
        var times: [Duration] = []
        for i in 0..<(options.libraryReads + options.warmup) {
            recorded.rewind()
            let start = clock.now
            let identity = SIMReader().read(transport: recorded, atr: atr, reader: reader, scope: scope)
            let elapsed = clock.now - start
            if i >= options.warmup { times.append(elapsed) }
            if identity.contentSHA256 != reference.contentSHA256 {
                warnings.append("in-memory read decoded differently from the card read"); break
            }
        }
        library = Timing(times)
    }

    let proto = card.activeProtocol.rawValue
    let usesGetResponse = commands.contains { $0.count >= 2 && $0[1] == 0xC0 }
    let minimum: Minimum
    switch scope {
    case .identity:
        let m = MinimumAPDUs(.init(identity: reference, protocolName: proto))
        if usesGetResponse != (m.style == .getResponse) {
            warnings.append("protocol \(proto) but the card \(usesGetResponse ? "needed" : "did not need") GET RESPONSE: minimum assumes \(m.style.rawValue)")
        }
        minimum = .identity(m)
    case .full:
        minimum = .full(FullMinimum(acquisition: reference, getResponse: usesGetResponse))
    }
    if sequenceChanges > 0 { warnings.append("\(sequenceChanges) measured read(s) sent a different command sequence") }
    if mismatches > 0 { warnings.append("\(mismatches) raw replay(s) got different status words from the reference read") }

    let id = Timing(idTimes), raw = Timing(rawTimes)
    let apdus = reference.apduCount
    return CardResult(
        reader: reader, label: label, cardType: reference.cardType?.rawValue ?? "?", cardProtocol: proto,
        atrProtocols: reference.atrProtocols, apdusPerRead: apdus, apdusByKind: APDUBreakdown(reference.transcript),
        minimum: minimum, apduRatio: Double(apdus) / Double(max(1, minimum.total)),
        reselection: scope == .full ? Reselection(reference.transcript) : nil,
        cardContent: scope == .full ? CardContent(reference) : nil,
        coverage: reference.summary?.coverage,
        pySimExport: scope == .full ? PySimExportEstimate(acquisition: reference, getResponse: usesGetResponse) : nil,
        idRead: id, rawReplay: raw, timeRatio: id.medianMs / max(raw.medianMs, 1e-9),
        usPerAPDUIdRead: id.medianMs * 1000 / Double(apdus), usPerAPDURaw: raw.medianMs * 1000 / Double(commands.count),
        transcriptExchangeMsMedian: percentile(exchangeMs.sorted(), 0.5),
        libraryOnly: library, readsPerMinute: 60_000 / id.medianMs,
        sequenceChanges: sequenceChanges, replayStatusMismatches: mismatches, warnings: warnings)
}

enum BenchError: Error, CustomStringConvertible {
    case incomplete(String, String)
    var description: String {
        switch self {
        case .incomplete(let r, let why): "\(options.scope == .full ? "full" : "ID") read on \"\(r)\" is incomplete: \(why)"
        }
    }
}

// ---- run ----
let context: PCSCContext
do { context = try PCSCContext() } catch { fail("\(error) (is pcscd running? for the rig: source DIR/env)") }
let nameOf = labels(from: options.labels)
var readers = options.readers
if readers.isEmpty {
    do {
        readers = try context.states(of: context.readers()).filter(\.cardPresent).map(\.reader)
    } catch { fail("\(error)") }
    if readers.isEmpty { fail("no reader holds a card") }
}

var results: [CardResult] = []
var failed = false
for reader in readers {
    let label = nameOf[reader] ?? reader
    if !options.json { note("\(label): \(options.warmup) warm-up + \(options.reads) measured \(options.scope == .full ? "full" : "ID") reads on \"\(reader)\"") }
    do {
        results.append(try bench(reader: reader, label: label, context: context))
    } catch {
        note("\(label): \(error)")
        failed = true
    }
}

if options.json {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let data = try encoder.encode(Report(schema: options.scope == .full ? "custody.bench.full-read/1" : "custody.bench.id-read/1",
                                         scope: options.scope.rawValue, startup: startup, reads: options.reads, warmup: options.warmup,
                                         libraryReads: options.libraryReads, cards: results))
    print(String(decoding: data, as: UTF8.self))
} else if options.scope == .full {
    printFullTable(results)
} else {
    let header = ["card", "type", "proto", "APDUs", "min", "APDU/min", "ID ms", "ID p90", "raw ms", "ID/raw",
                  "µs/APDU ID", "µs/APDU raw", "lib ms", "reads/min"]
    let rows = results.map { r in
        [r.label, r.cardType, r.cardProtocol, String(r.apdusPerRead), String(r.minimum.total), fmt(r.apduRatio),
         fmt(r.idRead.medianMs), fmt(r.idRead.p90Ms), fmt(r.rawReplay.medianMs), fmt(r.timeRatio),
         fmt(r.usPerAPDUIdRead, 0), fmt(r.usPerAPDURaw, 0), r.libraryOnly.map { fmt($0.medianMs, 3) } ?? "-",
         fmt(r.readsPerMinute, 0)]
    }
    print("ID read vs raw transmit of the same APDUs: \(options.reads) interleaved reads per card, medians (ms)")
    print(table(header, rows))
    if !results.isEmpty {
        let idRatios = results.map(\.timeRatio).sorted(), apduRatios = results.map(\.apduRatio).sorted()
        print("")
        print("ID/raw time ratio: median \(fmt(percentile(idRatios, 0.5))), range \(fmt(idRatios.first!))–\(fmt(idRatios.last!))")
        print("APDUs/minimum:     median \(fmt(percentile(apduRatios, 0.5))), range \(fmt(apduRatios.first!))–\(fmt(apduRatios.last!))")
        print("lib ms = the same ID read over recorded answers (no card, no PC/SC): the library's own CPU time per read")
        print("reads/min = 60000 / ID median: sustained ID reads per minute on one reader")
        print("once per process (every `custody sim read`): operator table \(fmt(startup.operatorTableMs)) ms + issuer table \(fmt(startup.issuerTableMs)) ms to load")
    }
    for r in results {
        for w in r.warnings { print("warning: \(r.label): \(w)") }
    }
}
if failed { exit(1) }
