import ArgumentParser
import CaseStore
import Foundation
import PCSC
import SIMCard
import Synchronization

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
            let names = try chooseReaders(in: PCSCContext())
            let watch = BatchWatch(store: store, examiner: examiner, options: .init(
                scope: full ? .full : .identity, apduTimeout: apduTimeout, limits: limits.limits(for: full ? .full : .identity),
                out: out, maxCards: maxCards,
                json: json, originPrompt: originPrompt))
            try watch.run(readers: names)
        }
    }

    /// The readers to watch: every reader pcscd knows (`all`), or each requested one, matched
    /// like `sim read --reader` (exact name or a unique case-insensitive part).
    func chooseReaders(in context: PCSCContext) throws -> [String] {
        let names = try context.readers()
        guard !names.isEmpty else { throw CustodyFailure(PCSCError(function: "SCardListReaders", code: .noReadersAvailable)) }
        if readers == ["all"] { return names }
        var chosen = [String]()
        for requested in readers {
            let name = try ReaderChoice.match(requested, among: names)
            if !chosen.contains(name) { chosen.append(name) }
        }
        return chosen
    }
}

/// One card's outcome as `sim watch --json` prints it.
struct WatchReport: Encodable {
    static let schema = "custody.sim.watch/1"
    var schema = WatchReport.schema
    var reader: String
    /// `acquired`, `reread`, `incomplete` (stored, on the retry list) or `failed` (not stored).
    var outcome: String
    var iccid: String?
    var imsi: String?
    var operatorName: String?
    var pin1: String?
    /// SMS records in use (full reads only).
    var sms: Int?
    var label: String?
    var entry: Int64?
    var sameContent: Bool?
    var origin: String?
    var placed: Bool?
    /// Why a read is incomplete, or what went wrong with storing or placing.
    var problem: String?
    var progress: BatchProgress?
    var cardsPerMinute: Double?

    enum CodingKeys: String, CodingKey {
        case schema, reader, outcome, iccid, imsi, pin1, sms, label, entry, sameContent, origin, placed, problem, progress, cardsPerMinute
        case operatorName = "operator"
    }
}

/// The running batch: one thread per reader, a shared queue of scanned origin labels, one
/// output stream. Each reader thread owns its own PC/SC context (a context serialises its
/// calls, and a wedged card locks its context for good).
final class BatchWatch: Sendable {
    struct Options: Sendable {
        var scope: AcquisitionScope
        var apduTimeout: Double
        var limits: ReadLimits
        var out: String?
        var maxCards: Int?
        var json: Bool
        var originPrompt: Bool
    }

    struct Shared {
        var stopping = false
        var cancellers: [String: PCSCCanceller] = [:]
        var origins: [String] = []
        /// Readers whose new card waits for an origin label, oldest insertion first.
        var cardsAwaitingOrigin: [String] = []
        var originsClosed = false
        var cardsThisRun = 0
        var failure: String?
    }

    let store: CaseStore
    let examiner: String
    let options: Options
    let shared = Mutex(Shared())
    let output = Mutex(())
    let started = ContinuousClock.now

    init(store: CaseStore, examiner: String, options: Options) {
        self.store = store
        self.examiner = examiner
        self.options = options
    }

    var stopping: Bool { shared.withLock { $0.stopping } }

    /// Watches `readers` until Ctrl-C, --max-cards or a storage failure.
    func run(readers: [String]) throws {
        signal(SIGINT, SIG_IGN)
        let interrupts = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        interrupts.setEventHandler { [self] in
            if stopping {
                note("second Ctrl-C: quitting now; reads in flight are not stored")
                exit(130)
            }
            note("stopping after the reads in flight (Ctrl-C again to quit at once)")
            stop()
        }
        interrupts.resume()
        if options.originPrompt { startOriginReader() }
        let progress = try inCase { () throws(CaseStoreError) in try store.batchProgress() }
        note("watching \(readers.count) reader(s) for case \(store.caseID): \(progress.read) of \(progress.expected) expected SIMs read, \(progress.pending) pending; Ctrl-C to stop")
        let group = DispatchGroup()
        for reader in readers {
            group.enter()
            let thread = Thread { [self] in
                watch(reader)
                group.leave()
            }
            thread.name = "watch \(reader)"
            thread.start()
        }
        group.wait()
        interrupts.cancel()
        let (count, failure) = shared.withLock { ($0.cardsThisRun, $0.failure) }
        let end = try inCase { () throws(CaseStoreError) in try store.batchProgress() }
        note("stopped: \(count) card(s) this run; \(end.read) of \(end.expected) expected SIMs read, \(end.pending) pending (`custody sim pending`)")
        if let failure { throw CustodyFailure(failure) }
    }

