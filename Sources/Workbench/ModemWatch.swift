import CaseStore
import Foundation
import Modem
import SIMCard
import Synchronization

/// What became of one port in `modem watch`.
public enum ModemWatchOutcome: String, Codable, Sendable {
    /// The module and its SIM were read and recorded.
    case read
    /// The module was read; its port holds no SIM (nothing to record).
    case empty
    /// The SIM asks for its PIN (or PUK): what it gives without one was read and recorded.
    case pinLocked = "pin-locked"
    /// Nothing recorded (the port, the module or the case failed), or the read is incomplete.
    case failed
    /// `--resume`: a complete record of this module and SIM is already there; not read again.
    case skipped
}

/// One port's outcome as `modem watch --json` prints it.
public struct ModemWatchReport: Encodable, Sendable {
    public static let schema = "custody.modem.watch/1"
    public var schema = ModemWatchReport.schema
    public var port: String
    public var outcome: ModemWatchOutcome
    public var manufacturer: String?
    public var model: String?
    public var dialect: String?
    public var imei: String?
    /// AT+CPIN?'s answer: READY, SIM PIN, SIM PUK, NOT INSERTED, or the error.
    public var simState: String?
    public var iccid: String?
    public var imsi: String?
    /// `csim` or `crsm`: which AT command carried the SIM's APDUs.
    public var accessPath: String?
    /// The port's item in the case (`--items`, `--item-map`; else the port whose module IMEI matches).
    public var item: String?
    /// What the case recorded (the SIM's label, the entry), as `modem read --case` says it.
    public var recorded: String?
    /// The acquisition record written into --out.
    public var record: String?
    public var problem: String?
    /// AT commands written to the module for this port, and the APDUs of SIMCard's read they carried.
    public var atCommands: Int?
    public var apdus: Int?
    public var seconds: Double
}

/// The end of a `modem watch` run: how many ports ended how, and the run's reading time (from
/// the first port opened to the last port's record written; process start-up excluded).
public struct ModemWatchSummary: Codable, Sendable {
    public static let schema = "custody.modem.watch-summary/1"
    public var schema = ModemWatchSummary.schema
    public var ports: Int
    public var read = 0
    public var empty = 0
    public var pinLocked = 0
    public var failed = 0
    public var skipped = 0
    /// Ports not started because the run was stopped (Ctrl-C): `--resume` reads them.
    public var notRead = 0
    public var seconds = 0.0

    /// Every port read, empty, PIN-locked or already recorded: the run's exit status is 0.
    public var succeeded: Bool { failed == 0 && notRead == 0 }

    mutating func count(_ outcome: ModemWatchOutcome) {
        switch outcome {
        case .read: read += 1
        case .empty: empty += 1
        case .pinLocked: pinLocked += 1
        case .failed: failed += 1
        case .skipped: skipped += 1
        }
    }
}

/// Where a running pool examination sends what it has to say. Called from the port threads at
/// once: a sink serialises its own output.
public protocol ModemWatchSink: Sendable {
    /// One port's outcome, once its record is written (or failed to be).
    func report(_ report: ModemWatchReport)
    /// A line for the examiner about the run: started, stopping, a case problem.
    func note(_ text: String)
}

/// A whole modem pool examined in place (`custody modem watch`): one thread per port, at most
/// `parallel` at once, each port examined as `modem read` examines one (`ModemExamination`),
/// its record written into --out and/or the case, one report per port to the sink. A module
/// spends most of a read waiting for its answers, so the ports' waits overlap.
public final class ModemWatch: Sendable {
    public struct Options: Sendable {
        public var scope: AcquisitionScope
        public var baud: Int
        public var limits: ReadLimits
        /// Ports read at once; nil: every port.
        public var parallel: Int?
        /// Also write each acquisition record into this folder.
        public var out: String?
        /// Skip the ports whose module (IMEI) and SIM (ICCID) already have a complete record of
        /// this scope in --out or the case.
        public var resume: Bool

        public init(scope: AcquisitionScope, baud: Int, limits: ReadLimits, parallel: Int?, out: String?, resume: Bool) {
            self.scope = scope
            self.baud = baud
            self.limits = limits
            self.parallel = parallel
            self.out = out
            self.resume = resume
        }
    }

    /// The case a run records into, and each port's item there.
    public struct CaseTarget: Sendable {
        public var store: CaseStore
        public var examiner: String
        /// Port path → the port's item label (`--items`, `--item-map`); a port without one is
        /// recorded without a place.
        public var items: [String: String]

        public init(store: CaseStore, examiner: String, items: [String: String]) {
            self.store = store
            self.examiner = examiner
            self.items = items
        }
    }

    struct Shared {
        var next = 0
        var stopping = false
        var summary: ModemWatchSummary
    }

    let ports: [String]
    let options: Options
    let target: CaseTarget?
    let sink: any ModemWatchSink
    let shared: Mutex<Shared>
    /// Module IMEI + SIM ICCID of every complete record of this scope already in --out or the case (`--resume`).
    let recorded: Set<RecordedRead>

