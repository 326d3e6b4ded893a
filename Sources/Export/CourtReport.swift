import CaseStore
import Foundation

/// What the bundle writer knows about the export's own verification material, printed in the
/// report's "How to verify this bundle" section.
public struct ReportVerificationFacts: Sendable {
    /// Entries in the exported ledger.
    public var ledgerEntries: Int
    /// Base64 Merkle root of the ledger before the export entry (the report is sealed by that
    /// entry, so the export's own checkpoint cannot be known yet).
    public var ledgerRoot: String
    /// Entries in that tree.
    public var ledgerSize: Int
    /// Station verifier keys (`name+keyid+base64`) the ledger is signed with.
    public var stationKeys: [String]

    public init(ledgerEntries: Int, ledgerRoot: String, ledgerSize: Int, stationKeys: [String]) {
        self.ledgerEntries = ledgerEntries
        self.ledgerRoot = ledgerRoot
        self.ledgerSize = ledgerSize
        self.stationKeys = stationKeys
    }
}

/// The court report: one self-contained HTML5 page (inline CSS, no script, no network
/// resource) for the prosecutor and the defense, and its PDF (CourtReportPDF.swift).
/// Layout and the machine-readable exhibit attributes: docs/REPORT.md.
public enum CourtReport {
    /// Value of `<meta name="custody-report-format">`: marks a page as a Custody court report.
    public static let format = "custody.report/1"

    /// The report for the whole case, or (`items`) for those exhibits and everything inside
    /// them. Hashes and custody chains are taken from the signed ledger entries; the
    /// registry supplies the tree, identifiers and SIM states. An unknown label in `items`
    /// throws `.unknownItem`, an empty set `.invalidInput`.
    public static func html(store: CaseStore, items: Set<String>?, tool: ToolIdentity,
                            verification: ReportVerificationFacts, time: Date) throws(CaseStoreError) -> String {
        let content = try ReportContent(store: store, items: items)
        var page = ReportPage(content: content, tool: tool, verification: verification, time: time)
        return page.render()
    }

    /// Every exhibit the report shows, with the SHA-256 values it shows for it (acquisition
    /// content, record and transcript hashes; photograph hashes), read from the report's
    /// `data-exhibit` / `data-sha256` attributes. An exhibit without hashes maps to an empty set.
    public static func exhibitHashes(html: String) throws -> [String: Set<String>] {
        try ReportExhibitParser.exhibitHashes(html)
    }
}

/// A page that is not a well-formed Custody court report. One line: what and where.
public struct ReportFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