    func stop() {
        let cancellers = shared.withLock { s in
            s.stopping = true
            return Array(s.cancellers.values)
        }
        for c in cancellers { try? c.cancel() }
    }

    /// One reader's loop: wait for a card, read it, wait for it to go.
    func watch(_ reader: String) {
        var context: PCSCContext
        do { context = try PCSCContext() } catch {
            note("reader \"\(reader)\": \(CustodyFailure(error).message); not watching it")
            return
        }
        shared.withLock { $0.cancellers[reader] = context.canceller }
        // Unaware of any state: the first wait returns at once, so a card already in the
        // reader (after a restart, say) is read too.
        var last = ReaderState(reader: reader)
        while !stopping {
            let now: ReaderState
            do {
                guard let state = try context.waitForChange([last], timeout: .seconds(2)).first else { return }
                now = state
            } catch where error.code == .timeout || error.code == .cancelled {
                continue
            } catch {
                note("reader \"\(reader)\": \(CustodyFailure(error).message); not watching it any more")
                return
            }
            defer { last = now }
            if now.isUnavailable, !last.isUnavailable {
                note("reader \"\(reader)\" is unavailable (unplugged?); waiting for it")
                continue
            }
            let inserted = now.event.contains(.present) && (!last.event.contains(.present) || now.eventCount != last.eventCount)
            guard inserted, !stopping else { continue }
            let wedged = handleCard(reader, state: now, context: context)
            if wedged, let fresh = try? PCSCContext() {
                // The old context stays locked by the wedged transmit; never touch it again.
                context = fresh
                shared.withLock { $0.cancellers[reader] = fresh.canceller }
            }
        }
    }

    /// Reads, stores, places and reports one inserted card. Returns whether the context is wedged.
    func handleCard(_ reader: String, state: ReaderState, context: PCSCContext) -> Bool {
        var origin: String? = nil
        if options.originPrompt {
            origin = nextOrigin(for: reader)
            if origin == nil, stopping { return false }
        }
        var acquisition: SIMAcquisition
        var wedged = false
        if state.isMute {
            acquisition = .notConnected(reader: reader, atr: state.atr, scope: options.scope,
                                        reason: "the card does not answer (mute): reseat it, clean its contacts, or try another reader")
        } else {
            do throws(PCSCError) {
                (acquisition, wedged) = try CardSession.read(reader: reader, context: context, scope: options.scope,
                                                             examinerPIN: nil, apduTimeout: options.apduTimeout, limits: options.limits)
            } catch {
                acquisition = .notConnected(reader: reader, atr: state.atr, scope: options.scope,
                                            reason: CustodyFailure(connectFailure: error, reader: reader).message)
            }
        }
        var report = WatchReport(reader: reader, outcome: "failed", iccid: acquisition.iccid?.digits, imsi: acquisition.imsi?.digits,
                                 operatorName: Self.operatorName(acquisition), pin1: acquisition.pins.first { $0.name == "PIN1" }?.summary,
                                 sms: acquisition.summary?.smsUsed, origin: origin)
        if let out = options.out {
            do { _ = try AcquisitionFile.write(acquisition, into: out) } catch { report.problem = "\(error)" }
        }
        do {
            let outcome = try store.recordAcquisition(acquisition, record: try encodeJSON(acquisition), by: examiner)
            report.outcome = !acquisition.complete ? "incomplete" : outcome.reread ? "reread" : "acquired"
            report.label = outcome.label
            report.entry = outcome.entry.entry.sequence
            report.sameContent = outcome.sameContentAsFirst
            if !acquisition.complete { report.problem = acquisition.incompleteReason }
            if let origin, let label = outcome.label { place(label, in: origin, report: &report) }
        } catch {
            // Nothing more can be stored safely (disk full, damaged case): stop the whole batch.
            let why = (error as? CaseStoreError).map { CustodyFailure($0).message } ?? "\(error)"
            report.problem = "NOT STORED: \(why)"
            shared.withLock { s in if s.failure == nil { s.failure = "a read could not be stored, watch stopped: \(why)" } }
            stop()
        }
        report.progress = try? store.batchProgress()
        let count = shared.withLock { s in
            s.cardsThisRun += 1
            return s.cardsThisRun
        }
        let elapsed = (ContinuousClock.now - started).components
        let minutes = (Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18) / 60
        report.cardsPerMinute = minutes > 0 ? (Double(count) / minutes * 10).rounded() / 10 : nil
        emit(report)
        if let max = options.maxCards, count >= max { stop() }
        return wedged
    }

