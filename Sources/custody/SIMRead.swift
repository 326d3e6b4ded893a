import ArgumentParser
import Foundation
import CaseStore
import SIMCard
import Workbench

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
            let caseTarget = try CaseAccess.location(caseDirectory).map { _ in
                let store = try CaseAccess.open(caseDirectory, stationKey: stationKey)
                return (store, try ExaminerSelection.id(examiner, in: store))
            }
            let chosen = try ChosenReader(reader)
            if !json, reader == nil { printError("using reader \"\(chosen.name)\", the only one with a card") }
            let pin = try examinerPIN()
            let scope: AcquisitionScope = full ? .full : .identity
            let identity = try chosen.read(scope: scope, examinerPIN: pin, apduTimeout: apduTimeout, limits: limits.limits(for: scope))
            // Output first: whatever fails after this, the read itself is on stdout. Then the
            // record file and the case, each attempted even if the other fails.
            if json { try printJSON(identity) } else { AcquisitionText.print(identity) }
            var saveFailure: (any Error)?
            if let out {
                do { printError("acquisition record written to \(try AcquisitionFile.write(identity, into: out))") } catch { saveFailure = error }
            }
            if let (store, examinerID) = caseTarget { printError(try AcquisitionRecording.record(identity, into: store, by: examinerID)) }
            if let saveFailure { throw saveFailure }
            if !identity.complete {
                throw CustodyFailure("read of the card in \"\(chosen.name)\" is INCOMPLETE after \(identity.apduCount) APDUs: \(identity.incompleteReason ?? "unknown cause"); reinsert the card and read it again",
                                     exitCode: ExitStatus.incompleteRead)
            }
        }
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
        ReadLimits(scope, apduBudget: apduBudget, deadlineSeconds: deadline)
    }
}
