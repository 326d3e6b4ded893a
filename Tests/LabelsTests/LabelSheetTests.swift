import Foundation
import FoundationXML
@testable import Labels
import Testing
import Wording

@Suite struct LabelSheetTests {
    static let fonts = try! LabelFonts.installed()
    static let caseID = "3f2a9c4e-1b7d-4e8a-9c01-5d6e7f8a9b0c"

    static func label(_ text: String, type: String = "slot", ids: [String: String] = [:], attributes: [String: String] = [:],
                      language: Language = .en) -> ExhibitLabel {
        ExhibitLabel(label: text, type: type, identifiers: ids, attributes: attributes, caseID: caseID, catalog: .of(language))
    }

    /// 26 labels: two pages, the second with two labels; a mix of short, long and odd labels.
    static let sheetOf26: [ExhibitLabel] = {
        var labels = [
            label("SB-03", type: "simbox", ids: ["serial": "GW8-00417"], attributes: ["make": "Hybertone", "model": "GoIP-8", "seal": "S-0041"]),
            label("SIM-8984012204000123456", type: "sim", ids: ["ICCID": "8984012204000123456", "IMSI": "452010123456789"]),
            label("PH-1", type: "phone", ids: ["IMEI": "356938035643809", "IMEI2": "490154203237518"], attributes: ["make": "Samsung", "model": "SM-A105F"]),
            label("EX-(1)\\bag", type: "exhibit"),
            label(String(repeating: "LONG-LABEL/", count: 11), type: "bag"),
        ]
        for p in 1...7 { for s in 1...3 { labels.append(label("SB-03/P\(p)/S\(s)")) } }
        return labels
    }()

    @Test func fourLabelsFitBesideEachOtherAndTheSheetIsCentred() {
        let mm = LabelSheet.millimetre
        let first = LabelSheet.origin(of: 0), third = LabelSheet.origin(of: 2), last = LabelSheet.origin(of: 23)
        #expect(abs(first.x - 7.25 * mm) < 1e-9 && abs(first.y - 12.9 * mm) < 1e-9)
        #expect(abs(third.x - (7.25 + 2 * 66) * mm) < 1e-9 && third.y == first.y)
        #expect(abs(LabelSheet.pageWidth - (last.x + LabelSheet.labelWidth) - 7.25 * mm) < 1e-9, "same margin right as left")
        #expect(abs(LabelSheet.pageHeight - (last.y + LabelSheet.labelHeight) - 12.9 * mm) < 1e-9, "same margin bottom as top")
        #expect(LabelSheet.origin(of: 24) == first, "label 25 starts the next page")
    }

