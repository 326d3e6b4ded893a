import ArgumentParser
import Workbench

struct ExportOperators: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-operators",
        abstract: "Per operator, the request sent to the carrier: a CSV listing its SIMs (ICCID, IMSI, MSISDN, item, parent) and a letter asking for their subscriber information.",
        discussion: "Operator from the IMSI's MCC/MNC, else the ICCID's issuer, else \"unknown\". CSV: RFC 4180, UTF-8 with BOM, CRLF, English column names in every language. Letter: OPERATOR.html, in the case's language or --lang, to print and sign. Never overwrites a file."
    )
    @Option(help: "Folder for the CSV files and letters (created if needed).") var out: String
    @Option(help: ArgumentHelp("Language of the letters: vi or en (default: the case's language).", valueName: "LANG")) var lang: String?
    @OptionGroup var selection: CaseSelection
    @Flag(help: "Print JSON (schema custody.export-operators/1).") var json = false

    func run() throws {
        try reportingFailures {
            let store = try selection.openForReading()
            let language = try DocumentLanguage.resolve(lang, store: store)
            let output = try OperatorLists.write(store, into: out, language: language)
            if json { try printJSON(output); return }
            for f in output.files { print("\(f.path)\t\(f.rows) SIMs\t\(f.operator) (\(f.source))\t\(f.letter)") }
            printError("\(output.files.count) operator lists and letters, \(output.sims) SIMs, in \(out)")
        }
    }
}
