import CaseStore
import Foundation
import Ledger
import Wording

extension CourtReport {
    /// What `annex` printed.
    public struct Annex: Sendable {
        /// Items in the annex: the item and everything inside it.
        public var items: Int
        /// SIMs among them.
        public var sims: Int
        /// Ledger entries the annex describes (its "How to verify" root covers them all).
        public var ledgerEntries: Int
    }

    /// The item-level annex of one seized system (or any item) as a PDF: the court report of
    /// `label` and everything inside it (its boxes, ports, slots and SIMs with identifiers,
    /// hashes and entries), printed like report.pdf, in parts when large (`renderPDF(_:pdf:scratch:)`).
    /// It describes the ledger as it stands now: its "How to verify" section gives the current
    /// size and Merkle root. `pdf` must not exist; it is written through a temporary file beside it.
    public static func annex(store: CaseStore, label: String, pdf: URL, language: Language, tool: ToolIdentity, time: Date) throws -> Annex {
        guard !FileManager.default.fileExists(atPath: pdf.path) else {
            throw ReportRenderError("\(pdf.path) already exists: choose another --out or remove it")
        }
        let (tree, _) = try store.tree()
        var entries = 0, keys = [VerifierKey]()
        try store.forEachLine(below: tree.size) { r in
            entries += 1
            for key in ExportPlan.keysBound(by: try SignedEntry(line: Array(r.line))) where !keys.contains(key) { keys.append(key) }
        }
        let facts = ReportVerificationFacts(ledgerEntries: entries, ledgerRoot: try tree.root().base64, ledgerSize: tree.size,
                                            stationKeys: keys.map(\.description))
        let content = try ReportContent(store: store, items: [label])
        let report = try CourtReport.document(content, language: language, tool: tool, verification: facts, time: time)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("custody-annex-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let printed = scratch.appendingPathComponent("annex.pdf")
        try renderPDF(report, pdf: printed, scratch: scratch)
        let partial = pdf.deletingLastPathComponent().appendingPathComponent(".\(pdf.lastPathComponent).partial-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: printed, to: partial)
        do { try FileManager.default.moveItem(at: partial, to: pdf) } catch {
            try? FileManager.default.removeItem(at: partial)
            throw error
        }
        return Annex(items: content.ordered.count, sims: content.sims.count, ledgerEntries: entries)
    }
}
