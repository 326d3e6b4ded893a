import ArgumentParser
import CaseStore
import Foundation
import SIMCard
import Workbench

struct ModemCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modem",
        abstract: "Examine modem pools and SIM boxes in place over AT commands, without changing them.",
        subcommands: [ModemListCommand.self, ModemReadCommand.self, ModemWatchCommand.self]
    )
}

struct ModemListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List serial ports and which of them answer AT: manufacturer, model, module IMEI.",
        discussion: """
            Looks at /dev/ttyUSB*, /dev/ttyACM* and /dev/serial/by-path/* (the physical position of \
            each port), plus every --port. Sends only AT, AT+CGMI, AT+CGMM and AT+CGSN.
            """
    )

    @Option(name: .customLong("port"), help: ArgumentHelp("A serial port to look at besides the usual ones (repeatable).", valueName: "PATH"))
    var ports: [String] = []

    @Option(help: "Baud rate.")
    var baud = 115_200

    @Flag(help: "Print JSON (schema custody.modem-list/1, see docs/MODEMS.md).")
    var json = false

    func run() async throws {
        try reportingFailures {
            let list = ModemList.scan(extra: ports, baud: baud)
            if json { return try printJSON(list) }
            if list.ports.isEmpty { print("No serial ports found. Connect the pool (check with `ls /dev/ttyUSB*`) or name one with --port.") }
            for entry in list.ports {
                let position = entry.port.physicalPosition.map { " [\($0)]" } ?? ""
                let answer = entry.answersAT
                    ? "answers AT: \([entry.manufacturer, entry.model].compactMap { $0 }.joined(separator: " ")), IMEI \(entry.imei ?? "not given")"
                    : "does not answer: \(entry.problem ?? "no answer")"
                print("\(entry.port.path)\(position): \(answer)")
            }
        }
    }
}

struct ModemReadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Read a module and its SIM in place: the module as found, then the SIM as `sim read` reads it.",
        discussion: """
            Sends only the read-only commands of docs/MODEMS.md (never AT+CMGL/CMGR, AT+CPIN=, AT+CFUN= \
            unless --radio-off). Exit status 2 means the SIM's read is incomplete; what was read is \
            still printed and saved. A module that does not answer, answers garbage or restarts \
            during the read: one line, exit status 1, nothing recorded.
            """
    )

    @Argument(help: ArgumentHelp("The module's serial port (/dev/ttyUSB3, /dev/serial/by-path/…).", valueName: "PORT"))
    var port: String

    @Option(help: "Baud rate.")
    var baud = 115_200

    @Flag(help: "Read every standard file of the SIM, as `sim read --full`.")
    var full = false

    @Flag(help: "Switch the module's radio off (AT+CFUN=4) before reading the SIM: the one intervention, recorded with the state before and after.")
    var radioOff = false

    @Flag(help: "Print JSON (schema custody.modem-read/1, see docs/MODEMS.md).")
    var json = false

    @Option(help: ArgumentHelp("Write the acquisition record (JSON, with the AT transcript) into this folder.", valueName: "DIR"))
    var out: String?

    @OptionGroup var limits: ReadLimitOptions

    @Option(name: .customLong("case"), help: ArgumentHelp("Record the read into this case (default: $CUSTODY_CASE): the SIM under its port, the module IMEI on the port.", valueName: "DIR|URL"))
    var caseDirectory: String?

    @Option(help: ArgumentHelp("Examiner recording into the case (default: $CUSTODY_EXAMINER).", valueName: "ID"))
    var examiner: String?

    @Option(help: ArgumentHelp("The port (or slot) item of the box the module sits in, e.g. SB-01/P3. Default: the port whose module IMEI the module answers.", valueName: "LABEL"))
    var item: String?

    @Option(help: CaseSelection.stationKeyHelp)
    var stationKey: String?

    func run() async throws {
        try reportingFailures {
            // The case, examiner and port item are checked before the port is opened.
            let caseTarget = try CaseAccess.location(caseDirectory).map { _ in
                let store = try CaseAccess.open(caseDirectory, stationKey: stationKey)
                if let item { _ = try inCase { () throws(CaseStoreError) in try store.slotForReadInPlace(item) } }
                return (store, try ExaminerSelection.id(examiner, in: store))
            }
            let scope: AcquisitionScope = full ? .full : .identity
            let examination = try ModemExamination.examine(path: port, baud: baud, scope: scope, radioOff: radioOff,
                                                           limits: limits.limits(for: scope))
            if json { try printJSON(examination) } else { ModemText.print(examination) }
            guard let acquisition = examination.acquisition else {
                if caseTarget != nil || out != nil { printError(examination.nothingToRecord.message) }
                return
            }
            var saveFailure: (any Error)?
            if let out {
                do { printError("acquisition record written to \(try AcquisitionFile.write(try examination.record(), of: acquisition, into: out))") } catch { saveFailure = error }
            }
            if let (store, examinerID) = caseTarget {
                printError(try ModemRecording.record(examination, item: item, into: store, by: examinerID))
            }
            if let saveFailure { throw saveFailure }
            if !acquisition.complete {
                throw CustodyFailure("read of the SIM in \(port) is INCOMPLETE after \(acquisition.apduCount) APDUs: \(acquisition.incompleteReason ?? "unknown cause"); read it again",
                                     exitCode: ExitStatus.incompleteRead)
            }
        }
    }
}

/// The human view of `modem read`: the port and module as found, then the SIM as `sim read` shows it.
enum ModemText {
    static func print(_ examination: ModemExamination) {
        func line(_ label: String, _ value: String) { custody.print(label.padding(toLength: 17, withPad: " ", startingAt: 0) + value) }
        let module = examination.module
        let port = examination.port
        line("Port", port.path + (port.device != port.path ? " (\(port.device))" : "") + (port.physicalPosition.map { ", position \($0)" } ?? ""))
        line("Module", "\(module.manufacturer) \(module.model), revision \(module.revision) (dialect \(module.dialect.rawValue))")
        line("Module IMEI", module.imei.map { "\($0) (software-rewritable: a claim, not an identity)" } ?? "not valid: \(module.imeiAnswer)")
        line("Radio as found", [module.radio, module.registration, module.operatorSelection, module.signal].compactMap { $0 }.joined(separator: "; "))
        line("SIM state", module.simState)
        for intervention in examination.access.interventions {
            line("INTERVENTION", "\(intervention.command): \(intervention.stateBefore ?? "?") -> \(intervention.stateAfter ?? "?") (\(intervention.result))")
        }
        for refusal in examination.refusals { line("Refused", "\(refusal.text): \(refusal.note ?? "")") }
        if !examination.access.unsolicited.isEmpty {
            line("URCs", examination.access.unsolicited.map(\.line).joined(separator: " | "))
        }
        line("AT commands", "\(examination.access.atCommandCount), transcript SHA-256 \(examination.access.atTranscriptSHA256)")
        if let acquisition = examination.acquisition {
            line("Access", examination.access.accessPath.map { $0 == .csim ? "AT+CSIM (APDUs as they are)" : "AT+CRSM (restricted SIM access)" } ?? "")
            AcquisitionText.print(acquisition)
        } else {
            line("SIM", examination.noAcquisitionReason ?? "not read")
        }
    }
}
