import BenchmarkSupport
// batch-bench: throughput of `custody sim watch` on the virtual rig, on 1 and on 4 readers,
// against the bare card swap (remove, pcscd sees the reader empty, insert, pcscd sees the card)
// measured in the same run. See docs/BENCHMARKS.md, "Batch reading".
//
//   batch-bench --rig DIR --custody PATH --work DIR [--cards N] [--readers K...]
//               [--baseline-swaps M] [--rereads] [--json] PROFILE...
import Foundation
import Synchronization

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

struct Options {
    var rig = ""
    var custody = ""
    var work = ""
    var cards = 1000
    var readerCounts = [1, 4]
    var baselineSwaps = 40
    var rereads = false
    var json = false
    var profiles: [String] = []

    static let usage = """
        usage: batch-bench --rig DIR --custody PATH --work DIR [--cards N] [--readers K...]
                           [--baseline-swaps M] [--rereads] [--json] PROFILE...
          --rig DIR           a running Scripts/rig (its readers.tsv; PCSCLITE_CSOCK_NAME from its env)
          --custody PATH      the custody binary to measure (release build)
          --work DIR          an empty folder for the cases and generated profiles
          --cards N           card insertions per configuration (default 1000)
          --readers K...      reader counts to measure (default 1 4)
          --baseline-swaps M  bare swap cycles per reader before each configuration (default 40)
          --rereads           insert the PROFILEs as they are, in turn (most reads are re-reads)
                              instead of N distinct cards made from them
          --json              print JSON (schema custody.bench.batch/1) instead of the table
          PROFILE             base card profiles (Evidence/cards/*.json)
        """

    static func parse(_ args: [String]) -> Options {
        var o = Options()
        var cursor = OptionReader(args, usage: usage)
        while let argument = cursor.next() {
            switch argument {
            case "--rig": o.rig = cursor.value("--rig")
            case "--custody": o.custody = cursor.value("--custody")
            case "--work": o.work = cursor.value("--work")
            case "--cards": o.cards = cursor.count("--cards", minimum: 1)
            case "--baseline-swaps": o.baselineSwaps = cursor.count("--baseline-swaps", minimum: 1)
            case "--readers":
                o.readerCounts = []
                while cursor.operandFollows { o.readerCounts.append(cursor.integer(cursor.next()!, "--readers", minimum: 1)) }
                if o.readerCounts.isEmpty { fail("--readers needs at least one count\n\(usage)") }
            case "--rereads": o.rereads = true
            case "--json": o.json = true
            case "-h", "--help": print(usage); exit(0)
            case let a where a.hasPrefix("--"): cursor.unknown(a)
            case let a: o.profiles.append(a)
            }
        }
        if o.rig.isEmpty || o.custody.isEmpty || o.work.isEmpty { fail("--rig, --custody and --work are required\n\(usage)") }
        if o.profiles.isEmpty { fail("give the base card profiles (Evidence/cards/*.json)\n\(usage)") }
        return o
    }
}

/// Milliseconds from `start` to `end`.
func ms(_ start: ContinuousClock.Instant, _ end: ContinuousClock.Instant) -> Double { milliseconds(end - start) }

/// A value shared between threads (a `Mutex` in a class, so closures can capture it).
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<T>(_ body: (inout Value) -> T) -> T { mutex.withLock { body(&$0) } }
    var value: Value { mutex.withLock { $0 } }
}

/// Runs `body(j)` for j in 0..<count on threads of their own, all released at once after every
/// one has run `prepare`; returns when all are done. The first error thrown is rethrown.
func inParallel<Prepared>(_ count: Int, prepare: @escaping @Sendable (Int) throws -> Prepared,
                          _ body: @escaping @Sendable (Int, Prepared) throws -> Void) throws -> ContinuousClock.Instant {
    let failure = Locked<String?>(nil)
    let ready = DispatchGroup(), done = DispatchGroup()
    let start = DispatchSemaphore(value: 0)
    for j in 0..<count {
        ready.enter()
        done.enter()
        Thread {
            defer { done.leave() }
            do {
                let prepared = try prepare(j)
                ready.leave()
                start.wait()
                try body(j, prepared)
            } catch {
                failure.withLock { if $0 == nil { $0 = "\(error)" } }
                ready.leave()
            }
        }.start()
    }
    ready.wait()
    let started = ContinuousClock.now
    for _ in 0..<count { start.signal() }
    done.wait()
    if let failure = failure.value { throw BenchFailure(failure) }
    return started
}

