import ArgumentParser
import CaseStore
import Foundation
import Labels
import Ledger

struct LabelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "labels",
        abstract: "Print exhibit labels: a QR code of the item label, the label, type, key identifiers, case id (docs/LABELS.md).",
        discussion: """
            A .pdf holds A4 pages of 3 × 8 labels (63.5 × 33.9 mm); an .svg holds one such sheet. The QR code carries \
            exactly the item label, so a USB QR scanner can type it wherever Custody asks for a label. Never overwrites a \
            file without --force; reads the case only (no ledger entry).
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
    @Flag(help: "Print what was written as JSON (schema custody.labels/1).") var json = false

    struct Output: Encodable {
        var schema = "custody.labels/1"
        var caseID: String
        var path: String
        var format: String
        var count: Int
        var pages: Int
        var sha256: String
        var labels: [String]
    }

    func run() throws {
        try reportingFailures {
            guard let format = LabelFormat(path: out) else {
                throw CustodyFailure("--out \(out) must end in .pdf or .svg (the format is chosen by the extension)", exitCode: ExitStatus.usage)
            }
            guard all || type != nil || children != nil || !items.isEmpty else {
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
            let chosen = try inCase { () throws(CaseStoreError) in try choose(from: store.items()) }
            let labels = chosen.map { exhibitLabel($0, caseID: store.caseID) }
            let document: LabelDocument
            do { document = try LabelDocument(labels, format: format, title: "Exhibit labels, case \(store.caseID)") } catch {
                throw CustodyFailure("\(error); nothing was written")
            }
            do { try Data(document.bytes).write(to: URL(fileURLWithPath: out), options: [.atomic]) } catch {
                throw CustodyFailure("cannot write \(out): \(error.localizedDescription); check free space and permissions")
            }
            let output = Output(caseID: store.caseID, path: out, format: format.rawValue, count: labels.count, pages: document.pages,
                                sha256: SHA256Hash.of(document.bytes).hex, labels: chosen.map(\.label))
            if json { try printJSON(output); return }
            let labelsWord = output.count == 1 ? "label" : "labels", sheetsWord = output.pages == 1 ? "sheet" : "sheets"
            print("wrote \(output.count) \(labelsWord) on \(output.pages) \(sheetsWord) to \(out) (SHA-256 \(output.sha256))")
        }
    }

    /// The items named, then those inside `--children`, then those of `--type`, each once, in
    /// that order (or every item with `--all`); an unknown label refuses the whole run.
    func choose(from every: [ItemRecord]) throws(CaseStoreError) -> [ItemRecord] {
        let sorted = every.sorted(by: labelOrder)
        if all { return sorted }
        let byLabel = Dictionary(uniqueKeysWithValues: every.map { ($0.label, $0) })
        var chosen = [ItemRecord]()
        for label in items {
            guard let item = byLabel[label] else { throw .unknownItem(label) }
            chosen.append(item)
        }
        if let children {
            guard byLabel[children] != nil else { throw .unknownItem(children) }
            let held = Dictionary(grouping: sorted.filter { $0.parent != nil }, by: { $0.parent! })
            // Depth first: each port, then its slots, then the next port.
            func appendHeld(by holder: String) {
                for item in held[holder] ?? [] {
                    chosen.append(item)
                    appendHeld(by: item.label)
                }
            }
            appendHeld(by: children)
        }
        if let type {
            let ofType = sorted.filter { $0.type == ItemType(rawValue: type.lowercased()) }
            guard !ofType.isEmpty else { throw .invalidInput("no item of type \(type) in this case (see `custody device list`); nothing was written") }
            chosen += ofType
        }
        var seen = Set<String>()
        return chosen.filter { seen.insert($0.label).inserted }
    }

    /// What a label prints about an item: its identifiers and its text attributes.
    func exhibitLabel(_ item: ItemRecord, caseID: String) -> ExhibitLabel {
        ExhibitLabel(label: item.label, type: item.type.rawValue, identifiers: item.identifiers.values,
                     attributes: item.attributes.values.compactMapValues(\.stringValue), caseID: caseID)
    }
}
