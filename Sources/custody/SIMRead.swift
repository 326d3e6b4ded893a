import ArgumentParser
import Foundation
import CaseStore
import PCSC
import SIMCard

struct SIMRead: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Read a SIM without changing it: its identity, or with --full everything on it.",
        discussion: """
            Never writes. Presents a PIN only when the examiner supplies one with --pin-env, once, and \
            only while at least 2 tries remain. Exit status 2 means the read is incomplete (card \
            removed, mute or faulty, a file read with anomalies, or --apdu-budget or --deadline \
            reached); what was read is still printed and saved.
            """
    )

    @Option(help: "Reader name as `custody readers` shows it. Default: the only reader holding a card.")
    var reader: String?

    @Flag(help: "Print JSON (schema custody.sim.acquisition/1, see docs/ACQUISITION.md).")
    var json = false

    @Flag(help: "Read every standard file: SMS (with deleted residue), phonebooks, location, network lists.")
    var full = false

    @Option(help: ArgumentHelp("Write the acquisition record (JSON, every raw byte and the transcript) into this folder.", valueName: "DIR"))
    var out: String?

    @Option(help: ArgumentHelp("Name of an environment variable holding PIN1 (from the SIM's packaging). Never pass a PIN as an argument.", valueName: "VAR"))
    var pinEnv: String?

    @Option(help: "Seconds to wait for the card's answer to one command before calling it mute.")
    var apduTimeout: Double = 5

    @OptionGroup var limits: ReadLimitOptions

    @Option(name: .customLong("case"), help: ArgumentHelp("Record the acquisition into this case (default: $CUSTODY_CASE): raw record, SIM item, signed ledger entry.", valueName: "DIR"))
    var caseDirectory: String?

    @Option(help: ArgumentHelp("Examiner recording into the case (default: $CUSTODY_EXAMINER).", valueName: "ID"))
    var examiner: String?

    @Option(help: CaseSelection.stationKeyHelp)
    var stationKey: String?

    func validate() throws {
        guard apduTimeout > 0 else { throw ValidationError("--apdu-timeout must be more than 0 seconds") }
        _ = try examinerPIN()
    }

    /// The PIN the examiner put in the environment variable named by --pin-env, if any.
    func examinerPIN() throws -> ExaminerPIN? {
        guard let pinEnv else { return nil }
        guard let text = ProcessInfo.processInfo.environment[pinEnv], !text.isEmpty else {
            throw ValidationError("--pin-env \(pinEnv): the environment variable \(pinEnv) is not set; export it (e.g. `read -s \(pinEnv); export \(pinEnv)`) and retry")
        }
        guard let pin = ExaminerPIN(text) else {
            throw ValidationError("--pin-env \(pinEnv): a PIN is 4 to 8 digits; the variable holds something else")
        }
        return pin
    }

    func run() async throws {
        try reportingFailures {
            // The case and examiner are checked before the card is touched.
            let caseTarget = try CaseSelection.chosen(caseDirectory).map { _ in
                let store = try CaseSelection.open(caseDirectory, stationKey: stationKey)
                return (store, try ExaminerSelection.id(examiner, in: store))
            }
            let context = try PCSCContext()
            let chosen = try ReaderChoice.choose(reader, in: context)
            if !json, reader == nil { printError("using reader \"\(chosen)\", the only one with a card") }
            let pin = try examinerPIN()
            var identity: SIMAcquisition
            do throws(PCSCError) {
                let scope: AcquisitionScope = full ? .full : .identity
                identity = try CardSession.read(reader: chosen, context: context, scope: scope, examinerPIN: pin,
                                                apduTimeout: apduTimeout, limits: limits.limits(for: scope)).acquisition
            } catch {
                throw CustodyFailure(connectFailure: error, reader: chosen)
            }
            // Output first: whatever fails after this, the read itself is on stdout. Then the
            // record file and the case, each attempted even if the other fails.
            if json { try printJSON(identity) } else { AcquisitionText.print(identity) }
            var saveFailure: (any Error)?
            if let out {
                do { printError("acquisition record written to \(try AcquisitionFile.write(identity, into: out))") } catch { saveFailure = error }
            }
            if let (store, examinerID) = caseTarget { try Self.record(identity, into: store, by: examinerID) }
            if let saveFailure { throw saveFailure }
            if !identity.complete {
                throw CustodyFailure("read of the card in \"\(chosen)\" is INCOMPLETE after \(identity.apduCount) APDUs: \(identity.incompleteReason ?? "unknown cause"); reinsert the card and read it again",
                                     exitCode: ExitStatus.incompleteRead)
            }
        }
    }
}

