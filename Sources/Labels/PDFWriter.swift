/// A minimal PDF 1.4 writer for label sheets: filled rectangles and lines of text in the standard
/// Helvetica fonts (WinAnsiEncoding, not embedded), uncompressed content streams, one
/// cross-reference table. Objects: 1 catalog, 2 page tree, 3 Helvetica, 4 Helvetica-Bold,
/// 5 document information, then for page i (0-based) the page `6 + 2i` and its content `7 + 2i`.
enum PDFWriter {
    static func document(_ pages: [Page], title: String) -> [UInt8] {
        let mediaBox = "[0 0 \(decimal(LabelSheet.pageWidth)) \(decimal(LabelSheet.pageHeight))]"
        let kids = pages.indices.map { "\(6 + 2 * $0) 0 R" }.joined(separator: " ")
        var objects: [[UInt8]] = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [\(kids)] /Count \(pages.count) >>",
            "<< /Type /Font /Subtype /Type1 /BaseFont /\(Helvetica.regular.baseFont) /Encoding /WinAnsiEncoding >>",
            "<< /Type /Font /Subtype /Type1 /BaseFont /\(Helvetica.bold.baseFont) /Encoding /WinAnsiEncoding >>",
            "<< /Title \(literal(title)) /Producer (Custody) >>",
        ].map { Array($0.utf8) }
        for (index, page) in pages.enumerated() {
            objects.append(Array("""
                << /Type /Page /Parent 2 0 R /MediaBox \(mediaBox) \
                /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents \(7 + 2 * index) 0 R >>
                """.utf8))
            let content = Array(contentStream(page).utf8)
            objects.append(Array("<< /Length \(content.count) >>\nstream\n".utf8) + content + Array("\nendstream".utf8))
        }
        return serialise(objects)
    }

    /// Header, numbered objects, cross-reference table (each entry exactly 20 bytes), trailer.
    static func serialise(_ objects: [[UInt8]]) -> [UInt8] {
        // The comment of four bytes above 127 tells transfer programs the file is binary.
        var out: [UInt8] = Array("%PDF-1.4\n%".utf8) + [0xE2, 0xE3, 0xCF, 0xD3, 0x0A]
        var offsets = [Int]()
        for (index, body) in objects.enumerated() {
            offsets.append(out.count)
            out += Array("\(index + 1) 0 obj\n".utf8) + body + Array("\nendobj\n".utf8)
        }
        let xref = out.count
        var table = "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets {
            let digits = String(offset)
            table += String(repeating: "0", count: 10 - digits.count) + digits + " 00000 n \n"
        }
        table += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R /Info 5 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return out + Array(table.utf8)
    }

    /// The page's drawing: every rectangle filled black in one path, then the text. PDF's
    /// origin is the bottom left, the sheet's the top left.
    static func contentStream(_ page: Page) -> String {
        let height = LabelSheet.pageHeight
        var rectangles = "", text = ""
        for shape in page.shapes {
            switch shape {
            case .rectangle(let x, let y, let width, let h):
                rectangles += "\(decimal(x)) \(decimal(height - y - h)) \(decimal(width)) \(decimal(h)) re\n"
            case .text(let x, let baseline, let size, let font, let string):
                let name = font == .regular ? "F1" : "F2"
                text += "BT /\(name) \(decimal(size)) Tf \(decimal(x)) \(decimal(height - baseline)) Td \(literal(string)) Tj ET\n"
            }
        }
        return "0 g\n" + rectangles + (rectangles.isEmpty ? "" : "f\n") + text
    }

    /// A PDF literal string: `(…)` with '\', '(' and ')' escaped. `text` is printable ASCII.
    static func literal(_ text: String) -> String {
        var out = "("
        for character in text {
            if "\\()".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out + ")"
    }
}
