import PDFText

/// The label sheet (docs/LABELS.md): A4 pages of 3 × 8 labels of 63.5 × 33.9 mm, the common
/// 24-up self-adhesive stock. Positions are in points (1/72 inch) from the top left of the page;
/// the PDF and SVG writers draw the same shapes.
public enum LabelSheet {
    static let millimetre = 72 / 25.4
    static let pageWidth = 210 * millimetre
    static let pageHeight = 297 * millimetre
    public static let columns = 3
    public static let rows = 8
    public static let labelsPerPage = columns * rows
    static let labelWidth = 63.5 * millimetre
    static let labelHeight = 33.9 * millimetre
    static let leftMargin = 7.25 * millimetre
    static let topMargin = 12.9 * millimetre
    static let columnGap = 2.5 * millimetre

    /// The QR code's square, its quiet zone of `quietZoneModules` light modules included, at the
    /// label's top left.
    static let qrSide = 27 * millimetre
    static let quietZoneModules = 4
    /// The text column right of the QR code.
    static let textLeft = 28 * millimetre
    static let textRight = 61.5 * millimetre
    static let textTop = 2.5 * millimetre
    /// The case line along the bottom of the label.
    static let caseLeft = 2.5 * millimetre
    static let caseBaseline = 31.6 * millimetre

    /// Top left corner of label `index` (0-based, row by row) on its page.
    static func origin(of index: Int) -> (x: Double, y: Double) {
        let slot = index % labelsPerPage
        let column = slot % columns, row = slot / columns
        return (leftMargin + Double(column) * (labelWidth + columnGap), topMargin + Double(row) * labelHeight)
    }

    /// The pages, `labelsPerPage` labels each, filled row by row from the top left, text
    /// measured with `fonts`. A character the fonts have no glyph for refuses the whole sheet.
    static func pages(_ labels: [ExhibitLabel], fonts: LabelFonts) throws(LabelError) -> [Page] {
        var pages = [Page]()
        for (index, label) in labels.enumerated() {
            if index % labelsPerPage == 0 { pages.append(Page()) }
            let (x, y) = origin(of: index)
            let code: QRCode
            do { code = try QRCode(encoding: label.label) } catch { throw .qrCode(label: label.label, error) }
            let shapes = draw(label, code: code, fonts: fonts, x: x, y: y)
            for case .text(_, _, _, let font, let text) in shapes {
                if let scalar = fonts[font].firstMissingScalar(in: text) {
                    throw .noGlyph(scalar, text: text, font: fonts[font].familyName)
                }
            }
            pages[pages.count - 1].shapes += shapes
        }
        return pages
    }

    static func draw(_ label: ExhibitLabel, code: QRCode, fonts: LabelFonts, x: Double, y: Double) -> [Shape] {
        var shapes = [Shape]()
        let module = qrSide / Double(code.size + 2 * quietZoneModules)
        let offset = Double(quietZoneModules) * module
        for row in 0..<code.size {
            for run in code.darkRuns(row: row) {
                shapes.append(.rectangle(x: x + offset + Double(run.column) * module, y: y + offset + Double(row) * module,
                                         width: Double(run.length) * module, height: module))
            }
        }

        let width = textRight - textLeft
        var top = y + textTop
        func line(_ text: String, font: LabelFont, size: Double) {
            shapes.append(.text(x: x + textLeft, baseline: top + fonts[font].capHeightInEm * size, size: size, font: font, text))
            top += size * 1.2
        }
        let title = fitTitle(LabelText.printed(label.label), font: fonts.bold, width: width)
        for text in title.lines { line(text, font: .bold, size: title.size) }
        top += 1.5
        let kind = fitLine(LabelText.printed(label.kind), font: fonts.regular, sizes: 5.5...7, width: width)
        line(kind.text, font: .regular, size: kind.size)
        for identifier in label.keyIdentifiers {
            let fitted = fitLine(LabelText.printed("\(identifier.name) \(identifier.value)"), font: fonts.regular, sizes: 5...7, width: width)
            line(fitted.text, font: .regular, size: fitted.size)
        }
        if let location = label.location {
            let fitted = fitLine(LabelText.printed(location), font: fonts.regular, sizes: 5...7, width: width)
            line(fitted.text, font: .regular, size: fitted.size)
        }
        let caseLine = fitLine(LabelText.printed(label.caseLine), font: fonts.regular, sizes: 4.5...6, width: textRight - caseLeft)
        shapes.append(.text(x: x + caseLeft, baseline: y + caseBaseline, size: caseLine.size, font: .regular, caseLine.text))
        return shapes
    }