// MARK: The bare swap

struct Baseline: Encodable {
    var readers: Int
    var swaps: Int
    var seconds: Double
    var swapsPerMinute: Double
    /// remove → pcscd reports the reader empty
    var removeMs: Timing
    /// insert → pcscd reports the card present
    var insertMs: Timing
    /// one whole cycle on one reader
    var cycleMs: Timing
}

/// `swaps` bare cycles on each of the first `count` readers at once: remove, wait until pcscd
/// sees the reader empty, insert the next card, wait until pcscd sees it. Nothing reads.
func measureBaseline(_ readers: [RigReader], count: Int, swaps: Int, cards: [Card]) throws -> Baseline {
    let samples = Locked<(remove: [Double], insert: [Double], cycle: [Double])>(([], [], []))
    let start = try inParallel(count, prepare: { j in try ReaderWaiter(reader: readers[j].name) }) { j, waiter in
        for s in 0..<swaps {
            let t0 = ContinuousClock.now
            try readers[j].control("remove")
            try waiter.wait(present: false)
            let t1 = ContinuousClock.now
            try readers[j].control("insert \(cards[(j * swaps + s) % cards.count].path)")
            try waiter.wait(present: true)
            let t2 = ContinuousClock.now
            samples.withLock { $0.remove.append(ms(t0, t1)); $0.insert.append(ms(t1, t2)); $0.cycle.append(ms(t0, t2)) }
        }
    }
    let elapsed = seconds(ContinuousClock.now - start)
    let s = samples.value
    return Baseline(readers: count, swaps: count * swaps, seconds: elapsed, swapsPerMinute: Double(count * swaps) / elapsed * 60,
                    removeMs: Timing(milliseconds: s.remove), insertMs: Timing(milliseconds: s.insert), cycleMs: Timing(milliseconds: s.cycle))
}

// MARK: Watch

struct Configuration: Encodable {
    var readers: Int
    var cards: Int
    var baseline: Baseline
    /// first insertion → the N-th report
    var seconds: Double
    var cardsPerMinute: Double
    var wallMsPerCard: Double
    /// user + system CPU of the custody process (wait4), whole run
    var cpuSeconds: Double
    var cpuMsPerCard: Double
    var userMsPerCard: Double
    var systemMsPerCard: Double
    /// pcscd saw the card → its report line arrived: watch's detection, read, store, report
    var custodyMs: Timing
    /// the same, medians over the first and the last tenth of the cards (growth with the case)
    var custodyMsFirstTenth: Double
    var custodyMsLastTenth: Double
    /// report → card out → pcscd saw the reader empty (the driver's removal)
    var removeMs: Timing
    /// insert → pcscd saw the card
    var insertMs: Timing
    /// report → next report on the same reader
    var cycleMs: Timing
    var outcomes: [String: Int]
    var iccidMismatches: Int
    var exitStatus: Int32
    var ledgerValid: Bool
    var ledgerEntries: Int
    var acquisitions: Int
    var writeClassAPDUs: Int
    var pinTriesConsumed: Int
}

struct CardSample: Sendable {
    var index: Int
    var remove: Double?
    var insert: Double
    var custody: Double
    var cycle: Double?
    var outcome: String
    var iccidMatches: Bool
}

