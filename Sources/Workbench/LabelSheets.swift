import CaseStore
import Foundation
import Labels
import Ledger
import Wording

/// `custody labels`: exhibit labels for chosen items, written as a PDF or SVG sheet. Reads the
/// case only (no ledger entry).
public enum LabelSheets {
    /// Which items to label: those named, those inside `children` (at any depth), those of
    /// `type`, each once and in that order; or every item.
    public struct Choice: Sendable {
        public var labels: [String]
        public var all: Bool
        public var type: String?
        public var children: String?

        public init(labels: [String], all: Bool, type: String?, children: String?) {
            self.labels = labels
            self.all = all
            self.type = type
            self.children = children
        }

        /// Whether it names anything at all.
        public var isEmpty: Bool { !all && type == nil && children == nil && labels.isEmpty }
    }

    /// What was written (schema custody.labels/1).
    public struct Output: Encodable, Sendable {
        public var schema = "custody.labels/1"
        public var caseID: String
        public var path: String
        public var format: String
        /// The language of the labels' words: "vi" or "en".
        public var language: String
        public var count: Int
        public var pages: Int
        public var sha256: String
        public var labels: [String]
    }

    /// Writes the labels of the chosen items to `path` in `format` (atomically, replacing what is
    /// there), their words in `language`.
    public static func write(_ store: CaseStore, choice: Choice, format: LabelFormat, language: Language, to path: String) throws -> Output {
        let chosen: [ItemRecord]
        chosen = try inCase { () throws(CaseStoreError) in try choose(choice, from: store.items()) }
        let catalog = Catalog.of(language)
        let labels = chosen.map { exhibitLabel($0, caseID: store.caseID, catalog: catalog) }
        let document: LabelDocument
        do { document = try LabelDocument(labels, format: format, title: catalog.text("labels.document.title", ["case": store.caseID])) } catch {
            throw WorkbenchError("\(error); nothing was written")
        }
        do { try Data(document.bytes).write(to: URL(fileURLWithPath: path), options: [.atomic]) } catch {
            throw WorkbenchError("cannot write \(path): \(error.localizedDescription); check free space and permissions")
        }
        return Output(caseID: store.caseID, path: path, format: format.rawValue, language: language.rawValue, count: labels.count, pages: document.pages,
                      sha256: SHA256Hash.of(document.bytes).hex, labels: chosen.map(\.label))
    }

    /// The items `choice` names (every item with `all`); an unknown label refuses the whole run.
    static func choose(_ choice: Choice, from every: [ItemRecord]) throws(CaseStoreError) -> [ItemRecord] {
        let sorted = every.sorted(by: labelOrder)
        if choice.all { return sorted }
        let byLabel = Dictionary(uniqueKeysWithValues: every.map { ($0.label, $0) })
        var chosen = [ItemRecord]()
        for label in choice.labels {
            guard let item = byLabel[label] else { throw .unknownItem(label) }
            chosen.append(item)
        }
        if let children = choice.children {
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
        if let type = choice.type {
            let ofType = sorted.filter { $0.type == ItemType(rawValue: type.lowercased()) }
            guard !ofType.isEmpty else { throw .invalidInput("no item of type \(type) in this case (see `custody device list`); nothing was written") }
            chosen += ofType
        }
        var seen = Set<String>()
        return chosen.filter { seen.insert($0.label).inserted }
    }

    /// What a label prints about an item: its identifiers and its text attributes.
    static func exhibitLabel(_ item: ItemRecord, caseID: String, catalog: Catalog) -> ExhibitLabel {
        ExhibitLabel(label: item.label, type: item.type.rawValue, identifiers: item.identifiers.values,
                     attributes: item.attributes.values.compactMapValues(\.stringValue), caseID: caseID, catalog: catalog)
    }
}

/// Items in label order: numbers within labels compared as numbers (SB-2 before SB-10).
public func labelOrder(_ a: ItemRecord, _ b: ItemRecord) -> Bool {
    labelOrder(a.label, b.label)
}
