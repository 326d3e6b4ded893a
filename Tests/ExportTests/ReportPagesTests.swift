import CaseStore
import Foundation
import Testing
@testable import Export

/// report.html in pages (docs/REPORT.md "Pages"): linked documents that together mark every
/// exhibit once, which `custody verify` reads as one report.
@Suite struct ReportPagesTests {
    @Test func pagesAreLinkedDocumentsThatTogetherMarkEveryExhibitOnce() throws {
        let c = try ReportCase()
        defer { c.remove() }
        let document = try c.document()
        #expect(document.pages(maxBytes: CourtReport.htmlPageBytes) == [document.html], "a short report is one page, without links")
        #expect(!document.html.contains("<nav class=\"pages\">"))
        let pages = document.pages(maxBytes: 4_000)
        #expect(pages.count >= 3)
        var marked = [String: Set<String>]()
        for (index, page) in pages.enumerated() {
            #expect(page.hasPrefix("<!DOCTYPE html>") && page.hasSuffix("</html>\n"))
            for (label, hashes) in try CourtReport.exhibitHashes(html: page) {
                #expect(marked.updateValue(hashes, forKey: label) == nil, "\(label) is marked on two pages")
            }
            #expect(page.contains("<nav class=\"pages\">Pages of this report: "))
            // Nothing is loaded from outside; the only links out of a page are to the report's pages.
            var scanner = TagScanner(Array(page.utf8))
            while let tag = try scanner.nextStartTag() {
                for name in ["src", "href", "action", "poster", "srcset"] {
                    guard let value = tag.attributes[name] else { continue }
                    #expect(value.hasPrefix("#") || value.wholeMatch(of: /(report\/)?[0-9]{4}\.html|(\.\.\/)?report\.html/) != nil, "<\(tag.name) \(name)=\"\(value)\">")
                }
            }
            #expect(page.contains("<b>\(index + 1)</b>") && !page.contains("\">\(index + 1)</a>"), "page \(index + 1) marks itself")
            if index == 0 {
                #expect(page.contains("<a href=\"report/0002.html\">2</a>"))
            } else {
                #expect(page.contains("<a href=\"../report.html\">1</a>"))
                #expect(index + 1 == pages.count || page.contains("<a href=\"\(String(format: "%04d", index + 2)).html\">\(index + 2)</a>"))
            }
        }
        #expect(marked == (try CourtReport.exhibitHashes(html: document.html)))
        let vietnamese = try c.document(language: .vi).pages(maxBytes: 4_000)
        #expect(vietnamese[1].contains("<nav class=\"pages\">Các trang của báo cáo: "))
    }

    /// An export writes the pages as the renderer makes them (`CourtReport.writePages`), never
    /// holding the report: the same pages, byte for byte, as cutting the whole report in memory.
    @Test(arguments: [1_500, 4_000, CourtReport.htmlPageBytes]) func streamedPagesAreTheReportsPages(_ maxBytes: Int) throws {
        let c = try ReportCase()
        defer { c.remove() }
        let time = Date(timeIntervalSince1970: 1_790_000_000)
        let expected = try CourtReport.document(store: c.store, items: nil, language: .vi, tool: ReportCase.tool,
                                                verification: ReportCase.verification, time: time).pages(maxBytes: maxBytes)
        let root = c.directory + "/pages-\(maxBytes)"
        let bundle = BundleWriter(root: root)
        try bundle.createRoot()
        defer { bundle.unlock() }
        let count = try CourtReport.writePages(store: c.store, items: nil, language: .vi, tool: ReportCase.tool, verification: ReportCase.verification,
                                               time: time, maxBytes: maxBytes, scratch: URL(fileURLWithPath: c.directory + "/scratch-\(maxBytes)"), into: bundle)
        #expect(count == expected.count)
        #expect(maxBytes == CourtReport.htmlPageBytes ? count == 1 : count >= 3)
        for (index, page) in expected.enumerated() {
            let path = root + "/" + (index == 0 ? BundleLayout.report : BundleLayout.reportPage(index + 1))
            #expect(try String(contentsOfFile: path, encoding: .utf8) == page, "page \(index + 1)")
        }
    }

    @Test func theVerifierReadsEveryPageAndRefusesAnExhibitShownTwice() throws {
        let f = try ExportFixture()
        defer { f.remove() }
        _ = try f.export("b")
        let original = BundleEditor(root: f.bundle("b"))
        #expect(original.problem() == nil)
        let pages = try CourtReport.document(store: f.store, items: nil, language: .en, tool: ToolIdentity(name: "custody", version: "test", build: ""),
                                             verification: ReportVerificationFacts(ledgerEntries: 0, ledgerRoot: "", ledgerSize: 0, stationKeys: []),
                                             time: Date()).pages(maxBytes: 3_000)
        #expect(pages.count > 2)

        // The same exhibits over several pages: the report checker accepts them; only the seal
        // (the export entry's manifest hash) tells that they were written after the export.
        let paged = try original.copy()
        try FileManager.default.createDirectory(atPath: paged.path(BundleLayout.reportPages), withIntermediateDirectories: true)
        try paged.write(BundleLayout.report, pages[0])
        for (index, page) in pages.enumerated().dropFirst() { try paged.write(BundleLayout.reportPage(index + 1), page) }
        try paged.reseal()
        let problem = paged.problem()
        #expect(problem?.file == BundleLayout.manifest && problem?.reason.contains("after the export") == true, "\(String(describing: problem))")

        // A page showing an exhibit report.html shows already.
        let twice = try original.copy()
        try FileManager.default.createDirectory(atPath: twice.path(BundleLayout.reportPages), withIntermediateDirectories: true)
        try twice.write(BundleLayout.reportPage(2), try original.text(BundleLayout.report))
        try twice.reseal()
        let refused = twice.problem()
        #expect(refused?.file == BundleLayout.reportPage(2) && refused?.reason.contains("which report.html shows already") == true, "\(String(describing: refused))")
        // A page that is not a report.
        let stranger = try original.copy()
        try FileManager.default.createDirectory(atPath: stranger.path(BundleLayout.reportPages), withIntermediateDirectories: true)
        try stranger.write(BundleLayout.reportPage(2), "<html><body>hello</body></html>")
        try stranger.reseal()
        #expect(stranger.problem()?.file == BundleLayout.reportPage(2))
    }
}
