import ArgumentParser
import Export
import Foundation
import Workbench

struct FormCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "form",
        abstract: "Print the record (biên bản) of a custody event from the ledger to PDF (docs/RECORDS.md).",
        discussion: """
            KIND is one of \(RecordKind.allCases.map(\.rawValue).joined(separator: ", ")). Without --entry, the item's latest \
            entry of that kind. The record names the people recorded with the event (--participant, --witness), lists the \
            exhibits with their identifiers and seals, and carries a QR code of the case id, entry number and entry hash. \
            Printing is recorded as a form.print entry with the PDF's SHA-256; a file is never overwritten.
            """
    )
    @Argument(help: ArgumentHelp("The record: \(RecordKind.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "KIND"))
    var kind: String
    @Option(help: ArgumentHelp("The item the event was recorded on.", valueName: "LABEL")) var item: String
    @Option(help: ArgumentHelp("Sequence number of the entry to print (default: the item's latest of that kind).", valueName: "SEQ"))
    var entry: Int64?
    @OptionGroup var language: DocumentLanguageSelection
    @Option(help: ArgumentHelp("Output file (.pdf).", valueName: "FILE.pdf")) var out: String
    @OptionGroup var selection: CaseSelection
    @OptionGroup var by: ExaminerSelection
    @Flag(help: "Print what was written as JSON (schema custody.form/1).") var json = false

    func run() throws {
        try reportingFailures {
            let recordKind: RecordKind
            do { recordKind = try RecordKind(option: kind) } catch { throw CustodyFailure("\(error)", exitCode: ExitStatus.usage) }
            try checkRecordFile(out)
            let store = try selection.open()
            let examiner = try by.id(in: store)
            let output = try RecordForms.print(store, kind: recordKind, label: item, seq: entry, language: try language.language(for: store), to: out,
                                               tool: Custody.identity, by: examiner)
            if json { try printJSON(output); return }
            print("wrote the \(output.kind) record of \(output.item) (entry \(output.entry), \(output.language)) to \(out) "
                + "(SHA-256 \(output.sha256)); recorded as entry \(output.printEntry) form.print")
        }
    }
}

/// A record's `--out`: a new .pdf file in a folder that exists (a printed record is never replaced).
func checkRecordFile(_ out: String) throws {
    guard out.lowercased().hasSuffix(".pdf") else {
        throw CustodyFailure("--out \(out) must end in .pdf: records are printed as PDF", exitCode: ExitStatus.usage)
    }
    if FileManager.default.fileExists(atPath: out) {
        throw CustodyFailure("\(out) already exists: choose another --out (a printed record is never replaced); nothing was written")
    }
    let folder = URL(fileURLWithPath: out).deletingLastPathComponent().path
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
        throw CustodyFailure("cannot write \(out): there is no folder \(folder); create it or choose another --out")
    }
}
