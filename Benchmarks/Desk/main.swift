import BenchmarkCase
import BenchmarkSupport
// desk-bench: the two halves of Scripts/bench-desk that run in process (docs/BENCHMARKS.md, "Desk").
//   build     the seizure-shaped case at a scale (BenchmarkCase, as export-bench builds it) and the
//             lists the load asks for: item pages, searches by ICCID fragment, items to move
//   baseline  the same page queries and the same scan-station action through the Workbench use
//             cases the desk calls, directly on the store, one at a time: p50/p95 as JSON
import CaseStore
import Desk
import Foundation
import Workbench

struct Options {
    var mode = ""
    var directory = ""
    var lists = ""
    var scale = 10.0
    var seed: UInt64 = 2021
    var entriesPerScale = 20_000
    var fullEvery = 10
    var records = "Benchmarks/Export/Records"
    var examiner = "clerk-01"
    var locations = ["BENCH-SHELF-A", "BENCH-SHELF-B"]
    var samples = 400

    static let usage = """
        usage: desk-bench build --dir DIR --lists DIR [--scale S] [--seed N] [--entries N] [--full-every K] [--records DIR]
               desk-bench baseline --dir DIR --lists DIR [--examiner ID] [--locations A,B] [--samples N]
          --dir DIR          the case folder (build: created; baseline: opened)
          --lists DIR        where build writes, and baseline reads, item-pages.txt, search-pages.txt,
                             dashboard-pages.txt and move-labels.txt
          --scale S          seizure scale (default 10: ~71,000 SIMs)
          --entries N        ledger entries at scale 1, multiplied by the scale (default 20000)
          --examiner ID      who the baseline's moves are attributed to (default clerk-01)
          --locations A,B    the two locations the moves alternate between
          --samples N        timed runs of each query and of the action (default 400)
        """

    static func parse(_ args: [String]) -> Options {
        var o = Options()
        var reader = OptionReader(args, usage: usage)
        guard let mode = reader.next(), ["build", "baseline"].contains(mode) else { fail(usage) }
        o.mode = mode
        while let argument = reader.next() {
            switch argument {
            case "--dir": o.directory = reader.value("--dir")
            case "--lists": o.lists = reader.value("--lists")
            case "--scale": o.scale = reader.positiveNumbers("--scale")[0]
            case "--seed": o.seed = reader.seed("--seed")
            case "--entries": o.entriesPerScale = reader.count("--entries", minimum: 1)
            case "--full-every": o.fullEvery = reader.count("--full-every", minimum: 1)
            case "--records": o.records = reader.value("--records")
            case "--examiner": o.examiner = reader.value("--examiner")
            case "--locations": o.locations = reader.value("--locations").split(separator: ",").map(String.init)
            case "--samples": o.samples = reader.count("--samples", minimum: 10)
            case "-h", "--help": print(usage); exit(0)
            default: reader.unknown(argument)
            }
        }
        guard !o.directory.isEmpty, !o.lists.isEmpty else { fail("--dir and --lists are required\n\(usage)") }
        return o
    }
}

let options = Options.parse(Array(CommandLine.arguments.dropFirst()))

/// How many entries of each list the load cycles through.
let listLength = 2_000

func listPath(_ name: String) -> String { (options.lists as NSString).appendingPathComponent(name) }

func writeList(_ name: String, _ lines: [String]) {
    must("write \(name)") { try (lines.joined(separator: "\n") + "\n").write(toFile: listPath(name), atomically: true, encoding: .utf8) }
}

func readList(_ name: String) -> [String] {
    let text = must("read \(listPath(name))") { try String(contentsOfFile: listPath(name), encoding: .utf8) }
    return text.split(separator: "\n").map(String.init)
}

/// `count` elements of `all` spread evenly over it (the first, then every n-th).
func spread<T>(_ all: [T], _ count: Int) -> [T] {
    guard all.count > count else { return all }
    let step = Double(all.count) / Double(count)
    return (0..<count).map { all[Int(Double($0) * step)] }
}