/// One configuration: a fresh case, `custody sim watch --max-cards N` on the first `count`
/// readers, and one driver thread per reader that swaps cards as the reports come.
func measureWatch(_ options: Options, readers all: [RigReader], count: Int, cards: [Card], baseline: Baseline) throws -> Configuration {
    let readers = Array(all.prefix(count))
    let caseDir = "\(options.work)/case-\(count)-readers"
    try Child.run(options.custody, ["case", "init", caseDir, "--name", "Batch bench", "--agency", "Bench", "--authority", "none",
                                    "--examiner", "sup1", "--examiner-name", "Bench Supervisor"])
    try Child.run(options.custody, ["examiner", "add", "tech1", "--name", "Bench Technician", "--role", "technician",
                                    "--examiner", "sup1", "--case", caseDir])
    for r in readers {
        try r.control("remove")
        try ReaderWaiter(reader: r.name).wait(present: false)
        try r.control("reset-stats")
    }
    let watch = try WatchProcess(custody: options.custody, arguments: [
        "--max-cards", String(options.cards), "--case", caseDir, "--examiner", "tech1", "--readers"] + readers.map(\.name))
    try watch.waitUntilWatching()

    let next = Locked(0)
    let samples = Locked<[CardSample]>([])
    let last = Locked<ContinuousClock.Instant?>(nil)
    let start = try inParallel(count, prepare: { j in try ReaderWaiter(reader: readers[j].name) }) { j, waiter in
        var previousReport: ContinuousClock.Instant? = nil
        while true {
            let index = next.withLock { n in
                defer { n += 1 }
                return n
            }
            guard index < options.cards else { return }
            var removal: Double? = nil
            if let previousReport {
                try readers[j].control("remove")
                try waiter.wait(present: false)
                removal = ms(previousReport, .now)
            }
            let card = cards[index % cards.count]
            let inserted = ContinuousClock.now
            try readers[j].control("insert \(card.path)")
            try waiter.wait(present: true)
            let seen = ContinuousClock.now
            let report = try watch.nextReport(for: readers[j].name)
            samples.withLock {
                $0.append(CardSample(index: index, remove: removal, insert: ms(inserted, seen), custody: ms(seen, report.arrived),
                                     cycle: previousReport.map { ms($0, report.arrived) }, outcome: report.outcome,
                                     iccidMatches: report.iccid == card.iccid))
            }
            last.withLock { $0 = max($0 ?? report.arrived, report.arrived) }
            previousReport = report.arrived
        }
    }
    let exit = watch.exit()
    guard exit.status == 0 else { throw BenchFailure("watch exited \(exit.status): \(watch.stderr)") }
    let elapsed = seconds(last.value! - start)
    let s = samples.value.sorted { $0.index < $1.index }
    let tenth = max(1, s.count / 10)

    var write = 0, pin = 0
    for r in readers {
        let stats = try r.stats()
        write += stats.writeClassAPDUs
        pin += stats.pinTriesConsumed
    }
    let verify = try JSONSerialization.jsonObject(with: Data(Child.run(options.custody, ["ledger", "verify", "--json", "--case", caseDir]).utf8)) as? [String: Any] ?? [:]
    let n = Double(options.cards)
    return Configuration(
        readers: count, cards: options.cards, baseline: baseline, seconds: elapsed, cardsPerMinute: n / elapsed * 60,
        wallMsPerCard: elapsed * 1000 / n, cpuSeconds: exit.cpuSeconds, cpuMsPerCard: exit.cpuSeconds * 1000 / n,
        userMsPerCard: exit.userSeconds * 1000 / n, systemMsPerCard: exit.systemSeconds * 1000 / n,
        custodyMs: Timing(milliseconds: s.map(\.custody)), custodyMsFirstTenth: median(s.prefix(tenth).map(\.custody)),
        custodyMsLastTenth: median(s.suffix(tenth).map(\.custody)), removeMs: Timing(milliseconds: s.compactMap(\.remove)),
        insertMs: Timing(milliseconds: s.map(\.insert)), cycleMs: Timing(milliseconds: s.compactMap(\.cycle)),
        outcomes: Dictionary(grouping: s, by: \.outcome).mapValues(\.count), iccidMismatches: s.filter { !$0.iccidMatches }.count,
        exitStatus: exit.status, ledgerValid: verify["valid"] as? Bool ?? false, ledgerEntries: verify["verifiedEntries"] as? Int ?? -1,
        acquisitions: verify["acquisitions"] as? Int ?? -1, writeClassAPDUs: write, pinTriesConsumed: pin)
}

// MARK: Run

struct Card: Sendable {
    var path: String
    var iccid: String

    /// A profile and the ICCID its `expect` block says the card holds.
    init(profile path: String) throws {
        struct Expect: Decodable { struct Values: Decodable { var iccid: String }; var expect: Values }
        self.path = path
        iccid = try JSONDecoder().decode(Expect.self, from: Data(contentsOf: URL(fileURLWithPath: path))).expect.iccid
    }
}

struct Output: Encodable {
    var schema = "custody.bench.batch/1"
    var cardSet: String
    var distinctICCIDs: Int
    var cpus: Int
    var loadAverage: String
    var configurations: [Configuration]
    /// cards/min on the most readers over cards/min on the fewest
    var readerScaling: Double?
}

