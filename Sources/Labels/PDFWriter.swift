import PDFText

/// A minimal PDF 1.4 writer for label sheets: filled rectangles and lines of text in the label
/// fonts, embedded as subsets (`PDFFont`: Type 0, Identity-H, ToUnicode), uncompressed content
/// streams, one cross-reference table. Objects: 1 catalog, 2 page tree, 3 document information,
/// 4–8 DejaVu Sans (`/F1`, the Type 0 font at 4), 9–13 DejaVu Sans Bold (`/F2`, at 9), then for
/// page i (0-based) the page `14 + 2i` and its content `15 + 2i`.
enum PDFWriter {
    static func document(_ pages: [Page], fonts: LabelFonts, title: String) -> [UInt8] {
        let mediaBox = "[0 0 \(PDFSyntax.number(LabelSheet.pageWidth)) \(PDFSyntax.number(LabelSheet.pageHeight))]"
        let regular = 4, bold = regular + PDFFont.objectCount, firstPage = bold + PDFFont.objectCount
        var shown = (regular: PDFFont(fonts.regular), bold: PDFFont(fonts.bold))
        var pageObjects = [[UInt8]]()
        for (index, page) in pages.enumerated() {
            pageObjects.append(Array("""
                << /Type /Page /Parent 2 0 R /MediaBox \(mediaBox) \
                /Resources << /Font << /F1 \(regular) 0 R /F2 \(bold) 0 R >> >> /Contents \(firstPage + 2 * index + 1) 0 R >>
                """.utf8))
            pageObjects.append(PDFSyntax.stream("<<", Array(contentStream(page, fonts: &shown).utf8)))
        }
        let kids = pages.indices.map { "\(firstPage + 2 * $0) 0 R" }.joined(separator: " ")
        let objects: [[UInt8]] = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [\(kids)] /Count \(pages.count) >>",
            "<< /Title \(PDFSyntax.textString(title)) /Producer (Custody) >>",
        ].map { Array($0.utf8) }
        return PDFSyntax.file(objects + shown.regular.objects(first: regular) + shown.bold.objects(first: bold) + pageObjects,
                              root: 1, info: 3)
    }

    /// The page's drawing: every rectangle filled black in one path, then the text, shown with
    /// (and so recorded in) `fonts`. PDF's origin is the bottom left, the sheet's the top left.
    static func contentStream(_ page: Page, fonts: inout (regular: PDFFont, bold: PDFFont)) -> String {
        let height = LabelSheet.pageHeight
        var rectangles = "", text = ""
        for shape in page.shapes {
            switch shape {
            case .rectangle(let x, let y, let width, let h):
                rectangles += "\(PDFSyntax.number(x)) \(PDFSyntax.number(height - y - h)) \(PDFSyntax.number(width)) \(PDFSyntax.number(h)) re\n"
            case .text(let x, let baseline, let size, let font, let string):
                let (name, glyphs) = font == .regular ? ("F1", fonts.regular.show(string)) : ("F2", fonts.bold.show(string))
                text += "BT /\(name) \(PDFSyntax.number(size)) Tf \(PDFSyntax.number(x)) \(PDFSyntax.number(height - baseline)) Td \(glyphs) Tj ET\n"
            }
        }
        return "0 g\n" + rectangles + (rectangles.isEmpty ? "" : "f\n") + text
    }
}
