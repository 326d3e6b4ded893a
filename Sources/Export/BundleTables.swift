import CaseStore
import Foundation
import Ledger
import SIMCard

/// `inventory.csv`: one row per exported item (docs/VERIFYING.md §inventory.csv).
public enum InventoryTable {
    public static let header = ["label", "type", "parent", "identifiers", "operator", "state", "reads", "lastAcquisition",
                                "contentSHA256", "created", "entries"]

    /// The read an inventory row reports: the last complete one, else the last one.
    static func reportedRead<T>(_ reads: [T], complete: (T) -> Bool) -> T? { reads.last(where: complete) ?? reads.last }

    /// Identifiers as `KIND=value` lines (sorted by kind).
    static func identifiersText(_ identifiers: ItemIdentifiers) -> String {
        identifiers.values.keys.sorted().map { "\($0)=\(identifiers.values[$0]!)" }.joined(separator: "\n")
    }

    /// Writes the table, one row at a time.
    static func write(_ plan: ExportPlan, to file: BundleFileStream) throws(ExportError) {
        let byItem = plan.entriesByItem
        var readsByItem = [String: [AcquisitionHeader]]()
        for a in plan.acquisitions { if let item = a.item { readsByItem[item, default: []].append(a) } }
        let sims = Dictionary(plan.snapshot.simStatuses.map { ($0.label, $0) }, uniquingKeysWith: { a, _ in a })
        try file.write("\u{FEFF}" + CSVText.record(header))
        for item in plan.items {
            let reads = readsByItem[item.label] ?? []
            let shown = reportedRead(reads) { $0.complete }
            let sim = sims[item.label]
            try file.write(CSVText.record([
                item.label, item.type.rawValue, item.parent ?? "", identifiersText(item.identifiers), sim?.operatorName ?? "",
                sim?.state.rawValue ?? "", item.type == .device(.sim) || !reads.isEmpty ? String(reads.count) : "",
                shown.map { String($0.seq) } ?? "", shown?.contentSHA256 ?? "", String(item.seq),
                (byItem[item.label] ?? []).map(String.init).joined(separator: " "),
            ]))
        }
    }
}

/// `custody.csv`: one row per exported ledger entry before the export entry, in ledger order.
public enum CustodyTable {
    public static let header = ["seq", "time", "action", "examiner", "subjects", "payload", "station", "entrySHA256"]

    /// The row for an entry: every field taken from the entry itself.
    static func row(_ e: SignedEntry) -> [String] {
        [String(e.entry.sequence), e.entry.time.description, e.entry.action.rawValue, e.entry.examiner,
         e.entry.subjects.joined(separator: "\n"), String(decoding: CanonicalJSON.object(e.entry.payload).canonicalBytes, as: UTF8.self),
         e.entry.station.hex, e.hash.hex]
    }

    /// The byte order mark and the header row.
    static let heading = "\u{FEFF}" + CSVText.record(header)

    /// Writes the table, one exported entry at a time as the store gives them.
    static func write(_ ctx: ExportContext, to file: BundleFileStream) throws {
        try file.write(heading)
        try ctx.forEachEntry { e in try file.write(CSVText.record(row(e))) }
    }
}

/// `examiners.json`: the roster (schema `custody.examiners/1`, as `custody examiner list --json`).
public struct RosterDocument: Codable, Sendable, Equatable {
    public struct Examiner: Codable, Sendable, Equatable {
        public var id: String
        public var name: String
        public var role: String
        /// The entry that added the examiner: 0 (the case's first examiner) or its `examiner.add`.
        public var addedBy: Int64
    }
    public var schema = "custody.examiners/1"
    public var examiners: [Examiner]

    static func json(_ roster: [ExaminerRecord]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(RosterDocument(examiners: roster.map { Examiner(id: $0.id, name: $0.name, role: $0.role.rawValue, addedBy: $0.seq) }))
        data.append(0x0A)
        return data
    }
}