extension SIMRead {
    /// Stores the read in the case (record, SIM item, sim.acquire / sim.reread) and says what it did.
    static func record(_ identity: SIMAcquisition, into store: CaseStore, by examiner: String) throws {
        let record = try encodeJSON(identity)
        let outcome = try inCase { () throws(CaseStoreError) in try store.recordAcquisition(identity, record: record, by: examiner) }
        let seq = outcome.entry.entry.sequence
        let flag = identity.complete ? "" : " (INCOMPLETE)"
        if outcome.reread, let label = outcome.label {
            let same = outcome.sameContentAsFirst.map { $0 ? ", same content hash as the first \(identity.scope.rawValue) read" : ", content hash DIFFERS from the first \(identity.scope.rawValue) read" } ?? ""
            printError("SIM \(identity.iccid?.digits ?? "") is already in the case as \(label); recorded as a re-read\(flag) (entry \(seq) sim.reread\(same))")
        } else if let label = outcome.label {
            printError("recorded in case \(store.caseID) as \(label)\(flag) (entry \(seq) sim.acquire, record SHA-256 \(outcome.recordSHA256))")
        } else {
            printError("recorded in case \(store.caseID) without an item: no ICCID was read\(flag) (entry \(seq) sim.acquire)")
        }
    }
}

/// One read of the card in one reader, as `sim read` and `sim watch` do it.
enum CardSession {
    /// Connects exclusively (`SCardConnect`), reads, disconnects, and when the read broke off
    /// tells a pulled card from a faulty one. `wedged`: a transmit never returned, so the
    /// context must not be used again.
    static func read(reader: String, context: PCSCContext, scope: AcquisitionScope, examinerPIN: ExaminerPIN?,
                     apduTimeout: Double, limits: ReadLimits) throws(PCSCError) -> (acquisition: SIMAcquisition, wedged: Bool) {
        let card = try context.connect(reader: reader)
        let atr = try card.atr()
        var acquisition = SIMReader().read(transport: PCSCTransport(card: card, timeout: .milliseconds(Int(apduTimeout * 1000))),
                                           atr: atr, reader: reader, scope: scope, examinerPIN: examinerPIN, limits: limits)
        try? card.disconnect()
        // Only a read cut by a failed exchange may mean a pulled card (not a limit or anomalies).
        // A wedged card's transmit still holds the context's lock: ask nothing more of it.
        let brokeOff = acquisition.transcript.entries.last?.error != nil
        if !acquisition.complete, brokeOff, !card.isWedged, cardLeft(reader, context: context) {
            acquisition.incompleteReason = "card removed during the read (\(acquisition.incompleteReason ?? ""))"
        }
        return (acquisition, card.isWedged)
    }

    /// After a read broke off: whether the card left the reader. pcscd polls readers every
    /// few hundred milliseconds, so its state may lag the failed command; wait up to 1.5 s.
    static func cardLeft(_ reader: String, context: PCSCContext) -> Bool {
        guard var states = try? context.states(of: [reader]) else { return false }
        let deadline = ContinuousClock.now + .milliseconds(1500)
        while states.first?.cardPresent == true, ContinuousClock.now < deadline {
            guard let next = try? context.waitForChange(states, timeout: deadline - ContinuousClock.now) else { break }
            states = next
        }
        return states.first?.cardPresent == false
    }
}

/// `--apdu-budget` and `--deadline`: the bounds on each card's read (docs/ACQUISITION.md "Limits").
struct ReadLimitOptions: ParsableArguments {
    private static let identity = ReadLimits.defaults(for: .identity)
    private static let full = ReadLimits.defaults(for: .full)

    @Option(help: ArgumentHelp("APDUs one card's read may send; reaching it ends the read as incomplete. Default: \(Self.identity.apduBudget) for an ID read, \(Self.full.apduBudget) with --full.", valueName: "N"))
    var apduBudget: Int?

    @Option(help: ArgumentHelp("Seconds one card's read may take; passing it ends the read as incomplete. Default: \(Self.identity.deadline.components.seconds) for an ID read, \(Self.full.deadline.components.seconds) with --full.", valueName: "SECONDS"))
    var deadline: Double?

    func validate() throws {
        if let apduBudget, apduBudget < 1 { throw ValidationError("--apdu-budget must be at least 1 APDU") }
        if let deadline, !(deadline > 0) { throw ValidationError("--deadline must be more than 0 seconds") }
    }

