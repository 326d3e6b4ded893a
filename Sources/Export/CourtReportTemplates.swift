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
        MustacheContentTypes.register(ReportHTML(), named: ReportHTML.name)
        var library = MustacheLibrary()
        for name in names where name.hasSuffix(".mustache") || name == "style.css" {
            let file = folder.appendingPathComponent(name)
            do {
                // The pragma alone on a line of its own, which the engine drops with its line end.
                let text = "{{% CONTENT_TYPE: \(ReportHTML.name) }}\n" + (try String(contentsOf: file, encoding: .utf8))
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

    /// The report, as `emit` is handed it in order: the page with the marks of page.mustache
    /// (`<!--body-->`, `<!--cut-->`, `<!--cut:N-->`) taken out and handed on as `.bodyStart`,
    /// `.bodyEnd` and `.cut`, and at `<!--exhibits-->` and `<!--sms-reads-->` the exhibits'
    /// sections and the SMS section's reads, each rendered on its own as the builder makes them
    /// (a cut between two). Values are escaped by the engine, so no `<` of the case's text can
    /// form a mark. Nothing but one section's text is held, whatever the size of the case.
    func render(_ content: ReportContent, language: Language, tool: ToolIdentity, verification: ReportVerificationFacts, time: Date,
                emit: (ReportPiece) throws -> Void) throws {
        let view = ReportView(content: content, language: language, tool: tool, verification: verification, time: time)
        let builder = ReportViewBuilder(content: content, wording: ReportWording(language, timeZone: content.caseRecord.timeZone))
        var bodyMarks = 0
        try scan(render(view, "page"), table: nil, t: view.t, emit: emit) { mark in
            switch mark {
            case "body":
                try emit(bodyMarks == 0 ? .bodyStart : .bodyEnd)
                bodyMarks += 1
            case "exhibits":
                var first = true
                try builder.forEachExhibit { exhibit in
                    if !first { try emit(.cut(close: "", reopen: "")) }
                    first = false
                    try scan(render(Section(view: exhibit, frame: view), "exhibit"), table: exhibit.simTable, t: view.t, emit: emit) { _ in false }
                }
            case "sms-reads":
                var first = true
                try builder.forEachSMSRead { read in
                    if !first { try emit(.cut(close: "", reopen: "")) }
                    first = false
                    try scan(render(Section(view: read, frame: view), "sms-read"), table: nil, t: view.t, emit: emit) { _ in false }
                }
            default:
                return false
            }
            return true
        }
        precondition(bodyMarks == 2, "page.mustache marks the body's start and end")
    }

    /// Hands `marked` to `emit` as text between its marks: `<!--cut-->`, `<!--cut:N-->` of
    /// `table` (its closing and reopening HTML rendered once), and any other mark to `other`,
    /// which says whether it knows it.
    private func scan(_ rendered: String, table: ReportView.SIMTable?, t: [String: Any], emit: (ReportPiece) throws -> Void,
                      other: (String) throws -> Bool) throws {
        let marked = Array(rendered.utf8)
        var tableCut: ReportPiece? = nil
        let open = Array("<!--".utf8), close = Array("-->".utf8)
        var i = 0, text = 0
        while i < marked.count {
            i = marked[i...].firstIndex(of: open[0]) ?? marked.count
            guard i < marked.count else { break }
            guard marked[i...].starts(with: open), let end = TagScanner.find(close, in: marked, from: i + open.count) else {
                i += 1
                continue
            }
            if text < i { try emit(.text(marked[text..<i])) }
            let mark = String(decoding: marked[(i + open.count)..<end], as: UTF8.self)
            if mark == "cut" {
                try emit(.cut(close: "", reopen: ""))
            } else if mark.hasPrefix("cut:"), let table, Int(mark.dropFirst(4)) == table.index {
                if tableCut == nil {
                    let context = Section(view: table, frame: ["t": t])
                    tableCut = .cut(close: render(context, "sims-cut"), reopen: render(context, "sims-continued"))
                }
                try emit(tableCut!)
            } else if try !other(mark) {
                preconditionFailure("the court report's templates hold an unknown mark <!--\(mark)-->")
            }
            i = end + close.count
            text = i
        }
        if text < marked.count { try emit(.text(marked[text...])) }
    }
}

/// What the report's renderer hands on (`ReportTemplates.render`), in order.
enum ReportPiece {
    /// Text of the page.
    case text(ArraySlice<UInt8>)
    /// Where the body starts and ends (page.mustache's `<!--body-->` marks).
    case bodyStart, bodyEnd
    /// A place where the body may end one part document and start the next, with the HTML that
    /// closes the elements still open there and reopens them (`ReportCut`).
    case cut(close: String, reopen: String)
}

/// A section rendered on its own (an exhibit, an SMS read, a SIM table's cut): its own members,
/// and the page's (the catalog's words `t`, …) behind them, as the engine would find them in
/// the page's context stack.
private struct Section<View: MustacheParent>: MustacheParent {
    let view: View
    let frame: any MustacheParent

    func child(named name: String) -> Any? { view.child(named: name) ?? frame.child(named: name) }
}

/// The engine's HTML escaping (`<`, `>`, `&`, `"`, `'` as `&lt;`, `&gt;`, `&amp;`, `&quot;`,
/// `&#39;`; nothing else), made over UTF-8 bytes: the engine's own looks every character up in a
/// dictionary, and at ten times the seizure (≈ 100 MB of report) that was a sixth of the report's
/// time. A value without any of the five is handed back as it is. Every report template is
/// parsed with it (`ReportTemplates`, the `CONTENT_TYPE` pragma), so the engine still escapes
/// every value it prints. One difference, on the safe side: the engine compares whole
/// characters, so it leaves a quote that carries a combining mark (one character to Swift, a
/// quote to an HTML parser) as it is, which is why attribute values are also cut into pieces
/// (`AttributeText`); this escapes every one of the five bytes.
struct ReportHTML: MustacheContentType {
    static let name = "CUSTODY_REPORT_HTML"

    func escapeText(_ text: String) -> String {
        guard text.utf8.contains(where: Self.needsEscape) else { return text }
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "<"): out.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): out.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "&"): out.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "\""): out.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "'"): out.append(contentsOf: "&#39;".utf8)
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "&") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
    }
}