    public init(ports: [String], target: CaseTarget?, sink: any ModemWatchSink, options: Options) throws(WorkbenchError) {
        self.ports = ports
        self.options = options
        self.target = target
        self.sink = sink
        shared = Mutex(Shared(summary: ModemWatchSummary(ports: ports.count)))
        var recorded: Set<RecordedRead> = []
        if options.resume {
            recorded = try Self.recordedReads(in: options.out, scope: options.scope)
            if let target { recorded.formUnion(try Self.recordedReads(in: target.store, scope: options.scope)) }
        }
        self.recorded = recorded
    }

    /// Whether `stop()` was called.
    public var stopping: Bool { shared.withLock { $0.stopping } }

    /// Stops the run after the ports being read: no port is started after this, and a port in
    /// flight is read to its end and recorded whole (never half).
    public func stop() { shared.withLock { $0.stopping = true } }

    /// Examines every port and returns the summary.
    public func run() -> ModemWatchSummary {
        let started = ContinuousClock.now
        let threads = min(options.parallel ?? ports.count, ports.count)
        sink.note("examining \(ports.count) port(s), \(threads) at once\(options.resume ? ", skipping modules and SIMs already recorded" : ""); Ctrl-C to stop after the ports in flight")
        let group = DispatchGroup()
        for worker in 0..<threads {
            group.enter()
            let thread = Thread { [self] in
                while let port = nextPort() { examine(port) }
                group.leave()
            }
            thread.name = "modem watch \(worker)"
            thread.start()
        }
        group.wait()
        return shared.withLock { s in
            s.summary.notRead = ports.count - s.next
            s.summary.seconds = Self.seconds(ContinuousClock.now - started)
            return s.summary
        }
    }

    /// The next port to examine, nil once every port is taken or the run is stopping.
    func nextPort() -> String? {
        shared.withLock { s in
            guard !s.stopping, s.next < ports.count else { return nil }
            defer { s.next += 1 }
            return ports[s.next]
        }
    }

    /// Examines, records and reports one port.
    func examine(_ port: String) {
        let started = ContinuousClock.now
        var report = ModemWatchReport(port: port, outcome: .failed, item: target?.items[port], seconds: 0)
        defer {
            report.seconds = Self.seconds(ContinuousClock.now - started)
            shared.withLock { $0.summary.count(report.outcome) }
            sink.report(report)
        }
        if options.resume, !recorded.isEmpty, let known = alreadyRecorded(port, report: &report), known { return }
        let examination: ModemExamination
        do throws(WorkbenchError) {
            examination = try ModemExamination.examine(path: port, baud: options.baud, scope: options.scope, limits: options.limits)
        } catch {
            report.problem = error.message
            return
        }
        describe(examination, in: &report)
        guard let acquisition = examination.acquisition else {
            report.outcome = .empty
            return
        }
        // AT+CPIN? answering SIM PIN or SIM PUK: the SIM waits for a code Custody never gives.
        report.outcome = examination.module.simState.hasPrefix("SIM P") ? .pinLocked : .read
        if !acquisition.complete {
            report.outcome = .failed
            report.problem = "INCOMPLETE: \(acquisition.incompleteReason ?? "unknown cause"); read the port again"
        }
        store(examination, report: &report)
    }

    /// `--resume`: reads the module's identity only (IMEI and ICCID) and says whether the port
    /// needs no full read: a complete record of the pair is already in --out or the case
    /// (`skipped`), or the port holds no SIM (`empty`, nothing to record). Nil when the identity
    /// cannot be read (the full examination then reports why).
    func alreadyRecorded(_ port: String, report: inout ModemWatchReport) -> Bool? {
        guard let module = try? Self.identify(port, baud: options.baud) else { return nil }
        report.manufacturer = module.manufacturer
        report.model = module.model
        report.dialect = module.dialect.rawValue
        report.imei = module.imei
        report.iccid = module.iccid
        report.simState = module.simState
        if !ModemExamination.simPresent(module) {
            report.outcome = .empty
            return true
        }
        guard let imei = module.imei, let iccid = module.iccid, recorded.contains(RecordedRead(imei: imei, iccid: iccid)) else { return false }
        report.outcome = .skipped
        return true
    }

    /// The module's identity sequence alone (`ModuleIdentity.read`: AT queries, no APDU).
    static func identify(_ port: String, baud: Int) throws -> ModuleIdentity {
        let serial = try SerialPort(path: port, baud: baud)
        defer { serial.close() }
        return try ModuleIdentity.read(session: ATSession(transport: serial))
    }

