import ArgumentParser
import Foundation
import Labels
import Workbench

struct LabelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "labels",
        abstract: "Print exhibit labels: a QR code of the item label, the label, type, key identifiers, case id (docs/LABELS.md).",
        discussion: """
            A .pdf holds A4 pages of 3 × 8 labels (63.5 × 33.9 mm); an .svg holds one such sheet. The QR code carries \
            exactly the item label, so a USB QR scanner can type it wherever Custody asks for a label. Never overwrites a \
            file without --force; reads the case only (no ledger entry). Text prints in embedded DejaVu Sans (Vietnamese \
            included), the words in the case language or --lang.
            """
    )
    @Argument(help: "Item labels as registered (SB-03, SB-03/P17/S2, SIM-8984…).") var items: [String] = []
    @Flag(help: "Every item in the case.") var all = false
    @Option(help: "Every item of this type (sim, simbox, port, slot, phone, …).") var type: String?
    @Option(help: ArgumentHelp("Every item inside this one, at any depth (a SIM box's ports and slots).", valueName: "LABEL"))
    var children: String?
    @Option(help: "Output file: .pdf or .svg.") var out: String
    @Flag(help: "Replace the output file if it exists.") var force = false
    @OptionGroup var selection: CaseSelection
    @OptionGroup var language: DocumentLanguageSelection
    @Flag(help: "Print what was written as JSON (schema custody.labels/1).") var json = false

    func run() throws {
        try reportingFailures {
            guard let format = LabelFormat(path: out) else {
                throw CustodyFailure("--out \(out) must end in .pdf or .svg (the format is chosen by the extension)", exitCode: ExitStatus.usage)
            }
            let choice = LabelSheets.Choice(labels: items, all: all, type: type, children: children)
            guard !choice.isEmpty else {
                throw CustodyFailure("no items to label: give item labels, --all, --type TYPE or --children LABEL", exitCode: ExitStatus.usage)
            }
            if !force, FileManager.default.fileExists(atPath: out) {
                throw CustodyFailure("\(out) already exists: choose another --out, or pass --force to replace it; nothing was written")
            }
            let folder = URL(fileURLWithPath: out).deletingLastPathComponent().path
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
                throw CustodyFailure("cannot write \(out): there is no folder \(folder); create it or choose another --out")
            }
            let store = try selection.openForReading()
            let output = try LabelSheets.write(store, choice: choice, format: format, language: try language.language(for: store), to: out)
            if json { try printJSON(output); return }
            let labelsWord = output.count == 1 ? "label" : "labels", sheetsWord = output.pages == 1 ? "sheet" : "sheets"
            print("wrote \(output.count) \(labelsWord) on \(output.pages) \(sheetsWord) to \(out) (SHA-256 \(output.sha256))")
        }
    }
}
