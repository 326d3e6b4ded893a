import CaseStore
import Foundation
import PCSC
import SIMCard
import Synchronization

/// One card's outcome as `sim watch --json` prints it.
public struct WatchReport: Encodable, Sendable {
    public static let schema = "custody.sim.watch/1"
    public var schema = WatchReport.schema
    public var reader: String
    /// `acquired`, `reread`, `incomplete` (stored, on the retry list) or `failed` (not stored).
    public var outcome: String
    public var iccid: String?
    public var imsi: String?
    public var operatorName: String?
    public var pin1: String?
    /// SMS records in use (full reads only).
    public var sms: Int?
    public var label: String?
    public var entry: Int64?
    public var sameContent: Bool?
    public var origin: String?
    public var placed: Bool?
    /// Why a read is incomplete, or what went wrong with storing or placing.
    public var problem: String?
    public var progress: BatchProgress?
    public var cardsPerMinute: Double?

    enum CodingKeys: String, CodingKey {
        case schema, reader, outcome, iccid, imsi, pin1, sms, label, entry, sameContent, origin, placed, problem, progress, cardsPerMinute
        case operatorName = "operator"
    }
}

/// Where a running batch sends what it has to say. Called from the reader threads at once:
/// a sink serialises its own output.
public protocol BatchWatchSink: Sendable {
    /// One card's outcome, once it is committed to the case (or failed to be).
    func report(_ report: WatchReport)
    /// A line for the examiner about the batch: started, stopped, a reader lost, an origin asked for.
    func note(_ text: String)
}

/// The running batch: one thread per reader, a shared queue of scanned origin labels, one
/// sink. Each reader thread owns its own PC/SC context (a context serialises its calls, and a
/// wedged card locks its context for good) and blocks in `SCardGetStatusChange` until a card
/// comes or goes; `stop()` wakes it with `SCardCancel`.
public final class BatchWatch: Sendable {
    public struct Options: Sendable {
        public var scope: AcquisitionScope
        public var apduTimeout: Double
        public var limits: ReadLimits
        /// Also write each acquisition record into this folder.
        public var out: String?
        public var maxCards: Int?
        /// Each card waits for its origin label (`offerOrigin`) before it is read.
        public var originPrompt: Bool

        public init(scope: AcquisitionScope, apduTimeout: Double, limits: ReadLimits, out: String?, maxCards: Int?, originPrompt: Bool) {
            self.scope = scope
            self.apduTimeout = apduTimeout
            self.limits = limits
            self.out = out
            self.maxCards = maxCards
            self.originPrompt = originPrompt
        }
    }

    struct Shared {
        var stopping = false
        var cancellers: [String: PCSCCanceller] = [:]
        /// Readers whose thread is in (or about to enter) its wait for a card.
        var waiting: Set<String> = []
        var cardsThisRun = 0
        var failure: String?
    }

    let store: CaseStore
    let examiner: String
    let options: Options
    let sink: any BatchWatchSink
    let shared = Mutex(Shared())
    let origins = OriginQueue()
    let started = ContinuousClock.now
    /// Signalled by `stop()` and when every reader thread has ended: `run` sleeps on it.
    let wake = DispatchSemaphore(value: 0)

    public init(store: CaseStore, examiner: String, sink: any BatchWatchSink, options: Options) {
        self.store = store
        self.examiner = examiner
        self.options = options
        self.sink = sink
    }

    /// Whether `stop()` was called (or the batch stopped itself).
    public var stopping: Bool { shared.withLock { $0.stopping } }

    /// Watches `readers` until `stop()`, --max-cards or a storage failure.
    public func run(readers: [String]) throws {
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
        group.notify(queue: .global()) { [self] in wake.signal() }
        wake.wait()
        // Woken by stop() or by the last reader thread ending. A stop that lands just before a
        // reader enters SCardGetStatusChange is not seen by that wait (pcsc-lite cancels only
        // a wait in progress): cancel the waits still there until every reader has left.
        while group.wait(timeout: .now() + .milliseconds(200)) == .timedOut { cancelWaits() }
        let (count, failure) = shared.withLock { ($0.cardsThisRun, $0.failure) }
        let end = try inCase { () throws(CaseStoreError) in try store.batchProgress() }
        note("stopped: \(count) card(s) this run; \(end.read) of \(end.expected) expected SIMs read, \(end.pending) pending (`custody sim pending`)")
        if let failure { throw WorkbenchError(failure) }
    }

