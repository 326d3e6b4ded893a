/// A TrueType font as a PDF shows Unicode text with it: a Type 0 font (Identity-H, two bytes a
/// glyph id) over a CIDFontType2 font whose CIDs are the glyph ids (CIDToGIDMap Identity), with
/// a W widths array from hmtx, a FontDescriptor, the font file subset to the glyphs shown
/// (FontFile2) and a ToUnicode CMap, so that text extraction (`pdftotext`) gives back the text.
///
/// Show every text first (`show(_:)`), then write the objects (`objects(first:)`): the subset
/// and the maps hold the glyphs shown.
public struct PDFFont: Sendable {
    public let font: TrueTypeFont
    /// The text each glyph shown stands for (the first seen when two scalars share a glyph).
    private var textOfGlyph = [UInt16: String]()

    /// Objects `objects(first:)` writes: Type0 font, CIDFont, FontDescriptor, FontFile2, ToUnicode.
    public static let objectCount = 5

    public init(_ font: TrueTypeFont) { self.font = font }

    /// `text` as a PDF hex string of glyph ids for `Tj`, one glyph a Unicode scalar. Every scalar
    /// must have a glyph (`TrueTypeFont.firstMissingScalar(in:)`): a missing one shows .notdef.
    public mutating func show(_ text: String) -> String {
        var hex = "<"
        for scalar in text.unicodeScalars {
            let glyph = font.glyph(for: scalar) ?? 0
            if glyph != 0, textOfGlyph[glyph] == nil { textOfGlyph[glyph] = String(scalar) }
            hex += PDFSyntax.hex(glyph)
        }
        return hex + ">"
    }

    /// The glyphs shown so far.
    public var glyphsShown: Set<UInt16> { Set(textOfGlyph.keys) }

    /// "ABCDEF+DejaVuSans": the six letters name this subset (from the font and glyph ids), so
    /// two subsets of one font in one file have different names and the same glyphs the same name.
    /// The PostScript name is kept to the characters a PDF name takes without escapes.
    public var subsetName: String {
        let baseName = font.postScriptName.filter { $0.isASCII && $0 > " " && $0 <= "~" && !"()<>[]{}/%#".contains($0) }
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a
        for byte in Array(baseName.utf8) + textOfGlyph.keys.sorted().flatMap(bigEndian) {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3
        }
        let letters = (0..<6).map { Character(Unicode.Scalar(UInt8(65 + (hash >> (UInt64($0) * 8)) % 26))) }
        return String(letters) + "+" + baseName
    }

    /// The five objects, numbered from `first` (the Type 0 font a page's /Font resource names).
    public func objects(first: Int) -> [[UInt8]] {
        let name = subsetName
        let scale = 1000 / Double(font.unitsPerEm)
        func units(_ value: Int) -> String { PDFSyntax.number(Double(value) * scale) }
        let program = font.subset(keeping: glyphsShown)
        // Usual estimate of the dominant stem width from the weight class (PDF wants a value).
        let stem = 50 + Int((Double(font.weightClass) / 65) * (Double(font.weightClass) / 65))
        return [
            Array("""
                << /Type /Font /Subtype /Type0 /BaseFont /\(name) /Encoding /Identity-H \
                /DescendantFonts [\(first + 1) 0 R] /ToUnicode \(first + 4) 0 R >>
                """.utf8),
            Array("""
                << /Type /Font /Subtype /CIDFontType2 /BaseFont /\(name) \
                /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> \
                /FontDescriptor \(first + 2) 0 R /DW \(units(font.advance(of: 0))) /W \(widths(units)) /CIDToGIDMap /Identity >>
                """.utf8),
            // Flags 4: symbolic (glyphs outside the standard Latin set), as for any CID font.
            Array("""
                << /Type /FontDescriptor /FontName /\(name) /Flags 4 \
                /FontBBox [\(font.boundingBox.map(units).joined(separator: " "))] /ItalicAngle \(PDFSyntax.number(font.italicAngle)) \
                /Ascent \(units(font.ascender)) /Descent \(units(font.descender)) /CapHeight \(units(font.capHeight)) \
                /StemV \(stem) /FontFile2 \(first + 3) 0 R >>
                """.utf8),
            PDFSyntax.stream("<< /Length1 \(program.count)", program),
            PDFSyntax.stream("<<", Array(toUnicode.utf8)),
        ]
    }

    /// `[first [w w …] first [w …]]`: the widths of the glyphs shown, in runs of consecutive ids.
    private func widths(_ units: (Int) -> String) -> String {
        var runs = [(first: UInt16, widths: [String])]()
        for glyph in textOfGlyph.keys.sorted() {
            let width = units(font.advance(of: glyph))
            if let last = runs.last, Int(last.first) + last.widths.count == Int(glyph) {
                runs[runs.count - 1].widths.append(width)
            } else {
                runs.append((glyph, [width]))
            }
        }
        return "[" + runs.map { "\($0.first) [\($0.widths.joined(separator: " "))]" }.joined(separator: " ") + "]"
    }

    /// The ToUnicode CMap: each glyph shown to its text in UTF-16BE, in blocks of at most 100
    /// entries (the limit of `beginbfchar`).
    private var toUnicode: String {
        let entries = textOfGlyph.sorted { $0.key < $1.key }
            .map { "<\(PDFSyntax.hex($0.key))> <\($0.value.utf16.map(PDFSyntax.hex).joined())>\n" }
        var blocks = ""
        for start in stride(from: 0, to: entries.count, by: 100) {
            let block = entries[start..<min(start + 100, entries.count)]
            blocks += "\(block.count) beginbfchar\n" + block.joined() + "endbfchar\n"
        }
        return """
            /CIDInit /ProcSet findresource begin
            12 dict begin
            begincmap
            /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
            /CMapName /Adobe-Identity-UCS def
            /CMapType 2 def
            1 begincodespacerange
            <0000> <FFFF>
            endcodespacerange
            \(blocks)endcmap
            CMapName currentdict /CMap defineresource pop
            end
            end
            """
    }
}
