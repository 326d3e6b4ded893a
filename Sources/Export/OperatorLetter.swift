import CaseStore
import Foundation
import Wording

/// The letter that goes with an operator's request list (`custody export-operators`): one
/// self-contained HTML page per operator, in the case's language, asking the carrier for the
/// subscriber information of its SIMs, with their ICCID/IMSI table — laid out as an official
/// letter (issuing unit and number top left, the national motto and date top right, addressee,
/// legal basis, request, table, distribution and signature block). The template is
/// Resources/report/operator-letter.mustache; docs/CASE-STORE.md, "Summary and carrier lists".
public enum OperatorLetter {
    /// One SIM of the letter's table.
    public struct SIM: Sendable {
        public var iccid: String
        public var imsi: String
        public var msisdn: [String]
        public var label: String
        public init(iccid: String, imsi: String, msisdn: [String], label: String) {
            self.iccid = iccid; self.imsi = imsi; self.msisdn = msisdn; self.label = label
        }
    }

    /// The letter to `operatorName` for `sims`, dated `date` in the case's lab time zone.
    public static func html(case record: CaseRecord, operatorName: String, language: Language, date: Date, sims: [SIM]) -> String {
        let catalog = Catalog.of(language)
        let timeZone = TimeZone(identifier: record.timeZone) ?? TimeZone(identifier: "UTC")!
        let view = View(
            lang: language.rawValue, t: catalog.templateWords(), agency: record.agency, caseID: record.id, operatorName: operatorName,
            dated: catalog.text("report.letter.dated", ["date": catalog.longDate(date, timeZone: timeZone)]),
            request: catalog.count("report.letter.request", sims.count, ["case": record.name, "authority": record.authority,
                                                                           "agency": record.agency, "operator": operatorName]),
            rows: sims.enumerated().map { index, sim in
                Row(number: catalog.number(index + 1), iccid: sim.iccid, imsi: sim.imsi, msisdn: sim.msisdn.joined(separator: ", "), label: sim.label)
            })
        return ReportTemplates.shared.render(view, "operator-letter")
    }

    /// What the template shows; plain values, escaped by the engine.
    struct View {
        let lang: String
        let t: [String: Any]
        let agency: String
        let caseID: String
        let operatorName: String
        let dated: String
        let request: String
        let rows: [Row]
    }
    struct Row { let number: String; let iccid: String; let imsi: String; let msisdn: String; let label: String }
}
