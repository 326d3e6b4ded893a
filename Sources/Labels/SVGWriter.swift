import PDFText

/// One label sheet as an SVG 1.1 document, A4, the same shapes as the PDF: a white page, the
/// QR modules as one black path, text in the label fonts' family (DejaVu Sans, else the
/// closest sans-serif the viewer has; the SVG names the font, it does not embed it).
enum SVGWriter {
    static func document(_ page: Page, fonts: LabelFonts, title: String) -> [UInt8] {
        let decimal = PDFSyntax.number
        let width = decimal(LabelSheet.pageWidth), height = decimal(LabelSheet.pageHeight)
        var path = "", text = ""
        for shape in page.shapes {
            switch shape {
            case .rectangle(let x, let y, let w, let h):
                path += "M\(decimal(x)) \(decimal(y))h\(decimal(w))v\(decimal(h))h\(decimal(-w))z"
            case .text(let x, let baseline, let size, let font, let string):
                let weight = font == .bold ? " font-weight=\"bold\"" : ""
                text += "<text x=\"\(decimal(x))\" y=\"\(decimal(baseline))\" font-size=\"\(decimal(size))\"\(weight)>\(escaped(string))</text>\n"
            }
        }
        let svg = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="210mm" height="297mm" viewBox="0 0 \(width) \(height)">
            <title>\(escaped(title))</title>
            <rect width="\(width)" height="\(height)" fill="#fff"/>
            <path fill="#000" shape-rendering="crispEdges" d="\(path)"/>
            <g font-family="\(escaped(fonts.regular.familyName)), sans-serif" fill="#000">
            \(text)</g>
            </svg>

            """
        return Array(svg.utf8)
    }

    /// `text` with the five XML special characters as entities.
    static func escaped(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(character)
            }
        }
        return out
    }
}
