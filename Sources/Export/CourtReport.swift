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
        try document(try ReportContent(store: store, items: items), language: language, tool: tool, verification: verification, time: time)
    }

    /// The report of `content`, collected in memory as one page with its cuts.
    static func document(_ content: ReportContent, language: Language, tool: ToolIdentity, verification: ReportVerificationFacts,
                         time: Date) throws(CaseStoreError) -> ReportDocument {
        var html = [UInt8](), bodyMarks = [Int](), cuts = [ReportCut]()
        do {
            try ReportTemplates.shared.render(content, language: language, tool: tool, verification: verification, time: time) { piece in
                switch piece {
                case .text(let bytes): html += bytes
                case .bodyStart, .bodyEnd: bodyMarks.append(html.count)
                case .cut(let close, let reopen): cuts.append(ReportCut(offset: html.count, close: close, reopen: reopen))
                }
            }
        } catch let error as CaseStoreError { throw error } catch { throw .io("cannot render the court report: \(error)") }
        return ReportDocument(html: String(decoding: html, as: UTF8.self), language: language, bodyStart: bodyMarks[0], bodyEnd: bodyMarks[1], cuts: cuts)
    }

    /// Writes report.html of the whole case or of `items` into `bundle` as the pages
    /// `ReportDocument.pages(maxBytes:)` would make, without holding the report: the renderer's
    /// pieces are cut into pages as they come (`ReportPager`), each page's body kept in a file
    /// under `scratch` until the number of pages, which every page's links show, is known.
    /// Returns the number of pages.
    public static func writePages(store: CaseStore, items: Set<String>?, language: Language, tool: ToolIdentity,
                                  verification: ReportVerificationFacts, time: Date, maxBytes: Int = htmlPageBytes, scratch: URL,
                                  into bundle: BundleWriter) throws -> Int {
        try writePages(try ReportContent(store: store, items: items), language: language, tool: tool, verification: verification, time: time,
                       maxBytes: maxBytes, scratch: scratch, into: bundle)
    }

    /// `writePages(store:…)` of `content` (an export's: `ReportContent(plan:store:)`).
    static func writePages(_ content: ReportContent, language: Language, tool: ToolIdentity, verification: ReportVerificationFacts, time: Date,
                           maxBytes: Int = htmlPageBytes, scratch: URL, into bundle: BundleWriter) throws -> Int {
        let pager = try ReportPager(maxBytes: maxBytes, scratch: scratch)
        try ReportTemplates.shared.render(content, language: language, tool: tool, verification: verification, time: time, emit: pager.take)
        return try pager.write(language: language, into: bundle)
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
        return runs.indices.map { index in document(bytes, runs[index], heading: Self.heading(page: index + 1, of: runs.count, language: language)) }
    }

    /// The line of links to every page at the top of page `page` of `count` (the partial `pages`).
    static func heading(page: Int, of count: Int, language: Language) -> [UInt8] {
        let links = (1...count).map { other in
            PageLink(number: other, href: BundleLayout.reportPageLink(other, from: page), current: other == page)
        }
        return Array(ReportTemplates.shared.render(PageLinks(t: Catalog.of(language).templateWords(), links: links), "pages").utf8)
    }

    /// Runs of the body between two cuts (`ReportRunCutter`), in order.
    private func runs(maxBytes: Int) -> [(start: ReportCut, stop: ReportCut)] {
        var cutter = ReportRunCutter(maxBytes: maxBytes, bodyStart: bodyStart)
        var runs = cuts.compactMap { cutter.take($0) }
        runs += cutter.finish(at: bodyEnd)
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

/// Where the report's body is cut into runs (report.html's pages, the PDF's part documents):
/// given the cuts in page order, each run is as long as possible up to `maxBytes` of body
/// (longer only when nothing between two adjacent cuts is shorter).
struct ReportRunCutter {
    let maxBytes: Int
    /// Where the run being made starts.
    private(set) var start: ReportCut
    /// The last cut taken after `start`.
    private var latest: ReportCut? = nil

    init(maxBytes: Int, bodyStart: Int) {
        self.maxBytes = maxBytes
        start = ReportCut(offset: bodyStart, close: "", reopen: "")
    }

    /// Takes the next cut; returns the run it ends, when it ends one (at the cut before it).
    mutating func take(_ cut: ReportCut) -> (start: ReportCut, stop: ReportCut)? {
        guard cut.offset > start.offset else { return nil }
        var ended: (start: ReportCut, stop: ReportCut)? = nil
        if cut.offset - start.offset > maxBytes, let previous = latest, previous.offset > start.offset {
            ended = (start, previous)
            start = previous
        }
        latest = cut
        return ended
    }

    /// The last runs, at the body's end `offset`.
    mutating func finish(at offset: Int) -> [(start: ReportCut, stop: ReportCut)] {
        let end = ReportCut(offset: offset, close: "", reopen: "")
        let ended = take(end)
        return (ended.map { [$0] } ?? []) + [(start, end)]
    }
}

/// Cuts the renderer's pieces into report.html's pages as they come (`ReportRunCutter`): the
/// page's head and end are kept, each run of the body is written to a file under `scratch` as
/// soon as it ends, so what is held is one page.
final class ReportPager {
    private let scratch: URL
    private var cutter: ReportRunCutter
    private var head = [UInt8](), tail = [UInt8]()
    private enum Place { case head, body, tail }
    private var place = Place.head
    /// The body from the cutter's `start` on.
    private var body = [UInt8]()
    /// Bytes of body before `body`.
    private var offset = 0
    private var runs = [URL]()

    init(maxBytes: Int, scratch: URL) throws {
        self.scratch = scratch
        cutter = ReportRunCutter(maxBytes: maxBytes, bodyStart: 0)
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    func take(_ piece: ReportPiece) throws {
        switch (piece, place) {
        case (.text(let bytes), .head): head += bytes
        case (.text(let bytes), .body): body += bytes
        case (.text(let bytes), .tail): tail += bytes
        case (.bodyStart, _): place = .body
        case (.cut(let close, let reopen), _):
            if let run = cutter.take(ReportCut(offset: offset + body.count, close: close, reopen: reopen)) { try keep(run) }
        case (.bodyEnd, _):
            for run in cutter.finish(at: offset + body.count) { try keep(run) }
            place = .tail
        }
    }

    /// Writes the run's body, reopened and closed, to its file, and drops it.
    private func keep(_ run: (start: ReportCut, stop: ReportCut)) throws {
        let length = run.stop.offset - offset
        let file = scratch.appendingPathComponent(String(format: "page-%06d.html", runs.count + 1))
        try Data(Array(run.start.reopen.utf8) + body[..<length] + Array(run.stop.close.utf8)).write(to: file)
        body.removeFirst(length)
        offset += length
        runs.append(file)
    }

    /// Writes the pages into `bundle` (report.html, then `BundleLayout.reportPage(N)`): the
    /// head, the links to every page (when more than one), the run, the end. Returns their number.
    func write(language: Language, into bundle: BundleWriter) throws -> Int {
        for (index, file) in runs.enumerated() {
            let heading = runs.count > 1 ? ReportDocument.heading(page: index + 1, of: runs.count, language: language) : []
            let run = try Data(contentsOf: file)
            try bundle.stream(index == 0 ? BundleLayout.report : BundleLayout.reportPage(index + 1)) { page throws(ExportError) in
                try page.write(head + heading)
                try page.write(run)
                try page.write(tail)
            }
            try FileManager.default.removeItem(at: file)
        }
        return runs.count
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
