import Foundation
@testable import Labels
@testable import PDFText
import Testing

/// The TrueType reader, the subset and the PDF font objects, on the installed DejaVu fonts.
@Suite struct FontTests {
    static let fonts = try! LabelFonts.installed()
    /// Every letter Vietnamese writes beyond ASCII: the Latin Extended Additional block of
    /// Vietnamese (U+1EA0–U+1EF9) and the letters and tones outside it.
    static let vietnamese: [Unicode.Scalar] = (0x1EA0...0x1EF9).compactMap(Unicode.Scalar.init)
        + Array("àáâãèéêìíòóôõùúýăđĩũơưÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝĂĐĨŨƠƯ".unicodeScalars)

    @Test func theHeadersGiveTheMetricsAPDFNeeds() {
        let regular = Self.fonts.regular, bold = Self.fonts.bold
        #expect(regular.familyName == "DejaVu Sans" && bold.familyName == "DejaVu Sans")
        #expect(regular.postScriptName == "DejaVuSans" && bold.postScriptName == "DejaVuSans-Bold")
        #expect(regular.unitsPerEm == 2048 && regular.weightClass == 400 && bold.weightClass == 700)
        #expect(regular.glyphCount > 6000 && regular.boundingBox.count == 4 && regular.boundingBox[0] < 0)
        // DejaVu's OS/2 table (version 1) has no cap height: the top of "H", 1493 units.
        #expect(regular.capHeight == 1493 && regular.ascender > regular.capHeight && regular.descender < 0)
        #expect(regular.italicAngle == 0)
    }

    @Test func theCharacterMapAndWidthsComeFromTheFont() throws {
        let font = Self.fonts.regular
        let a = try #require(font.glyph(for: "A")), space = try #require(font.glyph(for: " "))
        #expect(a != space && font.glyph(for: "\u{5C01}") == nil)
        // DejaVu Sans: "A" is 1401 units wide, a space 651 (of 2048).
        #expect(font.advance(of: a) == 1401 && font.advance(of: space) == 651)
        #expect(font.width("A A", size: 2048) == 1401 + 651 + 1401)
        // A scalar beyond the Basic Multilingual Plane comes from the format 12 subtable.
        #expect(font.glyph(for: "\u{10300}") != nil, "OLD ITALIC LETTER A")
    }

    @Test func everyVietnameseLetterHasAGlyphInBothFonts() {
        for font in [Self.fonts.regular, Self.fonts.bold] {
            let missing = Self.vietnamese.filter { font.glyph(for: $0) == nil }
            #expect(missing.isEmpty, "\(font.postScriptName) lacks \(missing)")
        }
    }