let options = Options.parse(Array(CommandLine.arguments.dropFirst()))
do {
    let readers = try RigReader.load(table: options.rig + "/readers.tsv")
    guard let most = options.readerCounts.max(), readers.count >= most else {
        fail("the rig has \(readers.count) reader(s), --readers asks for \(options.readerCounts.max() ?? 0)")
    }
    let cards: [Card]
    if options.rereads {
        cards = try options.profiles.map { try Card(profile: $0) }
    } else {
        note("writing \(options.cards) distinct card profiles into \(options.work)/cards")
        cards = try Cards.distinct(options.cards, bases: options.profiles, into: options.work + "/cards").map { try Card(profile: $0) }
    }
    var results = [Configuration]()
    for count in options.readerCounts {
        note("\(count) reader(s): \(options.baselineSwaps) bare swaps per reader")
        let baseline = try measureBaseline(readers, count: count, swaps: options.baselineSwaps, cards: cards)
        note("\(count) reader(s): watch over \(options.cards) cards")
        let result = try measureWatch(options, readers: readers, count: count, cards: cards, baseline: baseline)
        note("\(count) reader(s): \(fmt(result.cardsPerMinute, 1)) cards/min")
        results.append(result)
    }
    for r in readers {
        try r.control("insert \(r.profile)")
    }
    let scaling = results.count > 1 ? results.last!.cardsPerMinute / results.first!.cardsPerMinute : nil
    let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "unknown"
    let output = Output(cardSet: options.rereads ? "rereads" : "distinct", distinctICCIDs: Set(cards.map(\.iccid)).count,
                        cpus: ProcessInfo.processInfo.activeProcessorCount, loadAverage: load, configurations: results, readerScaling: scaling)
    if options.json {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(decoding: try encoder.encode(output), as: UTF8.self))
    } else {
        printTable(output)
    }
    let problems = results.flatMap(problems(in:))
    if !problems.isEmpty { fail(problems.joined(separator: "; ")) }
} catch {
    fail("\(error)")
}

/// What must hold after a configuration: every card reported, its own ICCID, the ledger valid
/// with one acquisition per card, no write-class APDU, no PIN try used.
func problems(in c: Configuration) -> [String] {
    var found = [String]()
    let prefix = "\(c.readers) reader(s)"
    let reported = c.outcomes.values.reduce(0, +)
    if reported != c.cards { found.append("\(prefix): \(reported) reports for \(c.cards) cards") }
    if c.iccidMismatches > 0 { found.append("\(prefix): \(c.iccidMismatches) reports named another ICCID than the card inserted") }
    if !c.ledgerValid { found.append("\(prefix): ledger verify failed") }
    if c.acquisitions != c.cards { found.append("\(prefix): \(c.acquisitions) acquisitions in the case for \(c.cards) cards") }
    if c.writeClassAPDUs != 0 || c.pinTriesConsumed != 0 {
        found.append("\(prefix): simulators counted \(c.writeClassAPDUs) write-class APDUs and \(c.pinTriesConsumed) PIN tries consumed")
    }
    return found
}

func printTable(_ o: Output) {
    print("batch reading, \(o.cardSet) cards (\(o.distinctICCIDs) distinct ICCIDs), \(o.cpus) CPUs, load \(o.loadAverage)")
    print("| readers | cards | cards/min | wall ms/card | CPU ms/card (user+sys) | custody ms median (p90) | first/last tenth | remove ms | insert ms | cycle ms | bare swaps/min | bare cycle ms | outcomes | ledger | write APDUs / PIN tries |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for c in o.configurations {
        let outcomes = c.outcomes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print("| \(c.readers) | \(c.cards) | \(fmt(c.cardsPerMinute, 1)) | \(fmt(c.wallMsPerCard, 1)) | \(fmt(c.cpuMsPerCard)) (\(fmt(c.userMsPerCard)) + \(fmt(c.systemMsPerCard))) "
              + "| \(fmt(c.custodyMs.medianMs, 1)) (\(fmt(c.custodyMs.p90Ms, 1))) | \(fmt(c.custodyMsFirstTenth, 1)) / \(fmt(c.custodyMsLastTenth, 1)) "
              + "| \(fmt(c.removeMs.medianMs, 0)) | \(fmt(c.insertMs.medianMs, 0)) | \(fmt(c.cycleMs.medianMs, 0)) (p90 \(fmt(c.cycleMs.p90Ms, 0))) "
              + "| \(fmt(c.baseline.swapsPerMinute, 1)) | \(fmt(c.baseline.cycleMs.medianMs, 0)) | \(outcomes) "
              + "| \(c.ledgerValid ? "valid" : "INVALID"), \(c.ledgerEntries) entries, \(c.acquisitions) acquisitions | \(c.writeClassAPDUs) / \(c.pinTriesConsumed) |")
    }
    if let s = o.readerScaling { print("reader scaling (cards/min, most readers / fewest): \(fmt(s))") }
}