    /// Places a just-read SIM where the technician said it came from. A SIM already there is
    /// fine; a SIM recorded elsewhere is not moved (a finding to check, not to overwrite).
    func place(_ label: String, in origin: String, report: inout WatchReport) {
        do {
            if try store.item(label)?.parent == origin {
                report.placed = true
                return
            }
            try store.place(label, in: origin, by: examiner)
            report.placed = true
        } catch {
            report.placed = false
            report.problem = "not placed in \(origin): \(error)"
        }
    }

    static func operatorName(_ acquisition: SIMAcquisition) -> String? {
        acquisition.imsi?.operatorInfo?.displayName ?? acquisition.iccid?.issuer?.issuer
    }

    // MARK: Origins (--origin-prompt)

    /// Reads origin labels from standard input (keyboard or a USB scanner typing the QR
    /// label's text and Enter); each is checked against the case before it is queued.
    func startOriginReader() {
        note("scan or type the label of the slot or lot each SIM comes from, then insert the SIM")
        let thread = Thread { [self] in
            while let line = readLine() {
                let label = line.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !label.isEmpty else { continue }
                if let problem = originProblem(label) {
                    note("origin \"\(label)\" refused: \(problem)")
                    continue
                }
                let waiting = shared.withLock { s in
                    s.origins.append(label)
                    return s.origins.count
                }
                note("origin \(label) noted (\(waiting) waiting): insert its SIM")
            }
            shared.withLock { $0.originsClosed = true }
        }
        thread.name = "origins"
        thread.start()
    }

    /// Why `label` cannot be a SIM's origin, or nil.
    func originProblem(_ label: String) -> String? {
        guard let item = try? store.item(label) else {
            return "no item with that label in case \(store.caseID): check the label (`custody device find`)"
        }
        if DeviceType.canHold(.sim, itemType: item.type) { return nil }
        return "a \(item.type) cannot hold a SIM: scan the slot's or lot's label"
    }

    /// The origin scanned for the card just inserted in `reader`. Cards take the waiting
    /// labels in the order they were inserted: a card waits until it is the oldest card without
    /// an origin and a label is there. Nil when watch stops first; a card inserted after
    /// standard input closed is read without an origin.
    func nextOrigin(for reader: String) -> String? {
        shared.withLock { $0.cardsAwaitingOrigin.append(reader) }
        defer { shared.withLock { s in s.cardsAwaitingOrigin.removeAll { $0 == reader } } }
        var asked = false
        while true {
            let (next, first, closed, stopping, behind) = shared.withLock { s -> (String?, Bool, Bool, Bool, Int) in
                let first = s.cardsAwaitingOrigin.first == reader
                let next = first && !s.origins.isEmpty ? s.origins.removeFirst() : nil
                return (next, first, s.originsClosed, s.stopping, s.cardsAwaitingOrigin.count - 1)
            }
            if let next { return next }
            if stopping {
                note("card in \"\(reader)\" not read: watch stopped before its origin was scanned")
                return nil
            }
            if closed, first {
                note("card in \"\(reader)\" has no origin (input closed): reading it without one")
                return nil
            }
            if first, !asked {
                let others = behind > 0 ? " (\(behind) more card(s) waiting after it)" : ""
                note("card in \"\(reader)\": scan or type the label of the slot or lot it came from\(others)")
                asked = true
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    // MARK: Output

    func emit(_ report: WatchReport) {
        output.withLock { _ in
            if options.json {
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

    func note(_ text: String) {
        output.withLock { _ in printError(text) }
    }
}

extension ReaderState {
    /// pcsc-lite counts card insertions and removals in the upper 16 bits of the event state:
    /// a changed count with a card present means a new card, even if the swap was too quick
    /// for a wait to see the reader empty.
    var eventCount: UInt32 { event.rawValue >> 16 }
}