    @Test func aSubsetKeepsTheGlyphsShownAndTheirComponentsOnly() throws {
        let font = Self.fonts.regular
        // "ễ" is drawn from an "e" and its marks: a composite glyph.
        let composite = Int(try #require(font.glyph(for: "ễ")))
        let parts = font.components(of: composite)
        #expect(!parts.isEmpty)
        let grandparts = parts.flatMap(font.components(of:))
        #expect(font.closure(of: [UInt16(composite)]) == Set([0, composite] + parts + grandparts))

        var shown = PDFFont(font)
        _ = shown.show("Nguyễn Thị Hằng")
        let subset = font.subset(keeping: shown.glyphsShown)
        #expect(subset.count * 10 < font.bytes.count, "\(subset.count) of \(font.bytes.count) bytes")
        // A valid sfnt: whole-file checksum 0xB1B0AFBA, each table's own checksum right.
        #expect(TrueTypeFont.checksum(subset) == 0xB1B0_AFBA)
        let reader = ByteReader(bytes: subset, font: "subset")
        let tables = try (0..<Int(try reader.u16(4))).map { index in
            let record = 12 + 16 * index
            return (tag: String(decoding: try reader.slice(record, 4), as: UTF8.self), checksum: try reader.u32(record + 4),
                    offset: Int(try reader.u32(record + 8)), length: Int(try reader.u32(record + 12)))
        }
        #expect(tables.map(\.tag) == ["cvt ", "fpgm", "glyf", "head", "hhea", "hmtx", "loca", "maxp", "prep"])
        for table in tables where table.tag != "head" {
            #expect(TrueTypeFont.checksum(Array(subset[table.offset..<table.offset + table.length])) == table.checksum, "\(table.tag)")
        }
        let glyf = try #require(tables.first { $0.tag == "glyf" })
        let expected = font.closure(of: shown.glyphsShown).reduce(0) { $0 + (font.outline($1).count + 3) / 4 * 4 }
        #expect(glyf.length == expected, "only the outlines of the glyphs shown, .notdef and components")
        #expect(subset == font.subset(keeping: shown.glyphsShown), "the same glyphs give the same bytes")
    }

    @Test func theFontObjectsMapGlyphsBackToTheText() throws {
        var shown = PDFFont(Self.fonts.bold)
        #expect(shown.show("Aă") == "<\(PDFSyntax.hex(Self.fonts.bold.glyph(for: "A")!))\(PDFSyntax.hex(Self.fonts.bold.glyph(for: "ă")!))>")
        let objects = shown.objects(first: 10).map { String(decoding: $0, as: UTF8.self) }
        #expect(objects.count == PDFFont.objectCount)
        #expect(objects[0].contains("/Subtype /Type0") && objects[0].contains("/Encoding /Identity-H"))
        #expect(objects[0].contains("/DescendantFonts [11 0 R] /ToUnicode 14 0 R"))
        #expect(objects[0].contains("/BaseFont /\(shown.subsetName)"))
        #expect(shown.subsetName.wholeMatch(of: /[A-Z]{6}\+DejaVuSans-Bold/) != nil)
        #expect(objects[1].contains("/CIDToGIDMap /Identity") && objects[1].contains("/FontDescriptor 12 0 R"))
        // W: each glyph's advance in 1/1000 em.
        let a = Self.fonts.bold.glyph(for: "A")!
        #expect(objects[1].contains("\(a) [\(PDFSyntax.number(Double(Self.fonts.bold.advance(of: a)) * 1000 / 2048))"))
        #expect(objects[2].contains("/FontFile2 13 0 R"))
        #expect(objects[4].contains("<\(PDFSyntax.hex(Self.fonts.bold.glyph(for: "ă")!))> <0103>"))
        var other = PDFFont(Self.fonts.bold)
        _ = other.show("B")
        #expect(other.subsetName != shown.subsetName, "another subset, another name")
    }

    @Test func documentStringsAreASCIIOrUTF16() {
        #expect(PDFSyntax.textString("Labels (1)\\") == "(Labels \\(1\\)\\\\)")
        #expect(PDFSyntax.textString("Tem ă") == "<FEFF00540065006D00200103>")
        #expect(PDFSyntax.textString("a\u{0306}") == "<FEFF0103>", "NFC")
    }

    @Test func decimalsAreLocaleFree() {
        #expect(PDFSyntax.number(1) == "1")
        #expect(PDFSyntax.number(0.5) == "0.5")
        #expect(PDFSyntax.number(-0.25) == "-0.25")
        #expect(PDFSyntax.number(595.27559) == "595.276")
        #expect(PDFSyntax.number(0.0004) == "0")
        #expect(PDFSyntax.number(12.05) == "12.05")
    }

    @Test func aMissingOrDamagedFontIsOneLine() throws {
        #expect(throws: LabelError.fontNotInstalled) { try LabelFonts.load(from: "/nonexistent") }
        #expect(LabelError.fontNotInstalled.description
            == "the label font DejaVu Sans is not installed: run Scripts/setup (Debian package fonts-dejavu-core)")
        #expect(throws: FontError.self) { try TrueTypeFont(bytes: Array(Self.fonts.regular.bytes.prefix(300)), name: "cut") }
        #expect(throws: FontError.malformed(font: "zero", "not a TrueType font (no glyf outlines)")) {
            try TrueTypeFont(bytes: [UInt8](repeating: 0, count: 64), name: "zero")
        }
    }
}
