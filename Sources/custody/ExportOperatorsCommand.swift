import ArgumentParser
import Workbench

struct ExportOperators: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-operators",
        abstract: "One CSV per operator listing its SIMs (ICCID, IMSI, MSISDN, item, parent): the request lists sent to carriers.",
        discussion: "Operator from the IMSI's MCC/MNC, else the ICCID's issuer, else \"unknown\". RFC 4180, UTF-8 with BOM, CRLF. Never overwrites a file."
    )
    @Option(help: "Folder for the CSV files (created if needed).") var out: String
    @OptionGroup var selection: CaseSelection
    @Flag(help: "Print JSON (schema custody.export-operators/1).") var json = false

    func run() throws {
        try reportingFailures {
            let store = try selection.openForReading()
            let output = try OperatorLists.write(store, into: out)
            if json { try printJSON(output); return }
            for f in output.files { print("\(f.path)\t\(f.rows) SIMs\t\(f.operator) (\(f.source))") }
            printError("\(output.files.count) operator files, \(output.sims) SIMs, in \(out)")
        }
    }
}
