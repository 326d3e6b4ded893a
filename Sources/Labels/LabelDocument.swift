/// The file formats a label sheet is written in.
public enum LabelFormat: String, Sendable, CaseIterable {
    /// PDF 1.4, one A4 page per `LabelSheet.labelsPerPage` labels.
    case pdf
    /// SVG 1.1, one A4 sheet.
    case svg

    /// The format `path`'s extension names (any letter case), nil for any other.
    public init?(path: String) {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        self.init(rawValue: path[path.index(after: dot)...].lowercased())
    }
}

/// A label sheet ready to write: the file's bytes and its number of pages.
public struct LabelDocument: Sendable {
    public var bytes: [UInt8]
    public var pages: Int

    /// Lays `labels` out (`LabelSheet`) and writes them as `format`. The same labels give the
    /// same bytes (no time stamp in the file).
    public init(_ labels: [ExhibitLabel], format: LabelFormat, title: String) throws(LabelError) {
        if format == .svg, labels.count > LabelSheet.labelsPerPage { throw .svgHoldsOneSheet(labels: labels.count) }
        let fonts = try LabelFonts.installed()
        let sheets = try LabelSheet.pages(labels, fonts: fonts)
        pages = sheets.count
        bytes = switch format {
        case .pdf: PDFWriter.document(sheets, fonts: fonts, title: LabelText.printed(title))
        case .svg: SVGWriter.document(sheets.first ?? Page(), fonts: fonts, title: LabelText.printed(title))
        }
    }
}
