import CaseStore
import Export
import Foundation
import Wording

/// `custody export annex`: the item-level PDF annex of one seized system, printed on demand
/// beside the bundle's summary report (docs/REPORT.md "The annex").
public enum ReportAnnex {
    /// What was written (schema custody.annex/1).
    public struct Output: Encodable, Sendable {
        public var schema = "custody.annex/1"
        public var label: String
        public var pdf: String
        public var language: String
        public var items: Int
        public var sims: Int
        public var ledgerEntries: Int
    }

    /// Prints the annex of `label` and everything inside it to `out` (a new file).
    public static func write(_ store: CaseStore, label: String, out: String, language: Language, tool: ToolIdentity) throws(WorkbenchError) -> Output {
        let pdf = URL(fileURLWithPath: out)
        let annex: CourtReport.Annex
        do { annex = try CourtReport.annex(store: store, label: label, pdf: pdf, language: language, tool: tool, time: Date()) } catch {
            throw WorkbenchError(error) ?? WorkbenchError("the annex of \(label) was not written: \(error)")
        }
        return Output(label: label, pdf: pdf.path, language: language.rawValue, items: annex.items, sims: annex.sims, ledgerEntries: annex.ledgerEntries)
    }
}
