import CaseStore
import Foundation
import SIMCard
import Wording

/// The report's own words in the report's language, from the catalog domain `report`
/// (Sources/Wording/Resources/catalogs/report.<lang>.json): the names the Swift side computes
/// (states, item types, roles) and the sentences with counts. The templates take the rest of
/// the catalog directly as `t` (`ReportView.t`). The desk's pages use it for the same names.
public struct ReportWording {
    let catalog: Catalog
    let timeZone: TimeZone

    /// `timeZone`: the case's lab time zone (an unknown zone prints UTC).
    public init(_ language: Language, timeZone: String) {
        catalog = Catalog.of(language)
        self.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")!
    }

    func stateName(_ state: SIMStatus.State) -> String {
        switch state {
        case .read: catalog.text("report.state.read")
        case .pinLocked: catalog.text("report.state.pin-locked")
        case .unreadable: catalog.text("report.state.unreadable")
        case .notRead: catalog.text("report.state.not-read")
        }
    }

    /// The name of an item type (the common catalog words); a type Custody does not know as recorded.
    func typeName(_ type: ItemType) -> String { catalog.itemTypeName(type.rawValue) }

    func roleName(_ role: ExaminerRole) -> String {
        switch role {
        case .technician: catalog.text("report.role.technician")
        case .clerk: catalog.text("report.role.clerk")
        case .supervisor: catalog.text("report.role.supervisor")
        case .prosecutor: catalog.text("report.role.prosecutor")
        }
    }

    func number(_ value: Int) -> String { catalog.number(value) }

    /// The status of an SMS record as the card's status byte gives it (TS 31.102 EF.SMS).
    public func smsStatus(_ status: SMSRecordStatus) -> String {
        switch status {
        case .free: catalog.text("report.sms-status.free")
        case .read: catalog.text("report.sms-status.read")
        case .unread: catalog.text("report.sms-status.unread")
        case .sent: catalog.text("report.sms-status.sent")
        case .toBeSent: catalog.text("report.sms-status.to-be-sent")
        case .unknown: catalog.text("report.sms-status.unknown")
        }
    }

    /// A message's direction as the acquisition summary records it; a value this version does
    /// not know prints as recorded.
    public func smsDirection(_ direction: String) -> String {
        switch direction {
        case "received": catalog.text("report.sms-direction.received")
        case "sent": catalog.text("report.sms-direction.sent")
        case "status report": catalog.text("report.sms-direction.status-report")
        default: direction
        }
    }

    /// What the report covers: "the whole case (N items)", or the end of "exhibits A, B and
    /// everything inside them (N items)".
    func coverage(items: Int, selected: Bool) -> String {
        selected ? catalog.count("report.case.inside-selected", items) : catalog.count("report.case.whole-case", items)
    }

    func placedElsewhere(_ count: Int, into label: String) -> String {
        catalog.count("report.chain.elsewhere", count, ["label": label])
    }

    func simsIn(_ count: Int, _ label: String) -> String { catalog.count("report.sims.caption", count, ["label": label]) }

    /// "2 SIMs were read in full: 3 SMS records in use and 1 deleted message still in free records".
    func smsSummary(simsRead: Int, used: Int, residue: Int) -> String {
        catalog.text("report.sms.summary", ["simsRead": catalog.count("report.sms.sims-read", simsRead),
                                            "used": catalog.count("report.sms.used", used),
                                            "residue": catalog.count("report.sms.residue-count", residue)])
    }

    func emptyMessageRecords(_ count: Int) -> String { catalog.count("report.sms.empty-records", count) }

    func parts(_ count: Int) -> String { catalog.count("report.sms.parts", count) }

    func deletedPart() -> String { catalog.text("report.sms.deleted-part") }

    func bytes(_ count: Int) -> String { catalog.count("report.details.bytes", count) }

    func apdus(_ count: Int) -> String { catalog.count("report.acquisition.apdus", count) }

    func rootOf(_ count: Int) -> String { catalog.count("report.verify.root-of", count) }

    func scope(full: Bool) -> String {
        full ? catalog.text("report.acquisition.scope-full") : catalog.text("report.acquisition.scope-identity")
    }

    /// An acquisition's hashes, by payload key and printed name.
    func acquisitionHashNames() -> [(key: String, name: String)] {
        [("contentSHA256", catalog.text("report.acquisition.hash-content")), ("recordSHA256", catalog.text("report.acquisition.hash-record")),
         ("transcriptSHA256", catalog.text("report.acquisition.hash-transcript"))]
    }

    /// The files of a bundle (docs/VERIFYING.md §1), in the order a reader meets them, with what each holds.
    func bundleFiles() -> [(path: String, content: String)] {
        [(BundleLayout.report, catalog.text("report.bundle-file.report")),
         (BundleLayout.reportPDF, catalog.text("report.bundle-file.report-pdf")),
         (BundleLayout.reportPages + "/", catalog.text("report.bundle-file.report-pages")),
         (BundleLayout.manifest, catalog.text("report.bundle-file.manifest")),
         (BundleLayout.ledger, catalog.text("report.bundle-file.ledger")),
         (BundleLayout.checkpoint, catalog.text("report.bundle-file.checkpoint")),
         (BundleLayout.proofs + "/", catalog.text("report.bundle-file.proofs")),
         (BundleLayout.keys + "/", catalog.text("report.bundle-file.keys")),
         (BundleLayout.examiners, catalog.text("report.bundle-file.examiners")),
         (BundleLayout.acquisitions + "/", catalog.text("report.bundle-file.acquisitions")),
         (BundleLayout.inventory, catalog.text("report.bundle-file.inventory")),
         (BundleLayout.custody, catalog.text("report.bundle-file.custody")),
         (BundleLayout.caseGraph, catalog.text("report.bundle-file.case-graph"))]
    }

    /// A local time beside its UTC original, in the catalog's short form ("14:30 06/12/2026", "2026-12-06 14:30").
    func localTime(_ date: Date) -> String { catalog.dateTime(date, timeZone: timeZone) }

    /// A local time in words, for the case's facts: "14 giờ 30 phút, ngày 06 tháng 12 năm 2026", "14:30, 6 December 2026".
    func longLocalTime(_ date: Date) -> String {
        catalog.text("report.time.long", ["clock": catalog.clockTime(date, timeZone: timeZone), "date": catalog.longDate(date, timeZone: timeZone)])
    }

    /// C0 and C1 controls other than tab and line feed, DEL, and the bidirectional formatting
    /// characters (U+200E/F, U+202A–202E, U+2066–2069): shown as marks so that nothing in a
    /// message can hide or reorder what the reader sees.
    static func isInvisible(_ ch: Unicode.Scalar) -> Bool {
        switch ch.value {
        case 0x09, 0x0A: false
        case 0x00...0x1F, 0x7F...0x9F, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// `U+XXXX`, at least four upper-case hex digits.
    static func codePoint(_ ch: Unicode.Scalar) -> String {
        let digits = String(ch.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