    /// Stops the batch after the reads in flight: wakes every reader's wait and every card
    /// waiting for its origin.
    public func stop() {
        shared.withLock { $0.stopping = true }
        origins.stop()
        cancelWaits()
        wake.signal()
    }

    /// `SCardCancel` on the context of every reader waiting for a card (not on a read in
    /// flight: its own short waits, such as `CardSession.cardLeft`, run to their end).
    func cancelWaits() {
        let waiting = shared.withLock { s in s.waiting.compactMap { s.cancellers[$0] } }
        for canceller in waiting { try? canceller.cancel() }
    }

    /// Marks `reader` as waiting for a card, unless the batch is stopping.
    func startWaiting(_ reader: String) -> Bool {
        shared.withLock { s in
            guard !s.stopping else { return false }
            s.waiting.insert(reader)
            return true
        }
    }

    /// One reader's loop: wait for a card, read it, wait for it to go.
    func watch(_ reader: String) {
        var context: PCSCContext
        do { context = try PCSCContext() } catch {
            note("reader \"\(reader)\": \(WorkbenchError(error).message); not watching it")
            return
        }
        shared.withLock { $0.cancellers[reader] = context.canceller }
        // Unaware of any state: the first wait returns at once, so a card already in the
        // reader (after a restart, say) is read too.
        var last = ReaderState(reader: reader)
        while startWaiting(reader) {
            let now: ReaderState
            do {
                defer { shared.withLock { _ = $0.waiting.remove(reader) } }
                // No timeout: a card coming or going, the reader unplugged, or stop() ends the wait.
                guard let state = try context.waitForChange([last], timeout: nil).first else { return }
                now = state
            } catch where error.code == .cancelled {
                continue
            } catch {
                note("reader \"\(reader)\": \(WorkbenchError(error).message); not watching it any more")
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
                                            reason: WorkbenchError(connectFailure: error, reader: reader).message)
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
            let why = (error as? CaseStoreError).map { WorkbenchError($0).message } ?? "\(error)"
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
        sink.report(report)
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

    /// A slot or lot label the technician scanned or typed for the next SIM: checked against
    /// the case, then queued for the next card inserted; the sink hears which.
    public func offerOrigin(_ label: String) {
        if let problem = originProblem(label) {
            note("origin \"\(label)\" refused: \(problem)")
            return
        }
        note("origin \(label) noted (\(origins.add(label)) waiting): insert its SIM")
    }

    /// No more origin labels will come (standard input closed): a card inserted from now on
    /// with none waiting is read without one.
    public func closeOrigins() { origins.close() }

    /// Why `label` cannot be a SIM's origin, or nil.
    func originProblem(_ label: String) -> String? {
        guard let item = try? store.item(label) else {
            return "no item with that label in case \(store.caseID): check the label (`custody device find`)"
        }
        if DeviceType.canHold(.sim, itemType: item.type) { return nil }
        return "a \(item.type) cannot hold a SIM: scan the slot's or lot's label"
    }

    /// The origin scanned for the card just inserted in `reader` (`OriginQueue.next`). Nil when
    /// watch stops first; a card inserted after the labels closed is read without an origin.
    func nextOrigin(for reader: String) -> String? {
        let outcome = origins.next(for: reader) { behind in
            let others = behind > 0 ? " (\(behind) more card(s) waiting after it)" : ""
            note("card in \"\(reader)\": scan or type the label of the slot or lot it came from\(others)")
        }
        switch outcome {
        case .origin(let label):
            return label
        case .stopped:
            note("card in \"\(reader)\" not read: watch stopped before its origin was scanned")
            return nil
        case .closed:
            note("card in \"\(reader)\" has no origin (input closed): reading it without one")
            return nil
        }
    }

    func note(_ text: String) { sink.note(text) }
}

extension ReaderState {
    /// pcsc-lite counts card insertions and removals in the upper 16 bits of the event state:
    /// a changed count with a card present means a new card, even if the swap was too quick
    /// for a wait to see the reader empty.
    var eventCount: UInt32 { event.rawValue >> 16 }
}
