import CaseStore
import Export
import Foundation
import Ledger
import SIMCard
import Wording

/// `custody form`: the record (biên bản) of one custody event, printed from the ledger to PDF
/// (docs/RECORDS.md), and the printing recorded as a `form.print` entry.
public enum RecordForms {
    /// What was printed (schema custody.form/1).
    public struct Output: Encodable, Sendable {
        public var schema = "custody.form/1"
        public var caseID: String
        public var kind: String
        public var item: String
        /// The entry the record was printed from.
        public var entry: Int64
        public var language: String
        public var path: String
        public var sha256: String
        public var bytes: Int
        /// The `form.print` entry that records the printing.
        public var printEntry: Int64
    }

    /// The entry of `label` a `kind` record is printed from: entry `seq`, else the item's latest
    /// entry of that kind. An entry of another kind, or none, is one line saying what to do.
    public static func chooseEntry(_ kind: RecordKind, label: String, seq: Int64?, history: [SignedEntry]) throws(WorkbenchError) -> SignedEntry {
        let actions = kind.actions.map(\.rawValue).joined(separator: " or ")
        guard let seq else {
            guard let latest = history.last(where: { kind.isPrinted(from: $0.entry) }) else {
                throw WorkbenchError("\(label) has no \(actions) entry to print the \(kind.rawValue) record from: record the event first, or choose another kind (`custody history \(label)` lists its entries)")
            }
            return latest
        }
        guard let chosen = history.first(where: { $0.entry.sequence == seq }) else {
            throw WorkbenchError("entry \(seq) is not an entry of \(label): pass one of its entries (`custody history \(label)` lists them)")
        }
        guard kind.isPrinted(from: chosen.entry) else {
            let other = RecordKind(entry: chosen.entry)
            let fitting = other.map { "; print it as `custody form \($0.rawValue)`" } ?? "; no record is printed from it"
            // A destruction and a return are both custody.dispose: say which one the entry is.
            let what = kind.actions.contains(chosen.entry.action) ? "\(chosen.entry.action) for a \(other?.rawValue ?? "other kind")"
                : "\(chosen.entry.action), not \(actions)"
            throw WorkbenchError("entry \(seq) of \(label) is \(what), so it has no \(kind.rawValue) record\(fitting)")
        }
        return chosen
    }

    /// What the `kind` record of `label`'s entry `seq` (nil: its latest of that kind) is printed from.
    public static func source(_ store: CaseStore, kind: RecordKind, label: String, seq: Int64?, tool: ToolIdentity) throws(WorkbenchError) -> RecordSource {
        let (item, history) = try inCase { () throws(CaseStoreError) in
            guard let item = try store.item(label) else { throw .unknownItem(label) }
            return (item, try store.history(label))
        }
        let entry = try chooseEntry(kind, label: label, seq: seq, history: history)
        return try inCase { () throws(CaseStoreError) in
            let acquisition = try kind == .examination
                ? store.acquisitions().first { $0.seq == entry.entry.sequence }?.decoded(as: SIMAcquisition.self) : nil
            return RecordSource(kind: kind, caseRecord: store.caseRecord, entry: entry, item: item,
                                history: history.filter { $0.entry.sequence <= entry.entry.sequence },
                                // An audit's record lists its result, not everything the location holds.
                                contents: kind == .audit ? [] : contents(of: label, in: try store.items()), examiners: try store.examiners(),
                                acquisition: acquisition, tool: tool)
        }
    }

    /// Prints the `kind` record of `label`'s entry `seq` (nil: its latest of that kind) in
    /// `language` to `path`, then appends the `form.print` entry by `examiner`. A PDF whose
    /// printing cannot be recorded is removed: every record on paper is in the ledger.
    public static func print(_ store: CaseStore, kind: RecordKind, label: String, seq: Int64?, language: Language,
                             to path: String, tool: ToolIdentity, by examiner: String) throws -> Output {
        let source = try source(store, kind: kind, label: label, seq: seq, tool: tool)
        let printed = try printAndRecord(store, to: path, what: "the \(kind.rawValue) record of \(label)", language: language, subjects: [label],
                                         payload: ["kind": .string(kind.rawValue), "entry": .integer(source.entry.entry.sequence),
                                                   "entryHash": .string(source.entry.hash.hex)], by: examiner) { pdf in
            try RecordDocument.writePDF(source, language: language, to: pdf)
        }
        return Output(caseID: store.caseID, kind: kind.rawValue, item: label, entry: source.entry.entry.sequence, language: language.rawValue,
                      path: path, sha256: printed.sha256, bytes: printed.bytes, printEntry: printed.entry.entry.sequence)
    }

    /// Prints a document to `path` with `write`, then records the printing as a `form.print`
    /// entry by `examiner` naming `subjects`, with `payload` and the document's `language`,
    /// `sha256` and `bytes`. A PDF whose printing cannot be recorded is removed: every record
    /// on paper is in the ledger.
    static func printAndRecord(_ store: CaseStore, to path: String, what: String, language: Language, subjects: [String],
                               payload: [String: CanonicalJSON], by examiner: String,
                               write: (URL) throws -> Data) throws -> (sha256: String, bytes: Int, entry: SignedEntry) {
        let pdf = URL(fileURLWithPath: path)
        let bytes: Data
        do { bytes = try write(pdf) } catch let error as RecordError {
            throw WorkbenchError(error.description)
        } catch {
            throw WorkbenchError("cannot print \(what) to \(path): \(error); nothing was written")
        }
        let sha256 = SHA256Hash.of([UInt8](bytes)).hex
        let fields: [String: CanonicalJSON] = ["language": .string(language.rawValue), "sha256": .string(sha256), "bytes": .integer(Int64(bytes.count))]
        do {
            let entry = try inCase { () throws(CaseStoreError) in
                try store.append(examiner: examiner, action: .formPrint, subjects: subjects, payload: payload.merging(fields) { $1 })
            }
            return (sha256, bytes.count, entry)
        } catch {
            try? FileManager.default.removeItem(at: pdf)
            throw error
        }
    }

    /// What `label` holds at any depth, in label order, without the ports and slots of a SIM
    /// box (the record lists the SIMs in them, not the empty positions).
    static func contents(of label: String, in items: [ItemRecord]) -> [ItemRecord] {
        let held = Dictionary(grouping: items.filter { $0.parent != nil }, by: { $0.parent! })
        var found = [ItemRecord]()
        func collect(_ holder: String) {
            for item in (held[holder] ?? []).sorted(by: labelOrder) {
                if item.type != .device(.port) && item.type != .device(.slot) { found.append(item) }
                collect(item.label)
            }
        }
        collect(label)
        return found
    }
}
