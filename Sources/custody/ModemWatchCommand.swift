import ArgumentParser
import Foundation
import SIMCard
import Synchronization
import Workbench

struct ModemWatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Examine a whole modem pool or SIM box in place: every port in parallel, one record per port.",
        discussion: """
            Each port is examined as `custody modem read` examines one (read-only guard, nothing on \
            the module or the SIM changed), all ports at once (--parallel N to bound it). A line per \
            port goes to stderr as it finishes (port, module, ICCID or SIM state, seconds); the \
            records go into --out and/or the case; a summary ends the run. Exit status 0 when every \
            port was read (or is empty, or its SIM is PIN-locked), 2 when any failed or was not \
            reached. Ctrl-C stops after the ports in flight, each recorded whole; --resume then \
            skips the ports whose module (IMEI) and SIM (ICCID) already have a complete record in \
            --out or the case. In a case, --items gives each port's item (e.g. SB-01/P1), in the order of the \
            ports, or --item-map a file of `PORT LABEL` lines (docs/MODEMS.md).
            """
    )

    @Argument(help: ArgumentHelp("Serial ports of the modules (/dev/ttyUSB3, /dev/serial/by-path/…).", valueName: "PORT"))
    var ports: [String] = []

    @Flag(help: "Every serial port that answers AT, as `custody modem list` finds them.")
    var all = false

    @Option(help: "Baud rate of every port.")
    var baud: Int = 115_200

    @Flag(help: "Read every standard file of each SIM (as `sim read --full`), not only its identity.")
    var full = false

    @OptionGroup var limits: ReadLimitOptions

    @Option(help: ArgumentHelp("Ports read at once (default: every port).", valueName: "N"))
    var parallel: Int?

    @Option(help: ArgumentHelp("Write each port's acquisition record (JSON) into this folder.", valueName: "DIR"))
    var out: String?

    @Flag(help: "Skip ports whose module and SIM already have a complete record in --out or the case (a run cut short continues).")
    var resume = false

    @Option(parsing: .upToNextOption, help: ArgumentHelp("The case item of each port (e.g. SB-01/P1), in the order of the ports.", valueName: "LABEL"))
    var items: [String] = []

    @Option(help: ArgumentHelp("A file of `PORT LABEL` lines giving each port's case item.", valueName: "FILE"))
    var itemMap: String?

    @Flag(help: "Print one JSON object per port (schema custody.modem.watch/1), then the summary (custody.modem.watch-summary/1).")
    var json = false

    @OptionGroup var selection: CaseSelection
    @OptionGroup var by: ExaminerSelection

    func validate() throws {
        if ports.isEmpty, !all { throw ValidationError("give the ports to examine, or --all for every port that answers AT") }
        if !ports.isEmpty, all { throw ValidationError("give either ports or --all, not both") }
        if let parallel, parallel < 1 { throw ValidationError("--parallel must be at least 1") }
        if resume, out == nil, selection.chosen == nil {
            throw ValidationError("--resume looks for the records already written: give the --out folder or the --case of the run to continue")
        }
        if selection.chosen == nil, !items.isEmpty || itemMap != nil {
            throw ValidationError("--items and --item-map place the reads in a case: give --case DIR|URL (or set CUSTODY_CASE)")
        }
        if !items.isEmpty, all { throw ValidationError("--items follows the order of the ports given: with --all use --item-map") }
    }

    func run() throws {
        try reportingFailures {
            let paths = all ? ModemList.scan(extra: [], baud: baud).ports.filter(\.answersAT).map(\.port.path) : ports
            guard !paths.isEmpty else { throw CustodyFailure("no serial port answers AT: check the pool is powered and connected (`custody modem list`)") }
            var target: ModemWatch.CaseTarget?
            if selection.chosen != nil {
                let store = try selection.open()
                let examiner = try by.id(in: store)
                target = .init(store: store, examiner: examiner,
                               items: try ModemWatch.CaseTarget.itemsByPort(ports: paths, labels: items, mapFile: itemMap, in: store))
            }
            let scope: AcquisitionScope = full ? .full : .identity
            let output = ModemWatchOutput(json: json)
            let watch = try ModemWatch(ports: paths, target: target, sink: output, options: .init(
                scope: scope, baud: baud, limits: limits.limits(for: scope), parallel: parallel, out: out, resume: resume))
            let interrupts = output.stoppingOnInterrupt(watch)
            defer { interrupts.cancel() }
            let summary = watch.run()
            output.finish(summary)
            if !summary.succeeded { throw ExitCode(ExitStatus.incompleteRead) }
        }
    }
}

/// What `modem watch` prints: a line per port on stderr (and with --json its object on stdout),
/// the summary last; never two at once.
final class ModemWatchOutput: ModemWatchSink {
    let json: Bool
    let lock = Mutex(())

    init(json: Bool) { self.json = json }

    func report(_ report: ModemWatchReport) {
        lock.withLock { _ in
            printError(Self.line(report))
            if json { printJSONLine(report) }
        }
    }

    func note(_ text: String) {
        lock.withLock { _ in printError(text) }
    }

    func finish(_ summary: ModemWatchSummary) {
        lock.withLock { _ in
            let notRead = summary.notRead > 0 ? ", \(summary.notRead) not reached (stopped: run again with --resume)" : ""
            let skipped = summary.skipped > 0 ? ", \(summary.skipped) already recorded" : ""
            let text = "\(summary.ports) port(s) in \(String(format: "%.1f", summary.seconds)) s: \(summary.read) read, \(summary.empty) empty, \(summary.pinLocked) PIN-locked, \(summary.failed) failed\(skipped)\(notRead)"
            if json { printJSONLine(summary) } else { print(text) }
            if json { printError(text) }
        }
    }

    func printJSONLine<T: Encodable>(_ value: T) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if let data = try? encoder.encode(value) { FileHandle.standardOutput.write(data + Data("\n".utf8)) }
    }

    /// Ctrl-C stops after the ports in flight; a second Ctrl-C quits at once (exit 130): records
    /// are written whole or not at all, so nothing half-written is left either way.
    func stoppingOnInterrupt(_ watch: ModemWatch) -> any DispatchSourceSignal {
        onInterrupt(isStopping: { watch.stopping }, stop: watch.stop, note: note, what: "ports", lost: "not recorded")
    }

    /// The progress line for one port: port, module, ICCID or SIM state, item, outcome, seconds.
    static func line(_ r: ModemWatchReport) -> String {
        let module = [r.manufacturer, r.model].compactMap { $0 }.joined(separator: " ")
        var fields = [r.port, module.isEmpty ? "module unknown" : module + (r.imei.map { " IMEI \($0)" } ?? "")]
        switch r.outcome {
        case .read, .skipped: fields.append("ICCID \(r.iccid ?? "unknown")")
        case .empty: fields.append("no SIM")
        case .pinLocked: fields.append("\(r.simState ?? "PIN-locked"), ICCID \(r.iccid ?? "unknown")")
        case .failed: fields.append(r.iccid.map { "ICCID \($0)" } ?? r.simState ?? "-")
        }
        if let item = r.item { fields.append(item) }
        switch r.outcome {
        case .failed: fields.append("FAILED: \(r.problem ?? "unknown cause")")
        case .skipped: fields.append("already recorded, skipped")
        default: fields.append(r.outcome.rawValue)
        }
        fields.append(String(format: "%.2f s", r.seconds))
        return fields.joined(separator: " | ")
    }
}