    func describe(_ examination: ModemExamination, in report: inout ModemWatchReport) {
        let module = examination.module
        report.manufacturer = module.manufacturer
        report.model = module.model
        report.dialect = module.dialect.rawValue
        report.imei = module.imei
        report.simState = module.simState
        report.iccid = examination.acquisition?.iccid?.digits ?? module.iccid
        report.imsi = examination.acquisition?.imsi?.digits ?? module.imsi
        report.accessPath = examination.access.accessPath?.rawValue
        report.atCommands = examination.access.atCommandCount
        report.apdus = examination.acquisition?.apduCount
    }

    /// Writes the record into --out and the case, each attempted even if the other fails.
    func store(_ examination: ModemExamination, report: inout ModemWatchReport) {
        var problems: [String] = []
        do throws(WorkbenchError) {
            let record = try examination.record()
            if let out = options.out, let acquisition = examination.acquisition {
                do { report.record = try AcquisitionFile.write(record, of: acquisition, into: out) } catch { problems.append(error.message) }
            }
            if let target {
                do { report.recorded = try ModemRecording.record(examination, item: target.items[report.port], into: target.store, by: target.examiner) } catch {
                    problems.append("NOT STORED in the case: \(error.message)")
                }
            }
        } catch {
            problems.append(error.message)
        }
        guard !problems.isEmpty else { return }
        report.outcome = .failed
        report.problem = ([report.problem].compactMap { $0 } + problems).joined(separator: "; ")
    }

    static func seconds(_ d: Duration) -> Double {
        let (s, atto) = d.components
        return Double(s) + Double(atto) / 1e18
    }

    // MARK: Records already written (--resume)

    /// A module and the SIM it held, as a record names them.
    struct RecordedRead: Hashable, Sendable {
        var imei: String
        var iccid: String
    }

    /// The members of an in-place record `--resume` needs.
    private struct RecordIdentity: Decodable {
        struct Modem: Decodable {
            struct Module: Decodable { var imei: String? }
            var module: Module
        }
        struct ICCID: Decodable { var digits: String }
        var iccid: ICCID?
        var complete: Bool
        var scope: AcquisitionScope
        var modem: Modem?
    }

    /// Every complete in-place record of `scope` in `directory` (none when it does not exist yet).
    static func recordedReads(in directory: String?, scope: AcquisitionScope) throws(WorkbenchError) -> Set<RecordedRead> {
        guard let directory, FileManager.default.fileExists(atPath: directory) else { return [] }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw WorkbenchError("cannot list \(directory) to resume: \(error.localizedDescription); check the --out folder")
        }
        return recordedReads(names.filter { $0.hasSuffix(".json") }.compactMap {
            FileManager.default.contents(atPath: (directory as NSString).appendingPathComponent($0))
        }, scope: scope)
    }

    /// Every complete in-place record of `scope` stored in the case.
    static func recordedReads(in store: CaseStore, scope: AcquisitionScope) throws(WorkbenchError) -> Set<RecordedRead> {
        recordedReads(try inCase { () throws(CaseStoreError) in try store.acquisitions(scope: scope) }.map(\.record), scope: scope)
    }

    static func recordedReads(_ records: [Data], scope: AcquisitionScope) -> Set<RecordedRead> {
        Set(records.compactMap { data in
            guard let record = try? JSONDecoder().decode(RecordIdentity.self, from: data), record.complete, record.scope == scope,
                  let imei = record.modem?.module.imei, let iccid = record.iccid?.digits else { return nil }
            return RecordedRead(imei: imei, iccid: iccid)
        })
    }
}

extension ModemWatch.CaseTarget {
    /// Each port's item: `labels` in the order of `ports` (as many labels as ports), and the
    /// lines of the mapping file at `mapFile` (`PORT LABEL`, separated by spaces or a tab; `#`
    /// starts a comment); every label is checked, as `modem read --item` checks it, before a
    /// module is touched.
    public static func itemsByPort(ports: [String], labels: [String], mapFile: String?, in store: CaseStore) throws(WorkbenchError) -> [String: String] {
        var items: [String: String] = [:]
        if !labels.isEmpty {
            guard labels.count == ports.count else {
                throw WorkbenchError("--items gives \(labels.count) label(s) for \(ports.count) port(s): give one label per port, in the order of the ports")
            }
            items = Dictionary(zip(ports, labels)) { first, _ in first }
        }
        if let mapFile {
            let text: String
            do { text = try String(contentsOfFile: mapFile, encoding: .utf8) } catch {
                throw WorkbenchError("cannot read the item map \(mapFile): \(error.localizedDescription); check the path")
            }
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let fields = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0].split(whereSeparator: \.isWhitespace)
                guard !fields.isEmpty else { continue }
                guard fields.count == 2 else {
                    throw WorkbenchError("\(mapFile) line \(number + 1): expected `PORT LABEL` (e.g. /dev/serial/by-path/…-port0 SB-01/P1), found \"\(line)\"")
                }
                items[String(fields[0])] = String(fields[1])
            }
        }
        for label in Set(items.values) {
            _ = try inCase { () throws(CaseStoreError) in try store.slotForReadInPlace(label) }
        }
        return items
    }
}
