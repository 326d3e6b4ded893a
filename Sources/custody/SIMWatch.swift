import ArgumentParser
import Foundation
import SIMCard
import Synchronization
import Workbench

struct SIMWatch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Batch reading: read every SIM inserted in any reader into the case, until Ctrl-C.",
        discussion: """
            Waits for cards on every reader at once. Each inserted card is read (identity; --full for \
            everything), stored in the case and reported on one line; then the reader waits for the \
            next card. A card already in the case is recognised by its ICCID and recorded as a \
            re-read. Failed and incomplete reads go on the retry list (`custody sim pending`). \
            A line is printed only after the read is committed to the case, so after a crash or \
            kill -9 nothing reported is lost: start watch again to carry on. Ctrl-C stops after the \
            reads in flight; a second Ctrl-C quits at once (reads in flight are then not stored).
            With --origin-prompt, scan or type the label of the slot or lot a SIM came from before \
            inserting it; labels are matched to cards in the order the cards are inserted.
            """
    )

    @Option(name: .customLong("readers"), parsing: .upToNextOption,
            help: ArgumentHelp("`all`, or reader names (or unique parts of them) as `custody readers` shows them.", valueName: "NAME"))
    var readers: [String] = ["all"]

    @Flag(help: "Read every standard file (SMS, phonebooks, location, …), not only the identity.")
    var full = false

    @Flag(help: "Ask for the slot/lot label each SIM came from (typed, or scanned from its QR label) and place the SIM there.")
    var originPrompt = false

    @Option(help: ArgumentHelp("Also write each acquisition record (JSON) into this folder.", valueName: "DIR"))
    var out: String?

    @Option(help: "Seconds to wait for the card's answer to one command before calling it mute.")
    var apduTimeout: Double = 5

    @OptionGroup var limits: ReadLimitOptions

    @Option(help: ArgumentHelp("Stop after this many cards (scripted runs, benchmarks).", valueName: "N"))
    var maxCards: Int?

    @Flag(help: "Print one JSON object per card (schema custody.sim.watch/1) instead of text lines.")
    var json = false

    @OptionGroup var selection: CaseSelection
    @OptionGroup var by: ExaminerSelection

    func validate() throws {
        guard apduTimeout > 0 else { throw ValidationError("--apdu-timeout must be more than 0 seconds") }
        if let maxCards, maxCards < 1 { throw ValidationError("--max-cards must be at least 1") }
        if readers.isEmpty { throw ValidationError("--readers needs `all` or at least one reader name") }
    }

    func run() throws {
        try reportingFailures {
            guard selection.chosen != nil else {
                throw CustodyFailure("watch stores every read in a case: give --case DIR or set CUSTODY_CASE (create one with `custody case init`)")
            }
            let store = try selection.open()
            let examiner = try by.id(in: store)
            let names = try ReaderChoice.chooseForWatch(readers)
            let output = WatchOutput(json: json)
            let watch = BatchWatch(store: store, examiner: examiner, sink: output, options: .init(
                scope: full ? .full : .identity, apduTimeout: apduTimeout, limits: limits.limits(for: full ? .full : .identity),
                out: out, maxCards: maxCards, originPrompt: originPrompt))
            let interrupts = output.stoppingOnInterrupt(watch)
            defer { interrupts.cancel() }
            if originPrompt { output.readOrigins(into: watch) }
            try watch.run(readers: names)
        }
    }
}

/// What `sim watch` prints: one line (or one JSON object) per card on stdout, notes on stderr,
/// never two at once.
final class WatchOutput: BatchWatchSink {
    let json: Bool
    let lock = Mutex(())

    init(json: Bool) { self.json = json }

    func report(_ report: WatchReport) {
        lock.withLock { _ in
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                if let data = try? encoder.encode(report) { FileHandle.standardOutput.write(data + Data("\n".utf8)) }
            } else {
                FileHandle.standardOutput.write(Data((TerminalText.escaped(Self.line(report)) + "\n").utf8))
                if let p = report.progress {
                    let rate = report.cardsPerMinute.map { ", \($0) cards/min" } ?? ""
                    printError("progress: \(p.read) of \(p.expected) expected SIMs read, \(p.pending) pending\(rate)")
                }
            }
        }
    }

    func note(_ text: String) {
        lock.withLock { _ in printError(text) }
    }

    /// Ctrl-C stops the batch after the reads in flight; a second Ctrl-C quits at once (exit 130).
    func stoppingOnInterrupt(_ watch: BatchWatch) -> any DispatchSourceSignal {
        onInterrupt(isStopping: { watch.stopping }, stop: watch.stop, note: note, what: "reads", lost: "not stored")
    }

    /// Reads origin labels from standard input (keyboard or a USB scanner typing the QR
    /// label's text and Enter) and hands each to the batch.
    func readOrigins(into watch: BatchWatch) {
        note("scan or type the label of the slot or lot each SIM comes from, then insert the SIM")
        let thread = Thread {
            while let line = readLine() {
                let label = line.trimmingCharacters(in: .whitespacesAndNewlines)
                if !label.isEmpty { watch.offerOrigin(label) }
            }
            watch.closeOrigins()
        }
        thread.name = "origins"
        thread.start()
    }

    /// The text line for one card: reader, ICCID, operator, PIN1, SMS, label, what happened.
    static func line(_ r: WatchReport) -> String {
        let status: String
        switch r.outcome {
        case "acquired": status = "stored (entry \(r.entry ?? -1))"
        case "reread":
            let same = r.sameContent.map { $0 ? ", same content" : ", CONTENT DIFFERS from the first read" } ?? ""
            status = "already acquired as \(r.label ?? "?"): re-read recorded (entry \(r.entry ?? -1)\(same))"
        case "incomplete": status = "INCOMPLETE, on the retry list (entry \(r.entry ?? -1)): \(r.problem ?? "")"
        default: status = "FAILED: \(r.problem ?? "")"
        }
        var fields = [r.reader, r.iccid ?? "no ICCID", r.operatorName ?? "operator unknown", "PIN1 \(r.pin1 ?? "unknown")",
                      "SMS \(r.sms.map(String.init) ?? "-")", r.label ?? "-"]
        if let origin = r.origin { fields.append(r.placed == true ? "in \(origin)" : "origin \(origin) NOT linked") }
        fields.append(status)
        if r.outcome != "incomplete", r.outcome != "failed", let problem = r.problem { fields.append("WARNING: \(problem)") }
        return fields.joined(separator: " | ")
    }
}

/// Ctrl-C stops a running batch (`stop`) after the work in flight, saying so through `note`; a
/// second Ctrl-C quits at once (exit 130), the work in flight `lost`. Keep the source until the
/// batch ends (cancel it then).
func onInterrupt(isStopping: @escaping @Sendable () -> Bool, stop: @escaping @Sendable () -> Void, note: @escaping @Sendable (String) -> Void,
                 what: String, lost: String) -> any DispatchSourceSignal {
    signal(SIGINT, SIG_IGN)
    let interrupts = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
    interrupts.setEventHandler {
        if isStopping() {
            note("second Ctrl-C: quitting now; \(what) in flight are \(lost)")
            exit(130)
        }
        note("stopping after the \(what) in flight (Ctrl-C again to quit at once)")
        stop()
    }
    interrupts.resume()
    return interrupts
}
