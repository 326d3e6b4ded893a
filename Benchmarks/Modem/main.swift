import BenchmarkSupport
// modem-bench: `custody modem watch` on a virtual modem pool (Scripts/modem-pool), all ports in
// parallel against the same ports read one after another (watch --parallel 1) in the same run,
// and the AT commands each port's identity read cost against the minimal sequence of
// docs/MODEMS.md ("Identity read"). See docs/BENCHMARKS.md, "Issue 17: modem pools".
//
//   modem-bench --pool DIR --custody PATH --virtual-sim PATH --work DIR [--json]
//
// The watch keeps no records here (--json only): the pool holds the same simulated SIMs in several
// ports, and a record is named by ICCID and time.
import Foundation

struct Options {
    var pool = ""
    var custody = ""
    var virtualSim = ""
    var work = ""
    var json = false

    static let usage = """
        usage: modem-bench --pool DIR --custody PATH --virtual-sim PATH --work DIR [--json]
          --pool DIR          a running Scripts/modem-pool (its ports.tsv)
          --custody PATH      the custody binary to measure (release build)
          --virtual-sim PATH  the virtual-sim binary that runs the pool (for `ctl stats`)
          --work DIR          an empty folder for the runs' output
          --json              print JSON (schema custody.bench.modem/1) instead of the table
        """

    static func parse(_ args: [String]) -> Options {
        var o = Options()
        var cursor = OptionReader(args, usage: usage)
        while let argument = cursor.next() {
            switch argument {
            case "--pool": o.pool = cursor.value("--pool")
            case "--custody": o.custody = cursor.value("--custody")
            case "--virtual-sim": o.virtualSim = cursor.value("--virtual-sim")
            case "--work": o.work = cursor.value("--work")
            case "--json": o.json = true
            case "-h", "--help": print(usage); exit(0)
            case let a: cursor.unknown(a)
            }
        }
        if o.pool.isEmpty || o.custody.isEmpty || o.virtualSim.isEmpty || o.work.isEmpty {
            fail("--pool, --custody, --virtual-sim and --work are required\n\(usage)")
        }
        return o
    }
}

/// One row of the pool's ports.tsv.
struct Port {
    var path: String
    var control: String
}

/// The simulator's counters for one port (`virtual-sim ctl stats`, docs/CARD-PROFILES.md).
struct PortStats: Codable {
    var dialect: String
    var simState: String
    var latencyMs: Int
    var commandsTotal: Int
    var forbiddenCommands: Int
    var writeClassAPDUs: Int
    var pinTriesConsumed: Int
}

/// The last line `modem watch --json` prints (schema custody.modem.watch-summary/1).
struct WatchSummary: Codable {
    var ports: Int
    var read: Int
    var empty: Int
    var pinLocked: Int
    var failed: Int
    var seconds: Double
}

/// One `modem watch` of every port: the process's wall time, the watch's own reading time (its
/// summary: from the first port opened to the last record written, process start-up excluded),
/// and the pool's counters afterwards.
struct WatchRun: Encodable {
    var parallel: Int?
    var processSeconds: Double
    var watchSeconds: Double
    var summary: WatchSummary
    var stats: [PortStats]
    var reports: [String: PortReport]
}

/// The minimal identity sequence (docs/MODEMS.md "Identity read", `ModuleIdentity.read`):
/// AT+CMEE=1, AT+CGMI, AT+CGMM, AT+CGMR, AT+CGSN, AT+CFUN?, AT+CREG?, AT+COPS?, AT+CSQ, AT+CPIN?
/// (10), then with a SIM present the dialect's ICCID query (+1), AT+CIMI only when READY (+1) and
/// the dialect's PIN-counter query (+1). The same count for every dialect: only the commands differ.
func minimumCommands(simState: String) -> Int {
    switch simState {
    case "READY": 13
    case "NOT INSERTED": 10
    default: 12   // SIM PIN, SIM PUK: no AT+CIMI
    }
}

