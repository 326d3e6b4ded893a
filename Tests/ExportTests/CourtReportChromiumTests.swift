import Foundation
import Testing
import Wording
@testable import Export

/// The report in a real browser: the PDF renders to A4 pages that show the Vietnamese text,
/// and the page loads without a console error. Needs Debian's chromium and poppler-utils
/// (Scripts/setup); without them these tests fail, naming what to install.
@Suite(.serialized) struct CourtReportChromiumTests {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func writeReport(language: Language = .en) throws -> URL {
        let c = try ReportCase()
        defer { c.remove() }
        let url = folder.appendingPathComponent("report.html")
        try Data(c.html(language: language).utf8).write(to: url)
        return url
    }

    /// The Vietnamese report as Chromium shows and prints it: the document's language is `vi`,
    /// no missing-key marker is on the page, and the PDF's text layer gives the Vietnamese
    /// headings back, diacritics and all, in fonts embedded in the file.
    @Test func theVietnameseReportLoadsAsVietnameseAndPrintsWithEmbeddedFonts() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let html = try writeReport(language: .vi)
        let (dom, _) = try load(html)
        // The serialized document element: document.documentElement.lang as Chromium parsed it.
        let root = try #require(dom.firstMatch(of: /<html[^>]*>/)).output
        #expect(root.contains("lang=\"vi\""), "\(root)")
        #expect(dom.contains("Báo cáo chuỗi quản lý vật chứng") && !dom.contains("⟦"))

