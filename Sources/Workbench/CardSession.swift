import Foundation
import PCSC
import SIMCard

/// One read of the card in one reader, as `sim read` and `sim watch` do it.
public enum CardSession {
    /// Connects exclusively (`SCardConnect`), reads, disconnects, and when the read broke off
    /// tells a pulled card from a faulty one. `wedged`: a transmit never returned, so the
    /// context must not be used again.
    public static func read(reader: String, context: PCSCContext, scope: AcquisitionScope, examinerPIN: ExaminerPIN?,
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
        guard let state = try? context.states(of: [reader]).first else { return false }
        let last = (try? waitUntil(context: context, from: state, deadline: ContinuousClock.now + .milliseconds(1500)) { !$0.cardPresent }) ?? state
        return !last.cardPresent
    }

    /// Follows the reader's state from `state` through `SCardGetStatusChange` until `condition`
    /// holds or `deadline` passes, and returns the last state seen.
    public static func waitUntil(context: PCSCContext, from state: ReaderState, deadline: ContinuousClock.Instant,
                                 _ condition: (ReaderState) -> Bool) throws(PCSCError) -> ReaderState {
        var last = state
        while !condition(last), ContinuousClock.now < deadline {
            // (A `catch where` here crashes the Swift 6.3.1 optimizer: MandatoryAllocBoxToStack.)
            switch Result(catching: { () throws(PCSCError) in try context.waitForChange([last], timeout: deadline - ContinuousClock.now) }) {
            case .success(let states):
                guard let next = states.first else { return last }
                last = next
            case .failure(let error):
                if error.code == .timeout { return last }
                throw error
            }
        }
        return last
    }
}

/// A connected PC/SC card as the SIM library's transport.
public struct PCSCTransport: CardTransport {
    public let card: PCSCCard
    /// How long one command may take before the card is called mute; nil waits as long as the
    /// card takes (`SCardTransmit` on the calling thread, no watchdog).
    public let timeout: Duration?

    public init(card: PCSCCard, timeout: Duration?) {
        self.card = card
        self.timeout = timeout
    }

    public func transmit(_ command: [UInt8]) throws -> [UInt8] {
        guard let timeout else { return try card.transmit(command) }
        return try card.transmit(command, timeout: timeout)
    }
}

/// The reader `sim read` reads from, with the PC/SC context that reads it.
public struct ChosenReader {
    public let name: String
    private let context: PCSCContext

    /// The named reader (`ReaderChoice.choose`), or else the only reader holding a card.
    public init(_ requested: String?) throws(WorkbenchError) {
        context = try withPCSC { () throws(PCSCError) in try PCSCContext() }
        name = try ReaderChoice.choose(requested, in: context)
    }

    /// Reads the card in the reader (`CardSession.read`); a failed connection is one line naming the reader.
    public func read(scope: AcquisitionScope, examinerPIN: ExaminerPIN?, apduTimeout: Double, limits: ReadLimits) throws(WorkbenchError) -> SIMAcquisition {
        do throws(PCSCError) {
            return try CardSession.read(reader: name, context: context, scope: scope, examinerPIN: examinerPIN,
                                        apduTimeout: apduTimeout, limits: limits).acquisition
        } catch {
            throw WorkbenchError(connectFailure: error, reader: name)
        }
    }
}

public enum ReaderChoice {
    /// The reader to read from: the named one (exact name, or a unique case-insensitive part of
    /// one), or else the only reader holding a card.
    public static func choose(_ requested: String?, in context: PCSCContext) throws(WorkbenchError) -> String {
        let names = try readerNames(context)
        let states = try withPCSC { () throws(PCSCError) in try context.states(of: names) }
        if let requested {
            let name = try match(requested, among: names)
            let state = states.first { $0.reader == name }
            if state?.isMute == true {
                throw WorkbenchError("the card in reader \"\(name)\" does not answer (mute): reseat it, clean its contacts, or try another reader")
            }
            guard state?.cardPresent == true else {
                throw WorkbenchError("no card in reader \"\(name)\": insert the SIM (in an ID-1 adapter if needed) and retry")
            }
            return name
        }
        let withCard = states.filter(\.cardPresent).map(\.reader)
        switch withCard.count {
        case 1: return withCard[0]
        case 0:
            let mute = states.filter(\.isMute).map(\.reader)
            if !mute.isEmpty { throw WorkbenchError("the card in \"\(mute[0])\" does not answer (mute): reseat it, clean its contacts, or try another reader") }
            throw WorkbenchError("no card in any of the \(names.count) reader(s): insert a SIM and retry")
        default:
            throw WorkbenchError("cards are present in \(withCard.count) readers (\(withCard.map { "\"\($0)\"" }.joined(separator: ", "))): choose one with --reader")
        }
    }

    /// The readers `sim watch` watches: every reader pcscd knows (`all`), or each requested
    /// one, matched as `match` does, in the order given and without repeats.
    public static func chooseForWatch(_ requested: [String]) throws(WorkbenchError) -> [String] {
        let names = try readerNames(withPCSC { () throws(PCSCError) in try PCSCContext() })
        if requested == ["all"] { return names }
        var chosen = [String]()
        for one in requested {
            let name = try match(one, among: names)
            if !chosen.contains(name) { chosen.append(name) }
        }
        return chosen
    }

    /// The reader `requested` names: its exact name, or a unique case-insensitive part of one.
    public static func match(_ requested: String, among names: [String]) throws(WorkbenchError) -> String {
        let matches = names.contains(requested) ? [requested] : names.filter { $0.localizedCaseInsensitiveContains(requested) }
        guard matches.count == 1, let name = matches.first else {
            let why = matches.isEmpty ? "not found" : "matches \(matches.count) readers"
            throw WorkbenchError("reader \"\(requested)\" \(why): readers are \(names.map { "\"\($0)\"" }.joined(separator: ", ")) (see `custody readers`)")
        }
        return name
    }

    /// Every reader pcscd knows (`SCardListReaders`); none is an error.
    static func readerNames(_ context: PCSCContext) throws(WorkbenchError) -> [String] {
        let names = try withPCSC { () throws(PCSCError) in try context.readers() }
        guard !names.isEmpty else { throw WorkbenchError(PCSCError(function: "SCardListReaders", code: .noReadersAvailable)) }
        return names
    }
}

extension ReadLimits {
    /// The defaults for `scope` (`defaults(for:)`), with what the examiner set replacing them:
    /// `--apdu-budget` and `--deadline` (docs/ACQUISITION.md "Limits").
    public init(_ scope: AcquisitionScope, apduBudget: Int?, deadlineSeconds: Double?) {
        self = .defaults(for: scope)
        if let apduBudget { self.apduBudget = apduBudget }
        if let deadlineSeconds { deadline = .milliseconds(Int((deadlineSeconds * 1000).rounded())) }
    }
}
