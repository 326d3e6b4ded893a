import CaseStore
import Foundation
import Mustache
import Wording

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
    /// them, in `language`. Hashes and custody chains are taken from the signed ledger entries; the
    /// registry supplies the tree, identifiers and SIM states. An unknown label in `items`
    /// throws `.unknownItem`, an empty set `.invalidInput`. The page comes with the places where it may be cut into part documents for printing
    /// (`ReportDocument.parts`).
    public static func document(store: CaseStore, items: Set<String>?, language: Language, tool: ToolIdentity,
                                verification: ReportVerificationFacts, time: Date) throws(CaseStoreError) -> ReportDocument {
        let content = try ReportContent(store: store, items: items)
        return ReportTemplates.shared.document(ReportView(content: content, language: language, tool: tool, verification: verification, time: time))
    }

    /// Every exhibit the report shows, with the SHA-256 values it shows for it (acquisition
    /// content, record and transcript hashes; photograph hashes), read from the report's
    /// `data-exhibit` / `data-sha256` attributes. An exhibit without hashes maps to an empty set.
    public static func exhibitHashes(html: String) throws -> [String: Set<String>] {
        try ReportExhibitParser.exhibitHashes(html)
    }
}

/// The report page and where it may be cut: Chromium lays out one document in memory that grows
/// faster than the page (a 102 MB report of 71,000 SIMs passed 17.9 GB), so a large report is
/// printed as part documents of bounded size (CourtReportPDF.swift) and the PDFs joined.
public struct ReportDocument: Sendable {
    /// The report, as one page.
    public let html: String
    /// The language it is written in (for the page links of `pages(maxBytes:)`).
    let language: Language
    /// UTF-8 offsets in `html` of the body's content (after `<body>`, before `</body>`).
    let bodyStart: Int, bodyEnd: Int
    /// Places between sections, SMS lists and a section's SIM rows, in page order.
    let cuts: [ReportCut]

    /// The report as self-contained HTML documents that together show the whole body, in
    /// order: each has the page's head (style included) and a run of the body between two cuts,
    /// as long as possible up to `maxBytes` of body (more only when one run between adjacent
    /// cuts is longer). A part that starts or ends inside a section's table of SIMs closes it and
    /// the next reopens it with its caption marked "(continued)" in the report's language. One part is `html` itself.
    public func parts(maxBytes: Int) -> [String] {
        let bytes = Array(html.utf8)
        return runs(maxBytes: maxBytes).map { document(bytes, $0, heading: []) }
    }

    /// report.html as pages a browser opens at any size of case: the part documents of
    /// `parts(maxBytes:)`, each with a line of links to every page at the top of its body (the
    /// partial `pages`, in the report's language). Page 1 is written as report.html, page N as
    /// `BundleLayout.reportPage(N)`; the links are relative to each. One page is `html` itself.
    /// Every exhibit mark is on exactly one page, so the pages' marks together are the report's.
    public func pages(maxBytes: Int) -> [String] {
        let bytes = Array(html.utf8)
        let runs = runs(maxBytes: maxBytes)
        guard runs.count > 1 else { return [html] }
        let t = Catalog.of(language).templateWords()
        return runs.enumerated().map { index, run in
            let links = runs.indices.map { other in
                PageLink(number: other + 1, href: BundleLayout.reportPageLink(other + 1, from: index + 1), current: other == index)
            }
            return document(bytes, run, heading: Array(ReportTemplates.shared.render(PageLinks(t: t, links: links), "pages").utf8))
        }
    }

    /// Runs of the body between two cuts, each as long as possible up to `maxBytes` (longer
    /// only when nothing between two adjacent cuts is shorter), in order.
    private func runs(maxBytes: Int) -> [(start: ReportCut, stop: ReportCut)] {
        let end = ReportCut(offset: bodyEnd, close: "", reopen: "")
        var runs = [(start: ReportCut, stop: ReportCut)]()
        var start = ReportCut(offset: bodyStart, close: "", reopen: "")
        var latest: ReportCut? = nil
        for cut in cuts + [end] where cut.offset > start.offset {
            if cut.offset - start.offset > maxBytes, let previous = latest, previous.offset > start.offset {
                runs.append((start, previous))
                start = previous
            }
            latest = cut
        }
        runs.append((start, end))
        return runs
    }

    /// The page's head and `<body>`, `heading`, the run (its open table reopened and closed), and the page's end.
    private func document(_ bytes: [UInt8], _ run: (start: ReportCut, stop: ReportCut), heading: [UInt8]) -> String {
        var document = Array(bytes[..<bodyStart]) + heading + Array(run.start.reopen.utf8)
        document += bytes[run.start.offset..<run.stop.offset]
        document += Array(run.stop.close.utf8) + bytes[bodyEnd...]
        return String(decoding: document, as: UTF8.self)
    }
}

/// What the partial `pages` shows: a link to every page of report.html, the current one marked.
struct PageLinks: MustacheParent {
    let t: [String: Any]
    let links: [PageLink]
    func child(named name: String) -> Any? {
        switch name { case "t": t; case "links": links; default: nil }
    }
}
struct PageLink: MustacheParent {
    let number: Int
    let href: String
    let current: Bool
    func child(named name: String) -> Any? {
        switch name { case "number": number; case "href": href; case "current": current; default: nil }
    }
}

/// A place where the report's body may end one part document and start the next.
struct ReportCut: Sendable {
    /// UTF-8 offset in the page.
    var offset: Int
    /// HTML that ends, in the part before, the elements still open at `offset`.
    var close: String
    /// HTML that opens them again at the start of the part after.
    var reopen: String
}

/// A page that is not a well-formed Custody court report. One line: what and where.
public struct ReportFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