    /// The label in `font` (bold), as large as it can be (14 pt down to 7 pt) on at most two
    /// lines; at 7 pt a longer label takes up to four lines, the fourth cut short with "...".
    static func fitTitle(_ text: String, font: TrueTypeFont, width: Double) -> (size: Double, lines: [String]) {
        for size in stride(from: 14.0, through: 7.0, by: -0.5) {
            let lines = font.wrap(text, size: size, width: width)
            if lines.count <= 2 { return (size, lines) }
        }
        var lines = font.wrap(text, size: 7, width: width)
        if lines.count > 4 {
            lines = Array(lines.prefix(4))
            lines[3] = font.truncate(lines[3] + "...", size: 7, width: width)
        }
        return (7, lines)
    }

    /// One line at the largest size in `sizes` (steps of 0.25 pt) at which it fits, else at the
    /// smallest size cut short with "...".
    static func fitLine(_ text: String, font: TrueTypeFont, sizes: ClosedRange<Double>, width: Double) -> (size: Double, text: String) {
        for size in stride(from: sizes.upperBound, through: sizes.lowerBound, by: -0.25) where font.width(text, size: size) <= width {
            return (size, text)
        }
        return (sizes.lowerBound, font.truncate(text, size: sizes.lowerBound, width: width))
    }
}

/// What is drawn on one page.
struct Page: Sendable {
    var shapes = [Shape]()
}

/// A filled black rectangle or a line of text (NFC), in points from the page's top left.
enum Shape: Sendable, Hashable {
    case rectangle(x: Double, y: Double, width: Double, height: Double)
    case text(x: Double, baseline: Double, size: Double, font: LabelFont, String)
}

/// Why a label sheet could not be made.
public enum LabelError: Error, Sendable, Hashable, CustomStringConvertible {
    /// "U+5C01 封", or the code alone for a control or format character that would not show.
    static func name(_ scalar: Unicode.Scalar) -> String {
        let digits = String(scalar.value, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        let category = scalar.properties.generalCategory
        return [.control, .format, .surrogate, .privateUse, .unassigned].contains(category) ? code : "\(code) \(scalar)"
    }

    case qrCode(label: String, QRCodeError)
    /// An SVG file holds one sheet.
    case svgHoldsOneSheet(labels: Int)
    /// The label fonts are not installed, or cannot be read.
    case fontNotInstalled
    case font(FontError)
    /// A character on a label that the label font cannot draw.
    case noGlyph(Unicode.Scalar, text: String, font: String)

    public var description: String {
        switch self {
        case .qrCode(let label, let error):
            "cannot make the QR code of \"\(label)\": \(error)"
        case .svgHoldsOneSheet(let count):
            "an SVG file holds one sheet of \(LabelSheet.labelsPerPage) labels and \(count) were asked for: write a .pdf (one page per \(LabelSheet.labelsPerPage)) or print fewer"
        case .fontNotInstalled:
            "the label font DejaVu Sans is not installed: run Scripts/setup (Debian package fonts-dejavu-core)"
        case .font(let error):
            "\(error): reinstall the label font with Scripts/setup (Debian package fonts-dejavu-core)"
        case .noGlyph(let scalar, let text, let font):
            "cannot print \"\(text)\" on a label: the label font \(font) has no glyph for \(Self.name(scalar)); labels print Latin (all of Vietnamese), Greek and Cyrillic letters: change that text in the case"
        }
    }
}
