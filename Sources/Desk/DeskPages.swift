import CaseStore
import Foundation
import Hummingbird
import Mustache
import Wording
import Workbench

/// The desk's pages: every `Resources/desk/*.mustache` template, loaded once. A page is its
/// template rendered, then put into `layout` (header with the examiner, role and language
/// switch, the navigation, the page's title). Templates take their words from the Wording
/// catalogs as `{{t.desk.…}}` (the `desk.*` keys); Mustache escapes every value, so text from
/// the case never becomes markup.
public struct DeskPages: Sendable {
    private let library: MustacheLibrary
    /// The catalogs' words nested by their keys' dots, one tree per language.
    private let words: Words

    /// The catalogs' template trees: built once, read by every render (the trees are never
    /// mutated after init, hence unchecked).
    struct Words: @unchecked Sendable {
        let byLanguage: [Language: [String: Any]]
    }

    init() {
        let folder = DeskResources.folder
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
            preconditionFailure("the desk's templates are missing from Custody's resource bundle: reinstall Custody")
        }
        var library = MustacheLibrary()
        for name in names where name.hasSuffix(".mustache") {
            do {
                let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
                library.register(try MustacheTemplate(string: text), named: String(name.dropLast(".mustache".count)))
            } catch {
                preconditionFailure("the desk's template \(name) does not load (\(error)): reinstall Custody")
            }
        }
        self.library = library
        words = Words(byLanguage: Dictionary(uniqueKeysWithValues: Language.allCases.map { ($0, Catalog.of($0).templateWords()) }))
    }

    /// `view` through template `name`, with the words of `language` as `t`.
    func render(_ name: String, _ view: [String: Any], language: Language) -> String {
        var view = Self.plain(view) as? [String: Any] ?? [:]
        view["t"] = words.byLanguage[language]
        guard let text = library.render(view, withTemplate: name) else {
            preconditionFailure("the desk's template \(name) is missing: reinstall Custody")
        }
        return text
    }

    /// `value` as dictionaries, arrays and scalars only, nil optionals left out: swift-mustache
    /// looks a name up in a struct through `Mirror`, at every lookup and at every level of the
    /// context stack, which took 62 % of the desk's CPU on item pages (perf, scale 1); here each
    /// struct is reflected once. The lookups' results are the same: a nil optional is a missing
    /// name either way.
    static func plain(_ value: Any) -> Any? {
        // Scalars first: concrete casts are cheap, a Mirror is not.
        if value is String || value is Bool || value is Int || value is Int64 || value is Double { return value }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional: return mirror.children.first.flatMap { plain($0.value) }
        case .struct:
            var fields = [String: Any]()
            for child in mirror.children {
                if let label = child.label, let field = plain(child.value) { fields[label] = field }
            }
            return fields
        case .collection: return mirror.children.compactMap { plain($0.value) }
        case .dictionary: return (value as? [String: Any])?.compactMapValues(plain) ?? value
        default: return value
        }
    }

    /// Page `name` with `view`, in the layout, as the response: `title` is the catalog key of
    /// the page's title. Signed in: the layout shows the examiner, the language switch and the
    /// navigation the examiner's role may use.
    func response(_ name: String, title: String, view: [String: Any], context: DeskContext, status: HTTPResponse.Status) -> Response {
        let language = context.signedIn?.language ?? context.desk.caseLanguage
        let catalog = Catalog.of(language)
        var layout: [String: Any] = [
            "title": catalog.text(title),
            "language": language.rawValue,
            "csrf": context.csrfToken,
            "path": context.path,
            "caseName": context.desk.store.caseRecord.name,
        ]
        var page = view
        page["csrf"] = context.csrfToken
        layout["content"] = render(name, page, language: language)
        if let user = context.signedIn {
            layout["user"] = ["id": user.id, "name": user.name, "role": catalog.text(Self.roleKey(user.role))]
            layout["languages"] = Language.allCases.map { ["code": $0.rawValue, "name": catalog.text(Self.languageKey($0)),
                                                            "current": $0 == language] }
            layout["nav"] = DeskNavigation.entries.filter { user.may($0.permission) }.map { ["path": $0.path, "name": catalog.text($0.wordingKey)] }
        }
        return Self.html(render("layout", layout, language: language), status: status)
    }

    /// The catalog key of a role's name.
    static func roleKey(_ role: ExaminerRole) -> String {
        switch role {
        case .technician: "desk.role.technician"
        case .clerk: "desk.role.clerk"
        case .supervisor: "desk.role.supervisor"
        case .prosecutor: "desk.role.prosecutor"
        }
    }

    /// The catalog key of a language's name, as the language switch shows it.
    static func languageKey(_ language: Language) -> String {
        switch language {
        case .vi: "desk.language.vi"
        case .en: "desk.language.en"
        }
    }

    static func html(_ text: String, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// The layout's navigation: a page that wants a link adds its entry here (path, catalog key of
/// its name, the permission its route needs; a link shows only to roles that hold it).
public enum DeskNavigation {
    public struct Entry: Sendable {
        public var path: String
        public var wordingKey: String
        public var permission: Permission
    }

    public static let entries: [Entry] = [
        Entry(path: "/", wordingKey: "desk.nav.home", permission: .read),
        Entry(path: "/station", wordingKey: "desk.nav.station", permission: .read),
        Entry(path: "/audits", wordingKey: "desk.nav.audits", permission: .read),
        Entry(path: "/disposals", wordingKey: "desk.nav.disposals", permission: .read),
        Entry(path: "/search", wordingKey: "desk.nav.search", permission: .read),
        Entry(path: "/tree", wordingKey: "desk.nav.tree", permission: .read),
        Entry(path: "/locations", wordingKey: "desk.nav.locations", permission: .read),
        Entry(path: "/readers", wordingKey: "desk.nav.readers", permission: .readCards),
        Entry(path: "/bundles", wordingKey: "desk.nav.bundles", permission: .download),
        Entry(path: "/examiners", wordingKey: "desk.nav.examiners", permission: .manageUsers),
    ]
}
