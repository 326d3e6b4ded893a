import CaseStore
import Export
import Foundation
import Ledger
import Wording

/// One custody action on many items scanned one after another (the scan station's bulk mode,
/// `custody event checkout|checkin|move --labels-from FILE`): each label its own signed entry, a
/// refused label reported with its reason without stopping the others, and one receipt for the
/// whole batch (docs/RECORDS.md, "Batch receipt").
public enum BulkCustody {
    /// What happened to one scanned label.
    public struct Line: Encodable, Sendable {
        public var label: String
        /// The entry recorded for it, absent when it was refused.
        public var entry: EntryOutput?
        /// Why it was refused (one line), absent when recorded.
        public var refused: String?

        public init(label: String, entry: SignedEntry?, refused: String?) {
            self.label = label
            self.entry = entry.map(EntryOutput.init)
            self.refused = refused
        }
    }

    /// A batch (schema custody.bulk/1).
    public struct Output: Encodable, Sendable {
        public var schema = "custody.bulk/1"
        public var caseID: String
        /// `custody.checkout`, `custody.checkin` or `custody.move`.
        public var action: String
        /// The action's details as given (`CustodyEvent.details`).
        public var details: [String: String]
        public var examiner: String
        public var recorded: Int
        public var refused: Int
        /// One per scanned label, in scan order.
        public var lines: [Line]
        /// The receipt, when one was printed.
        public var receipt: Receipt?

        /// The sequence numbers of the entries recorded, in scan order: what the receipt lists.
        public var entries: [Int64] { lines.compactMap { $0.entry?.seq } }
    }

    /// A printed receipt (in custody.bulk/1, and alone as custody.receipt/1 for the desk).
    public struct Receipt: Encodable, Sendable {
        public var schema = "custody.receipt/1"
        public var caseID: String
        public var language: String
        public var path: String
        public var sha256: String
        public var bytes: Int
        /// The entries it lists, in order.
        public var entries: [Int64]
        /// The `form.print` entry that records the printing.
        public var printEntry: Int64
    }

    /// The labels of a scan list: one per line, surrounding spaces and blank lines dropped, in order.
    public static func labels(fromFile path: String) throws(WorkbenchError) -> [String] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw WorkbenchError("cannot read the label list \(path) (UTF-8 text, one label per line): check the path; nothing was written")
        }
        let labels = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !labels.isEmpty else { throw WorkbenchError("\(path) holds no labels (one per line); nothing was written") }
        return labels
    }

    /// Records `event` (a check-out, check-in or move) on each of `labels` in order, each its own
    /// entry by `examiner`; a label the store refuses is reported and the next one goes on.
    public static func record(_ event: CustodyEvent, labels: [String], in store: CaseStore, by examiner: String,
                              participants: [EventParticipant] = []) throws(WorkbenchError) -> Output {
        switch event {
        case .checkOut, .checkIn, .move: break
        default: throw WorkbenchError("\(event.action) is not a batch action: a batch checks out, checks in or moves")
        }
        var lines = [Line]()
        for label in labels {
            do throws(WorkbenchError) {
                lines.append(Line(label: label, entry: try event.record(on: label, in: store, by: examiner, participants: participants), refused: nil))
            } catch {
                lines.append(Line(label: label, entry: nil, refused: error.message))
            }
        }
        let recorded = lines.filter { $0.entry != nil }.count
        return Output(caseID: store.caseID, action: event.action.rawValue, details: event.details.filter { !$0.value.isEmpty }, examiner: examiner,
                      recorded: recorded, refused: lines.count - recorded, lines: lines)
    }

    /// Prints the receipt of `entries` (check-outs, check-ins or moves of one batch, in scan
    /// order) in `language` to `path`, then appends its `form.print` entry by `examiner`. A PDF
    /// whose printing cannot be recorded is removed.
    public static func printReceipt(_ store: CaseStore, entries: [Int64], language: Language, to path: String,
                                    by examiner: String) throws -> Receipt {
        guard !entries.isEmpty else { throw WorkbenchError("no entry was recorded, so there is no receipt to print") }
        let source = try inCase { () throws(CaseStoreError) in
            let listed = try store.entries(entries)
            var items = [String: ItemRecord]()
            for label in listed.compactMap(\.entry.subjects.first) where items[label] == nil { items[label] = try store.item(label) }
            return ReceiptSource(caseRecord: store.caseRecord, entries: listed, items: items, examiners: try store.examiners())
        }
        var labels = [String]()
        for label in source.entries.compactMap(\.entry.subjects.first) where !labels.contains(label) { labels.append(label) }
        let printed = try RecordForms.printAndRecord(store, to: path, what: "the receipt", language: language, subjects: labels,
                                                     payload: ["kind": .string("receipt"), "entries": .array(entries.map(CanonicalJSON.integer)),
                                                               "entriesSHA256": .string(source.digest.hex)], by: examiner) { pdf in
            try RecordDocument.writePDF(source, language: language, to: pdf)
        }
        return Receipt(caseID: store.caseID, language: language.rawValue, path: path, sha256: printed.sha256, bytes: printed.bytes,
                       entries: entries, printEntry: printed.entry.entry.sequence)
    }
}
