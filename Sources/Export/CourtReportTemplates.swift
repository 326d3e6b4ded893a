import Foundation
import Mustache
import Wording

/// The report's Mustache templates and style sheet (Resources/report, docs/REPORT.md), loaded
/// once from the module's bundle. `page` is the report; the others are its partials, each named
/// by its file name without the extension; `style.css` is the partial `style`. `operator-letter`
/// is a page of its own, the letter of `custody export-operators` (OperatorLetter.swift).
struct ReportTemplates: Sendable {
    static let shared = ReportTemplates()

    private let library: MustacheLibrary

    private init() {
        guard let folder = Bundle.module.url(forResource: "report", withExtension: nil),
              let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
            preconditionFailure("the court report's templates are missing from Custody's resource bundle: reinstall Custody")
        }
        var library = MustacheLibrary()
        for name in names where name.hasSuffix(".mustache") || name == "style.css" {
            let file = folder.appendingPathComponent(name)
            do {
                let text = try String(contentsOf: file, encoding: .utf8)
                library.register(try MustacheTemplate(string: text), named: name == "style.css" ? "style" : String(name.dropLast(".mustache".count)))
            } catch {
                preconditionFailure("the court report's template \(name) does not load (\(error)): reinstall Custody")
            }
        }
        self.library = library
    }

    /// `view` through the template `name`.
    func render(_ view: Any, _ name: String) -> String {
        guard let text = library.render(view, withTemplate: name) else {
            preconditionFailure("the court report's template \(name) is missing: reinstall Custody")
        }
        return text
    }

    /// The report page, with the marks of page.mustache (`<!--body-->`, `<!--cut-->`,
    /// `<!--cut:N-->`) taken out and recorded as offsets. Values are escaped by the engine, so
    /// no `<` of the case's text can form a mark. The text between marks is copied in runs, and
    /// a table's closing and reopening HTML is rendered once for all its cuts.
    func document(_ view: ReportView) -> ReportDocument {
        let marked = Array(render(view, "page").utf8)
        let tables = Dictionary(view.exhibits.compactMap(\.simTable).map { ($0.index, $0) }, uniquingKeysWith: { a, _ in a })
        var tableCuts = [Int: (close: String, reopen: String)]()
        var html = [UInt8]()
        html.reserveCapacity(marked.count)
        var bodyMarks = [Int]()
        var cuts = [ReportCut]()
        let open = Array("<!--".utf8), close = Array("-->".utf8)
        var i = 0
        while i < marked.count {
            let next = marked[i...].firstIndex(of: open[0]) ?? marked.count
            html.append(contentsOf: marked[i..<next])
            i = next
            guard i < marked.count else { break }
            guard marked[i...].starts(with: open), let end = TagScanner.find(close, in: marked, from: i + open.count) else {
                html.append(marked[i])
                i += 1
                continue
            }
            let mark = String(decoding: marked[(i + open.count)..<end], as: UTF8.self)
            if mark == "body" {
                bodyMarks.append(html.count)
            } else if mark == "cut" {
                cuts.append(ReportCut(offset: html.count, close: "", reopen: ""))
            } else if mark.hasPrefix("cut:"), let index = Int(mark.dropFirst(4)), let table = tables[index] {
                if tableCuts[index] == nil {
                    let context = TableCutContext(table: table, t: view.t)
                    tableCuts[index] = (render(context, "sims-cut"), render(context, "sims-continued"))
                }
                let (closeTable, reopenTable) = tableCuts[index]!
                cuts.append(ReportCut(offset: html.count, close: closeTable, reopen: reopenTable))
            } else {
                preconditionFailure("the court report's templates hold an unknown mark <!--\(mark)-->")
            }
            i = end + close.count
        }
        precondition(bodyMarks.count == 2, "page.mustache marks the body's start and end")
        return ReportDocument(html: String(decoding: html, as: UTF8.self), language: Language(rawValue: view.lang) ?? .en,
                              bodyStart: bodyMarks[0], bodyEnd: bodyMarks[1], cuts: cuts)
    }
}

/// What `sims-cut` and `sims-continued` see: the table, and the catalog's words (`t`) that the
/// page gives its other templates from the top of the view.
private struct TableCutContext: MustacheParent {
    let table: ReportView.SIMTable
    let t: [String: Any]

    func child(named name: String) -> Any? { name == "t" ? t : table.child(named: name) }
}