    /// The defaults for `scope`, with what the examiner set replacing them.
    func limits(for scope: AcquisitionScope) -> ReadLimits {
        var limits = ReadLimits.defaults(for: scope)
        if let apduBudget { limits.apduBudget = apduBudget }
        if let deadline { limits.deadline = .milliseconds(Int((deadline * 1000).rounded())) }
        return limits
    }
}

/// Saves acquisition records: one JSON file per read, never overwriting another.
enum AcquisitionFile {
    /// Writes `acquisition` as `DIR/<ICCID>-<UTC time>.json` (atomically) and returns the path.
    static func write(_ acquisition: SIMAcquisition, into directory: String) throws -> String {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw CustodyFailure("cannot create the output folder \(directory): \(error.localizedDescription); choose another --out")
        }
        let stamp = acquisition.transcript.entries.first?.time.filter { $0.isNumber || $0 == "T" } ?? "unread"
        let name = "\(acquisition.iccid?.digits ?? "no-iccid")-\(stamp)Z.json"
        let path = (directory as NSString).appendingPathComponent(name)
        guard !FileManager.default.fileExists(atPath: path) else {
            throw CustodyFailure("\(path) already exists: Custody never overwrites an acquisition record; choose another --out")
        }
        do {
            try encodeJSON(acquisition).write(to: URL(fileURLWithPath: path), options: [.atomic])
        } catch {
            throw CustodyFailure("cannot write \(path): \(error.localizedDescription); check free space and permissions")
        }
        return path
    }
}

/// A connected PC/SC card as the SIM library's transport.
struct PCSCTransport: CardTransport {
    let card: PCSCCard
    let timeout: Duration

    func transmit(_ command: [UInt8]) throws -> [UInt8] { try card.transmit(command, timeout: timeout) }
}

enum ReaderChoice {
    /// The reader to read from: the named one (exact name, or a unique case-insensitive part of
    /// one), or else the only reader holding a card.
    static func choose(_ requested: String?, in context: PCSCContext) throws -> String {
        let names = try context.readers()
        guard !names.isEmpty else { throw CustodyFailure(PCSCError(function: "SCardListReaders", code: .noReadersAvailable)) }
        let states = try context.states(of: names)
        if let requested {
            let name = try match(requested, among: names)
            let state = states.first { $0.reader == name }
            if state?.isMute == true {
                throw CustodyFailure("the card in reader \"\(name)\" does not answer (mute): reseat it, clean its contacts, or try another reader")
            }
            guard state?.cardPresent == true else {
                throw CustodyFailure("no card in reader \"\(name)\": insert the SIM (in an ID-1 adapter if needed) and retry")
            }
            return name
        }
        let withCard = states.filter(\.cardPresent).map(\.reader)
        switch withCard.count {
        case 1: return withCard[0]
        case 0:
            let mute = states.filter(\.isMute).map(\.reader)
            if !mute.isEmpty { throw CustodyFailure("the card in \"\(mute[0])\" does not answer (mute): reseat it, clean its contacts, or try another reader") }
            throw CustodyFailure("no card in any of the \(names.count) reader(s): insert a SIM and retry")
        default:
            throw CustodyFailure("cards are present in \(withCard.count) readers (\(withCard.map { "\"\($0)\"" }.joined(separator: ", "))): choose one with --reader")
        }
    }
}

extension ReaderChoice {
    /// The reader `requested` names: its exact name, or a unique case-insensitive part of one.
    static func match(_ requested: String, among names: [String]) throws -> String {
        let matches = names.contains(requested) ? [requested] : names.filter { $0.localizedCaseInsensitiveContains(requested) }
        guard matches.count == 1, let name = matches.first else {
            let why = matches.isEmpty ? "not found" : "matches \(matches.count) readers"
            throw CustodyFailure("reader \"\(requested)\" \(why): readers are \(names.map { "\"\($0)\"" }.joined(separator: ", ")) (see `custody readers`)")
        }
        return name
    }
}

extension CustodyFailure {
    init(connectFailure error: PCSCError, reader: String) {
        switch error.code {
        case .sharingViolation:
            self.init("reader \"\(reader)\" is in use by another program (\(error.code.name)): close it (pcsc_scan, a browser, another custody) and retry")
        case .noSmartcard, .removedCard:
            self.init("no card in reader \"\(reader)\" (\(error.code.name)): insert the SIM and retry")
        case .unresponsiveCard, .unsupportedCard, .unpoweredCard:
            self.init("the card in reader \"\(reader)\" does not answer (\(error.code.name)): reseat it, clean its contacts, or try another reader")
        default:
            self.init(error)
        }
    }
}