        let pdf = folder.appendingPathComponent("report.pdf")
        try CourtReport.renderPDF(html: html, pdf: pdf)
        let text = try run("pdftotext", ["-enc", "UTF-8", pdf.path, "-"])
        #expect(!text.contains("⟦"))
        for heading in ["Báo cáo chuỗi quản lý vật chứng", "Vụ án và căn cứ tiến hành", "Cách kiểm tra bộ hồ sơ này"] {
            #expect(text.contains(heading), "\(heading) is not in the PDF's text (as stored, NFC)")
        }
        let fonts = try run("pdffonts", [pdf.path])
        let rows = fonts.split(separator: "\n").drop { !$0.hasPrefix("---") }.dropFirst()
        #expect(!rows.isEmpty, "pdffonts lists no font: \(fonts)")
        for row in rows {
            let columns = row.split(separator: " ")
            // name, type…, encoding, emb, sub, uni, object, generation.
            #expect(columns.count >= 7 && columns[columns.count - 5] == "yes", "not embedded: \(row)")
            #expect(row.contains("DejaVu"), "a font outside the report's stack: \(row)")
        }
    }

    /// The Vietnamese summary report (report.pdf of a whole-case export) printed: its headings,
    /// the charts' labels and numbers and the devices' rows come back from the text layer, in
    /// embedded DejaVu fonts.
    @Test func theSummaryPrintsItsChartsAsTextInEmbeddedFonts() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let c = try ReportCase()
        defer { c.remove() }
        let html = folder.appendingPathComponent("summary.html")
        try Data(CourtReport.summary(store: c.store, language: .vi, tool: ReportCase.tool, verification: ReportCase.verification,
                                     time: Date(timeIntervalSince1970: 1_790_000_000)).utf8).write(to: html)
        let pdf = folder.appendingPathComponent("report.pdf")
        try CourtReport.renderPDF(html: html, pdf: pdf)
        let text = try run("pdftotext", ["-enc", "UTF-8", pdf.path, "-"])
        for shown in ["Báo cáo chuỗi quản lý vật chứng", "Thống kê", "Số SIM theo nhà mạng và trạng thái", "Sổ theo dõi vật chứng theo hệ thống bị thu giữ",
                      "SB-01", "LOT-1", "898401", "Nguồn số liệu:", "inventory.csv", "S-0042"] {
            #expect(text.contains(shown), "\(shown) is not in the summary's text")
        }
        #expect(!text.contains("⟦") && !text.contains(ReportCase.fullReadICCID))
        let fonts = try run("pdffonts", [pdf.path]).split(separator: "\n").drop { !$0.hasPrefix("---") }.dropFirst()
        #expect(!fonts.isEmpty)
        for row in fonts {
            let columns = row.split(separator: " ")
            #expect(columns.count >= 7 && columns[columns.count - 5] == "yes" && row.contains("DejaVu"), "\(row)")
        }
    }

    @Test func thePDFRendersToA4PagesWithTheVietnameseText() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let html = try writeReport()
        let pdf = folder.appendingPathComponent("report.pdf")
        try CourtReport.renderPDF(html: html, pdf: pdf)

        let pages = folder.appendingPathComponent("page")
        try run("pdftoppm", ["-png", "-r", "50", pdf.path, pages.path])
        let pngs = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("page") && $0.hasSuffix(".png") }.sorted()
        // The exhibits, the SMS and the verification each start a page.
        #expect(pngs.count >= 4, "\(pngs.count) pages")
        for name in pngs {
            let png = try Data(contentsOf: folder.appendingPathComponent(name))
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
            // IHDR: A4 (210 × 297 mm) at 50 dpi is 413 × 585 pixels.
            let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
            #expect(abs(width - 413) <= 2 && abs(height - 585) <= 2, "\(name) is \(width) × \(height)")
            #expect(png.count > 2_000, "\(name) is \(png.count) bytes: a blank page?")
        }
        let text = try run("pdftotext", ["-enc", "UTF-8", pdf.path, "-"])
        #expect(text.contains("Chuyên án SIM rác"))
        #expect(text.contains("Vay tiền nhanh <b>lãi suất 0%</b>"), "the SMS as text, its tag not taken as markup")
    }

    /// A report larger than the part size: its parts printed one by one and joined by qpdf into
    /// one valid PDF that holds the whole report, each part starting a page.
    @Test func aLargeReportIsPrintedInPartsJoinedIntoOnePDF() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let c = try ReportCase()
        defer { c.remove() }
        let report = try c.document()
        let partBytes = report.html.utf8.count / 3
        let parts = report.parts(maxBytes: partBytes).count
        #expect(parts >= 3)
        let pdf = folder.appendingPathComponent("report.pdf")
        try CourtReport.renderPDF(report, pdf: pdf, scratch: folder, partBytes: partBytes)

        try run("qpdf", ["--check", pdf.path])
        let info = try run("pdfinfo", [pdf.path])
        let pages = info.split(separator: "\n").first { $0.hasPrefix("Pages:") }.flatMap { Int($0.dropFirst(6).trimmingCharacters(in: .whitespaces)) } ?? 0
        #expect(pages >= parts, "\(pages) pages for \(parts) parts")
        let text = try run("pdftotext", ["-enc", "UTF-8", pdf.path, "-"])
        for shown in ["Chuyên án SIM rác", "SB-01", "LOT-1", "Vay tiền nhanh <b>lãi suất 0%</b>", "How to verify this bundle"] {
            #expect(text.contains(shown), "\(shown) is not in the joined PDF")
        }
        #expect(text.range(of: "Case and authority")!.lowerBound < text.range(of: "How to verify this bundle")!.lowerBound, "parts in order")
    }

    @Test func thePageLoadsWithoutConsoleErrors() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let html = try writeReport()
        let (dom, messages) = try load(html)
        #expect(dom.contains("custody-report-format"), "Chromium did not load the page")
        #expect(dom.contains("Vay tiền nhanh &lt;b&gt;lãi suất"))
        #expect(messages.isEmpty, "console: \(messages)")
    }

    /// The console check sees what it must: a broken page does log.
    @Test func theConsoleCheckCatchesABrokenPage() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let broken = folder.appendingPathComponent("broken.html")
        try Data("<!DOCTYPE html><html><body><img src=\"missing.png\"><script>console.error('boom'); undefinedCall();</script></body></html>".utf8).write(to: broken)
        let (_, messages) = try load(broken)
        #expect(!messages.isEmpty)
    }

    /// The DOM after loading, and the console messages Chromium logged for the page.
    func load(_ page: URL) throws -> (dom: String, console: [String]) {
        let run = try Chromium.run(["--dump-dom", "--enable-logging=stderr", "--v=0", page.absoluteString], timeout: 60)
        #expect(run.status == 0, "chromium: \(run.lastErrorLine)")
        let console = run.stderr.split(separator: "\n").filter { $0.contains("CONSOLE") }.map(String.init)
        return (String(decoding: run.stdout, as: UTF8.self), console)
    }

    @discardableResult
    func run(_ tool: String, _ arguments: [String]) throws -> String {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":").map { "\($0)/\(tool)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let path else {
            Issue.record("\(tool) is not installed (Debian package poppler-utils): run Scripts/setup")
            throw CancellationError()
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(tool) \(arguments.joined(separator: " "))")
        return String(decoding: data, as: UTF8.self)
    }
}