/// AT commands per read for one dialect and SIM state, against the minimum: the identity
/// sequence plus one AT+CSIM or AT+CRSM per APDU of SIMCard's ID read (what any tool needs to
/// learn the same facts through the module; the AT+CSIM probe and answers folded by AT+CRSM
/// make the real count one more or a few fewer).
struct CommandCount: Encodable {
    var dialect: String
    var simState: String
    var ports: Int
    /// AT commands the watch sent per port (its report's `atCommands`), the largest of the group.
    var maxCommands: Int
    var identityMinimum: Int
    /// APDUs of the ID read (its report's `apdus`, 0 without a SIM), the largest of the group.
    var maxAPDUs: Int
    var minimum: Int
    /// maxCommands ÷ minimum: the target is ≤ 1.2.
    var ratio: Double
}

struct Report: Encodable {
    var schema = "custody.bench.modem/1"
    var ports: Int
    var latencyMs: Int
    var cpus: Int
    var parallel: WatchRun
    var sequential: WatchRun
    /// Sequential over parallel reading time (the watch's own seconds), and the target 0.8 × ports.
    var speedUp: Double
    var processSpeedUp: Double
    var speedUpTarget: Double
    var commands: [CommandCount]
    var worstRatio: Double
    var forbiddenCommands: Int
    var writeClassAPDUs: Int
    var pinTriesConsumed: Int
}

let options = Options.parse(Array(CommandLine.arguments.dropFirst()))

func readPorts() -> [Port] {
    guard let table = try? String(contentsOfFile: options.pool + "/ports.tsv", encoding: .utf8) else {
        fail("no ports.tsv in \(options.pool): start the pool first (Scripts/modem-pool start N --dir \(options.pool))")
    }
    return table.split(separator: "\n").dropFirst().map { line in
        let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard f.count >= 6 else { fail("ports.tsv line \"\(line)\" has fewer than 6 columns") }
        return Port(path: f[1], control: f[4])
    }
}