    /// Every shape of every label stays inside that label's rectangle (text measured with the
    /// font's advance widths, from its cap height to its descender), so nothing is printed across a cut.
    @Test func everythingDrawnStaysInsideItsLabel() throws {
        let labels = Self.sheetOf26 + [Self.label("Kho vật chứng Công an tỉnh Lâm Đồng", type: "bag", attributes: ["seal": "NP-2026/017"])]
        let pages = try LabelSheet.pages(labels, fonts: Self.fonts)
        #expect(pages.count == 2)
        for (index, label) in labels.enumerated() {
            let (x, y) = LabelSheet.origin(of: index)
            let shapes = LabelSheet.draw(label, code: try QRCode(encoding: label.label), fonts: Self.fonts, x: x, y: y)
            for shape in shapes {
                let (left, top, right, bottom): (Double, Double, Double, Double) = switch shape {
                case .rectangle(let x, let y, let w, let h): (x, y, x + w, y + h)
                case .text(let x, let baseline, let size, let style, let text):
                    (x, baseline - Self.fonts[style].capHeightInEm * size, x + Self.fonts[style].width(text, size: size),
                     baseline - Double(Self.fonts[style].descender) / 2048 * size)
                }
                #expect(left >= x && top >= y && right <= x + LabelSheet.labelWidth && bottom <= y + LabelSheet.labelHeight,
                        "\(label.label): \(shape)")
            }
            let texts = shapes.compactMap { if case .text(_, _, _, _, let t) = $0 { t } else { nil } }
            #expect(texts.last == "Case \(Self.caseID)")
        }
    }

    @Test func labelTextIsAsLargeAsFitsOnTwoLines() {
        let width = LabelSheet.textRight - LabelSheet.textLeft, bold = Self.fonts.bold
        #expect(LabelSheet.fitTitle("SB-03/P17/S2", font: bold, width: width) == (14, ["SB-03/P17/", "S2"]))
        #expect(LabelSheet.fitTitle("SIM-8984012204000123456", font: bold, width: width) == (7, ["SIM-", "8984012204000123456"]))
        let long = LabelSheet.fitTitle(String(repeating: "LONG-LABEL/", count: 11), font: bold, width: width)
        #expect(long.size == 7 && long.lines.count == 4 && long.lines[3].hasSuffix("..."))
    }

    @Test func keyIdentifiersAreTheFirstTwoInOrderOfPreference() {
        let phone = Self.label("PH-1", type: "phone", ids: ["IMEI": "356938035643809", "IMEI2": "490154203237518", "serial": "R58M1234"],
                               attributes: ["seal": "S-0041", "make": "Samsung"])
        #expect(phone.keyIdentifiers.map(\.name) == ["IMEI", "IMEI2"])
        #expect(phone.kind == "phone, Samsung")
        let box = Self.label("SB-03", type: "simbox", ids: ["serial": "GW8-00417"], attributes: ["seal": "S-0041", "make": "Hybertone", "model": "GoIP-8"])
        #expect(box.keyIdentifiers == [.init(name: "S/N", value: "GW8-00417"), .init(name: "Seal", value: "S-0041")])
        #expect(box.kind == "SIM box, Hybertone GoIP-8")
        #expect(box.location == nil && box.caseLine == "Case \(Self.caseID)")
        #expect(Self.label("SB-03/P1/S1").keyIdentifiers.isEmpty)
        #expect(Self.label("SB-03/P1/S1").kind == "slot")
        #expect(Self.label("X", type: "crate").kind == "crate", "a type word Custody does not know prints as stored")
    }

    /// The label's words come from the catalog of the language asked for; the item's own text
    /// (label, make, values, location) prints as stored.
    @Test func theWordsAreInTheCatalogsLanguage() {
        let attributes = ["seal": "NP-017", "make": "Hybertone", "location": "Kho vật chứng"]
        let vi = Self.label("SB-03", type: "simbox", ids: ["serial": "GW8-00417"], attributes: attributes, language: .vi)
        #expect(vi.kind == "thiết bị SIM box, Hybertone")
        #expect(vi.keyIdentifiers == [.init(name: "Số sê-ri", value: "GW8-00417"), .init(name: "Số niêm phong", value: "NP-017")])
        #expect(vi.location == "Nơi lưu giữ: Kho vật chứng")
        #expect(vi.caseLine == "Vụ án \(Self.caseID)")
        let en = Self.label("SB-03", type: "simbox", ids: ["serial": "GW8-00417"], attributes: attributes, language: .en)
        #expect(en.location == "Kept at Kho vật chứng" && en.keyIdentifiers.map(\.name) == ["S/N", "Seal"])
        for label in [vi, en] {
            #expect(![label.kind, label.caseLine, label.location ?? ""].contains { $0.contains("⟦") }, "no missing catalog key")
        }
    }

    @Test func printedTextIsNFCWithPlainSpaces() {
        let decomposed = "Nguye\u{0302}\u{0303}n Va\u{0306}n D\u{0323}u\u{031B}\u{0301}c"
        #expect(LabelText.printed(decomposed).unicodeScalars.elementsEqual("Nguyễn Văn Ḍức".unicodeScalars))
        #expect(LabelText.printed("túi\tsố\u{00A0}3") == "túi số 3")
    }

    @Test func aCharacterTheFontCannotDrawRefusesTheSheetNamingIt() {
        #expect(throws: LabelError.noGlyph("\u{5C01}", text: "封条-1", font: "DejaVu Sans")) {
            try LabelDocument([Self.label("封条-1")], format: .pdf, title: "t")
        }
        #expect(LabelError.noGlyph("\u{5C01}", text: "封条-1", font: "DejaVu Sans").description
            == "cannot print \"封条-1\" on a label: the label font DejaVu Sans has no glyph for U+5C01 封; labels print Latin (all of Vietnamese), Greek and Cyrillic letters: change that text in the case")
        #expect(throws: LabelError.noGlyph("\u{0007}", text: "b\u{0007}ag", font: "DejaVu Sans")) {
            try LabelDocument([Self.label("SB-1", type: "b\u{0007}ag")], format: .svg, title: "t")
        }
        #expect(LabelError.name("\u{0007}") == "U+0007")
    }

    @Test func formatComesFromTheExtension() {
        #expect(LabelFormat(path: "x.pdf") == .pdf)
        #expect(LabelFormat(path: "/tmp/Labels.SVG") == .svg)
        #expect(LabelFormat(path: "x.png") == nil)
        #expect(LabelFormat(path: "pdf") == nil)
        #expect(LabelFormat(path: "dir.pdf/labels") == nil)
    }

    // MARK: Files checked by other programs

    @Test func pdfRendersAndEveryQRCodeDecodesToItsLabel() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let document = try LabelDocument(Self.sheetOf26, format: .pdf, title: "Exhibit labels, case \(Self.caseID)")
        #expect(document.pages == 2)
        let pdf = try folder.file("labels.pdf", document.bytes)
        let checked = try Tool.run("qpdf", ["--check", pdf])
        #expect(checked.status == 0, "qpdf --check: \(String(decoding: checked.stdout, as: UTF8.self)) \(checked.stderr)")
        #expect(try Tool.renderPDF(pdf).count == 2)
        // Each label on its own, as a hand-held scanner sees it: zbarimg misses some of 24
        // anti-aliased symbols in one page image, though each decodes alone.
        for (index, label) in Self.sheetOf26.enumerated() {
            let (x, y) = LabelSheet.origin(of: index)
            let png = try Tool.renderPDF(pdf, page: index / LabelSheet.labelsPerPage + 1,
                                         region: (x, y, LabelSheet.labelWidth, LabelSheet.labelHeight), name: "label\(index)")
            #expect(try Tool.qrCodes(in: png) == [label.label], "label \(index)")
        }
    }

    @Test func pdfCrossReferenceTablePointsAtEveryObject() throws {
        let bytes = try LabelDocument(Array(Self.sheetOf26.prefix(3)), format: .pdf, title: "t").bytes
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("%PDF-1.4\n"))
        #expect(text.hasSuffix("%%EOF\n"))
        let tail = try #require(text.range(of: "startxref\n", options: .backwards))
        let xrefOffset = try #require(Int(text[tail.upperBound...].prefix { $0.isNumber }))
        let table = Array(bytes[xrefOffset...])
        let lines = String(decoding: table, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "xref" && lines[1] == "0 16")
        #expect(lines[2] == "0000000000 65535 f ")
        for object in 1...15 {
            let entry = lines[2 + object]
            #expect(entry.utf8.count == 19 && entry.hasSuffix(" 00000 n "), "entry \(object): \(entry)")
            let offset = try #require(Int(entry.prefix(10)))
            #expect(bytes[offset...].starts(with: Array("\(object) 0 obj\n".utf8)), "object \(object) at \(offset)")
        }
        #expect(text.contains("trailer\n<< /Size 16 /Root 1 0 R /Info 3 0 R >>"))
        // Each stream's Length is the number of bytes between "stream\n" and "\nendstream" (the
        // font programs are binary: counted in bytes, not in decoded text).
        var streams = 0
        for start in bytes.indices where bytes[start...].starts(with: Array(">>\nstream\n".utf8)) {
            let dictionary = String(decoding: bytes[..<start].suffix(40), as: UTF8.self)
            let length = try #require(dictionary.firstMatch(of: /\/Length (\d+) $/).flatMap { Int($0.output.1) })
            #expect(bytes[(start + 10 + length)...].starts(with: Array("\nendstream".utf8)), "stream at \(start)")
            streams += 1
        }
        #expect(streams == 5, "two font programs, two ToUnicode maps, one page")
    }

    @Test func svgIsXMLAndEveryQRCodeDecodesToItsLabel() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let labels = Array(Self.sheetOf26.prefix(24))
        let document = try LabelDocument(labels, format: .svg, title: "Exhibit labels & <more>")
        let xml = try XMLDocument(data: Data(document.bytes))
        #expect(xml.rootElement()?.name == "svg")
        #expect(xml.rootElement()?.attributes?.first { $0.name == "width" }?.stringValue == "210mm")
        let texts = try xml.nodes(forXPath: "//*[local-name()='text']").compactMap(\.stringValue)
        #expect(texts.contains("EX-(1)\\bag"))
        #expect(String(decoding: document.bytes, as: UTF8.self).contains("font-family=\"DejaVu Sans, sans-serif\""))
        #expect(texts.filter { $0.hasPrefix("Case ") }.count == 24)
        let png = try Tool.renderSVG(try folder.file("labels.svg", document.bytes))
        #expect(Set(try Tool.qrCodes(in: png)) == Set(labels.map(\.label)))
    }

    @Test func aQRCodeCarriesTheExactUTF8LabelAndTheTextLayerTheSameText() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let label = Self.label("TÚI-Đức/01", type: "bag", attributes: ["seal": "Kho vật chứng"])
        let document = try LabelDocument([label], format: .pdf, title: "Tem vật chứng")
        let pdf = try folder.file("utf8.pdf", document.bytes)
        let pngs = try Tool.renderPDF(pdf)
        #expect(pngs.count == 1)
        #expect(try Tool.qrCodes(in: pngs[0], binary: true) == ["TÚI-Đức/01"])
        let text = String(decoding: try Tool.run("pdftotext", ["-raw", pdf, "-"]).stdout, as: UTF8.self)
        #expect(text.contains("TÚI-Đức/01") && text.contains("Seal Kho vật chứng"), "\(text)")
        // The subset draws: the text column has ink (a subset without the outlines would leave it blank).
        let (x, y) = LabelSheet.origin(of: 0)
        let column = (x + LabelSheet.textLeft, y, LabelSheet.textRight - LabelSheet.textLeft, LabelSheet.labelHeight * 0.8)
        #expect(try Tool.darkPixels(pdf, region: column) > 200)
        let info = String(decoding: try Tool.run("pdfinfo", [pdf]).stdout, as: UTF8.self)
        #expect(info.contains("Title:           Tem vật chứng"), "\(info)")
    }

    /// Both fonts embedded as subsets: `pdffonts` says emb yes, sub yes, uni yes for each.
    @Test func theFontsAreEmbeddedSubsets() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let pdf = try folder.file("fonts.pdf", try LabelDocument(Self.sheetOf26, format: .pdf, title: "t").bytes)
        let listed = String(decoding: try Tool.run("pdffonts", [pdf]).stdout, as: UTF8.self).split(separator: "\n").dropFirst(2)
        #expect(listed.count == 2, "\(listed)")
        for line in listed {
            #expect(line.wholeMatch(of: /[A-Z]{6}\+DejaVuSans(-Bold)? +CID TrueType +Identity-H +yes +yes +yes +\d+ +0/) != nil, "\(line)")
        }
        // The whole fonts are 1.4 MB; the sheet with its subsets a small part of that.
        let size = try #require(try FileManager.default.attributesOfItem(atPath: pdf)[.size] as? Int)
        #expect(size * 5 < Self.fonts.regular.bytes.count + Self.fonts.bold.bytes.count, "\(size) bytes")
    }

    @Test func sameLabelsGiveTheSameBytes() throws {
        for format in LabelFormat.allCases {
            let a = try LabelDocument(Self.sheetOf26.prefix(5).map { $0 }, format: format, title: "t")
            let b = try LabelDocument(Self.sheetOf26.prefix(5).map { $0 }, format: format, title: "t")
            #expect(a.bytes == b.bytes)
        }
    }

    @Test func anSVGHoldsOneSheet() {
        #expect(throws: LabelError.svgHoldsOneSheet(labels: 26)) {
            try LabelDocument(Self.sheetOf26, format: .svg, title: "t")
        }
    }
}
