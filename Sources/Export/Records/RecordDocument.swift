import Foundation
import Mustache
import Wording

/// A record (biên bản) as a document: HTML from the Mustache templates of Resources/forms,
/// printed to PDF by headless Chromium as the court report is (`CourtReport.renderPDF`), which
/// embeds the subset fonts of the page ("DejaVu Serif").
public enum RecordDocument {
    /// The templates, loaded once from the module's bundle: `record` is the page, `style.css` the partial `style`.
    private static let library: MustacheLibrary = {
        guard let folder = Bundle.module.url(forResource: "forms", withExtension: nil),
              let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
            preconditionFailure("the records' templates are missing from Custody's resource bundle: reinstall Custody")
        }
        var library = MustacheLibrary()
        for name in names where name.hasSuffix(".mustache") || name == "style.css" {
            do {
                let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
                library.register(try MustacheTemplate(string: text), named: name == "style.css" ? "style" : String(name.dropLast(".mustache".count)))
            } catch {
                preconditionFailure("the records' template \(name) does not load (\(error)): reinstall Custody")
            }
        }
        return library
    }()

    /// The record of `source` in `language`, as HTML.
    public static func html(_ source: RecordSource, language: Language) throws(RecordError) -> String {
        let view = try RecordSheet(source: source, words: Catalog.of(language)).view()
        guard let html = library.render(view, withTemplate: "record") else {
            preconditionFailure("the records' template record.mustache is missing: reinstall Custody")
        }
        return html
    }

    /// The batch receipt of `source` in `language`, as HTML.
    public static func html(_ source: ReceiptSource, language: Language) throws(RecordError) -> String {
        guard let action = source.entries.first?.entry.action, source.entries.allSatisfy({ $0.entry.action == action }),
              ReceiptSource.actions.contains(action) else {
            throw RecordError("a receipt lists the entries of one batch, all check-outs, all check-ins or all moves; nothing was written")
        }
        let view = try ReceiptSheet(source: source, words: Catalog.of(language)).view()
        guard let html = library.render(view, withTemplate: "receipt") else {
            preconditionFailure("the records' template receipt.mustache is missing: reinstall Custody")
        }
        return html
    }

    /// Prints the record of `source` in `language` to `pdf` and returns its bytes (`writePDF(page:to:)`).
    public static func writePDF(_ source: RecordSource, language: Language, to pdf: URL) throws -> Data {
        try writePDF(page: try html(source, language: language), to: pdf)
    }

    /// Prints the batch receipt of `source` in `language` to `pdf` and returns its bytes.
    public static func writePDF(_ source: ReceiptSource, language: Language, to pdf: URL) throws -> Data {
        try writePDF(page: try html(source, language: language), to: pdf)
    }

    /// Prints `page` to `pdf` and returns its bytes. The PDF is printed beside `pdf` under a
    /// temporary name and moved into place when complete, so a failed print leaves nothing behind.
    static func writePDF(page: String, to pdf: URL) throws -> Data {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("custody-record-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let htmlFile = scratch.appendingPathComponent("record.html")
        try Data(page.utf8).write(to: htmlFile)
        let partial = pdf.deletingLastPathComponent().appendingPathComponent(".\(pdf.lastPathComponent).\(UUID().uuidString).part")
        defer { try? FileManager.default.removeItem(at: partial) }
        try CourtReport.renderPDF(html: htmlFile, pdf: partial)
        let bytes = try Data(contentsOf: partial)
        do { try FileManager.default.moveItem(at: partial, to: pdf) } catch {
            throw RecordError("cannot write \(pdf.path): \(error.localizedDescription); check the folder and its permissions")
        }
        return bytes
    }
}