func build() {
    let templates = RecordTemplates(directory: options.records)
    let recipe = CaseRecipe(scale: options.scale, seed: options.seed, entriesPerScale: options.entriesPerScale, fullEvery: options.fullEvery)
    let (store, shape) = buildSeizureCase(recipe, directory: options.directory, templates: templates)
    note("scale \(options.scale): \(shape.items) items, \(shape.sims) SIMs, \(shape.entries) entries, built in \(fmt(shape.buildSeconds, 1)) s")
    let items = must("list the items") { try store.items() }
    let sims = items.filter { $0.type == .device(.sim) }
    let phones = items.filter { $0.type == .device(.phone) }
    let iccids = sims.compactMap { $0.identifiers[.iccid] }
    writeList("item-pages.txt", spread(sims, listLength).map { "/items/\($0.label)" })
    // Eight digits from the middle of an ICCID: a fragment that is no prefix of the number.
    writeList("search-pages.txt", spread(iccids, listLength).map { "/search?q=\($0.dropFirst(8).prefix(8))" })
    writeList("dashboard-pages.txt", ["/"])
    writeList("move-labels.txt", spread(phones, listLength).map(\.label))
}

/// One baseline: `samples` timed runs in turn over `inputs` (p50/p95 in ms, as the desk's rows).
struct BareTiming: Encodable {
    var samples: Int
    var p50Ms: Double
    var p95Ms: Double
    var p99Ms: Double
}

func timeEach(_ inputs: [String], _ body: (String) throws -> Void) -> BareTiming {
    var ms = [Double]()
    for i in 0..<options.samples {
        let input = inputs[i % inputs.count]
        ms.append(1000 * must("the baseline on \(input)") { try timed { try body(input) } })
    }
    return BareTiming(samples: ms.count, p50Ms: percentile(ms, 0.5), p95Ms: percentile(ms, 0.95), p99Ms: percentile(ms, 0.99))
}

struct Baseline: Encodable {
    struct Case: Encodable { var items: Int; var entries: Int64 }
    var schema = "custody.bench.desk-baseline/1"
    var `case`: Case
    var item: BareTiming
    var search: BareTiming
    var dashboard: BareTiming
    var scan: BareTiming
}

/// The desk's page queries and its scan-station action through the Workbench use cases its
/// routes call, on the store opened as the desk opens it, one at a time; as JSON on stdout.
func baseline() {
    let store = must("open the case") { try CaseAccess.open(options.directory, stationKey: nil) }
    let itemLabels = readList("item-pages.txt").map { String($0.dropFirst("/items/".count)) }
    let fragments = readList("search-pages.txt").map { String($0.dropFirst("/search?q=".count)) }
    let moves = readList("move-labels.txt")
    let item = timeEach(itemLabels) { label in _ = try ItemPage(store, label: label) }
    let search = timeEach(fragments) { fragment in _ = try ItemSearch(store, text: fragment, limit: Desk.searchLimit) }
    let dashboard = timeEach(["/"]) { _ in _ = try DeskDashboard(store) }
    // Each item to the second location, then (next round) to the first, …: never where it is;
    // the load that follows starts with the first location, so every item ends at the second.
    var round = [String: Int]()
    let scan = timeEach(moves) { label in
        let target = options.locations[(round[label, default: 0] + 1) % options.locations.count]
        round[label, default: 0] += 1
        _ = try CustodyEvent.move(to: target).record(on: label, in: store, by: options.examiner)
    }
    // An item moved an even number of times is back at the first location, where the load's
    // first move would be refused: one more (untimed) move takes it to the second.
    for (label, moves) in round where moves % 2 == 0 {
        must("move \(label) to \(options.locations[1])") {
            _ = try CustodyEvent.move(to: options.locations[1]).record(on: label, in: store, by: options.examiner)
        }
    }
    let shape = Baseline.Case(items: must("count items") { try store.items().count },
                              entries: must("read the head") { Int64(try store.lineRecords().count) })
    let result = Baseline(case: shape, item: item, search: search, dashboard: dashboard, scan: scan)
    print(String(decoding: must("encode") { try JSONEncoder().encode(result) }, as: UTF8.self))
}

switch options.mode {
case "build": build()
default: baseline()
}