/// `virtual-sim ctl --control SOCK COMMAND`'s reply line.
func control(_ port: Port, _ command: String) -> String {
    let out = options.work + "/ctl.out"
    _ = spawnChecked(options.virtualSim, ["ctl", "--control", port.control, command], stdoutPath: out, stderrPath: options.work + "/ctl.err")
    return (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
}

func stats(_ port: Port) -> PortStats {
    let reply = control(port, "stats")
    guard let stats = try? JSONDecoder().decode(PortStats.self, from: Data(reply.utf8)) else {
        fail("unexpected stats from \(port.control): \(reply)")
    }
    return stats
}

/// Zeroes the counters, runs `modem watch` over every port, and collects the counters.
func watch(_ ports: [Port], parallel: Int?, name: String) -> WatchRun {
    for port in ports { _ = control(port, "reset-stats") }
    let out = "\(options.work)/\(name).jsonl", err = "\(options.work)/\(name).err"
    var arguments = ["modem", "watch"] + ports.map(\.path) + ["--json"]
    if let parallel { arguments += ["--parallel", String(parallel)] }
    let run = spawnChecked(options.custody, arguments, stdoutPath: out, stderrPath: err)
    let lines = ((try? String(contentsOfFile: out, encoding: .utf8)) ?? "").split(separator: "\n")
    guard let last = lines.last, let summary = try? JSONDecoder().decode(WatchSummary.self, from: Data(last.utf8)) else {
        fail("modem watch (\(name)) printed no summary line: see \(out)")
    }
    guard summary.ports == ports.count, summary.failed == 0 else {
        fail("modem watch (\(name)) read \(summary.ports) port(s), \(summary.failed) failed: see \(out) and \(err)")
    }
    let reports = lines.dropLast().compactMap { try? JSONDecoder().decode(PortReport.self, from: Data($0.utf8)) }
    return WatchRun(parallel: parallel, processSeconds: run.seconds, watchSeconds: summary.seconds, summary: summary, stats: ports.map(stats),
                    reports: Dictionary(reports.map { ($0.port, $0) }) { first, _ in first })
}

/// One port's line of `modem watch --json`.
struct PortReport: Codable {
    var port: String
    var atCommands: Int?
    var apdus: Int?
}

func commandCounts(_ ports: [Port], _ stats: [PortStats], _ reports: [String: PortReport]) -> [CommandCount] {
    let rows = zip(ports, stats).map { (stats: $1, commands: reports[$0.path]?.atCommands ?? $1.commandsTotal, apdus: reports[$0.path]?.apdus ?? 0) }
    let groups = Dictionary(grouping: rows) { "\($0.stats.dialect)\t\($0.stats.simState)" }
    return groups.keys.sorted().map { key in
        let group = groups[key]!
        let identity = minimumCommands(simState: group[0].stats.simState)
        func ratio(_ row: (stats: PortStats, commands: Int, apdus: Int)) -> Double { Double(row.commands) / Double(identity + row.apdus) }
        let worst = group.max { ratio($0) < ratio($1) }!
        return CommandCount(dialect: group[0].stats.dialect, simState: group[0].stats.simState, ports: group.count,
                            maxCommands: worst.commands, identityMinimum: identity, maxAPDUs: worst.apdus, minimum: identity + worst.apdus,
                            ratio: ratio(worst))
    }
}

let ports = readPorts()
guard !ports.isEmpty else { fail("the pool in \(options.pool) has no ports") }
note("\(ports.count) ports, all in parallel")
let parallel = watch(ports, parallel: nil, name: "parallel")
note("the same \(ports.count) ports one after another (--parallel 1)")
let sequential = watch(ports, parallel: 1, name: "sequential")
let all = parallel.stats + sequential.stats
let commands = commandCounts(ports, parallel.stats, parallel.reports)
let report = Report(
    ports: ports.count, latencyMs: parallel.stats.first?.latencyMs ?? 0, cpus: ProcessInfo.processInfo.activeProcessorCount,
    parallel: parallel, sequential: sequential,
    speedUp: sequential.watchSeconds / parallel.watchSeconds, processSpeedUp: sequential.processSeconds / parallel.processSeconds,
    speedUpTarget: 0.8 * Double(ports.count), commands: commands, worstRatio: commands.map(\.ratio).max() ?? 0,
    forbiddenCommands: all.map(\.forbiddenCommands).reduce(0, +), writeClassAPDUs: all.map(\.writeClassAPDUs).reduce(0, +),
    pinTriesConsumed: all.map(\.pinTriesConsumed).reduce(0, +))

if options.json {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    print(String(decoding: try! encoder.encode(report), as: UTF8.self))
} else {
    print("modem pool: \(report.ports) ports, \(report.latencyMs) ms per AT command, \(report.cpus) CPUs")
    print("")
    print("| run | watch reading time (s) | process wall time (s) | read | empty | PIN-locked | failed |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for (name, run) in [("all ports in parallel", parallel), ("one after another (--parallel 1)", sequential)] {
        let s = run.summary
        print("| \(name) | \(fmt(run.watchSeconds, 3)) | \(fmt(run.processSeconds, 3)) | \(s.read) | \(s.empty) | \(s.pinLocked) | \(s.failed) |")
    }
    print("")
    print("speed-up: \(fmt(report.speedUp, 1))× on the watch's reading time (\(fmt(report.processSpeedUp, 1))× on process wall time); target ≥ \(fmt(report.speedUpTarget, 1))× (0.8 × \(report.ports))")
    print("")
    print("| dialect | SIM state | ports | AT commands per port | identity sequence | APDUs of the ID read | minimum | ratio |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for c in commands {
        print("| \(c.dialect) | \(c.simState) | \(c.ports) | \(c.maxCommands) | \(c.identityMinimum) | \(c.maxAPDUs) | \(c.minimum) | \(fmt(c.ratio, 2)) |")
    }
    print("")
    print("worst ratio \(fmt(report.worstRatio, 2)) (target ≤ 1.2); forbidden commands \(report.forbiddenCommands), write-class APDUs \(report.writeClassAPDUs), PIN tries \(report.pinTriesConsumed) over both runs")
}
