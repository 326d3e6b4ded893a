import Foundation

/// One language's words and formats: every text a printed document or a label carries, read
/// from the JSON catalogs in Resources/catalogs (`<domain>.<language>.json`, docs/LANGUAGES.md).
/// No translated text lives in Swift code; code names a key, the catalog holds the words.
///
/// A key missing from the catalog renders as `⟦key⟧`, so that a gap shows on the page instead of
/// vanishing; the catalog test fails before such a gap ships.
public struct Catalog: Sendable {
    public let language: Language
    /// Plain entries: key → text with `{name}` placeholders.
    let texts: [String: String]
    /// Counted entries: key → plural category ("one", "other") → text with `{count}`.
    let plurals: [String: [String: String]]

    /// The catalog of `language`, read once from the resources.
    public static func of(_ language: Language) -> Catalog {
        switch language {
        case .vi: loadedVietnamese
        case .en: loadedEnglish
        }
    }

    private static let loadedVietnamese = load(.vi)
    private static let loadedEnglish = load(.en)

    /// Reads every `*.<language>.json` file of the catalogs folder. The catalogs ship inside the
    /// binary's resource bundle and a test reads each one, so a file that cannot be read is a
    /// broken build, not a user error.
    static func load(_ language: Language) -> Catalog {
        var texts = [String: String](), plurals = [String: [String: String]]()
        for (key, value) in CatalogFiles.entries(language) {
            switch value {
            case .text(let text): texts[key] = text
            case .counted(let forms): plurals[key] = forms
            }
        }
        return Catalog(language: language, texts: texts, plurals: plurals)
    }

    /// The text of `key` with each `{name}` replaced by `arguments[name]`.
    public func text(_ key: String, _ arguments: [String: String] = [:]) -> String {
        guard let text = texts[key] else { return Self.missing(key) }
        return Self.fill(text, arguments)
    }

    /// The counted text of `key` in the plural form `count` takes in this language, `{count}`
    /// written with `number(_:)`.
    public func count(_ key: String, _ count: Int, _ arguments: [String: String] = [:]) -> String {
        guard let forms = plurals[key], let text = forms[language.pluralCategory(count)] ?? forms["other"] else {
            return Self.missing(key)
        }
        return Self.fill(text, arguments.merging(["count": number(count)]) { given, _ in given })
    }

    /// `value` with the language's thousands separator: vi 7.100, en 7,100.
    public func number(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped += text("format.number.group") }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    /// The day as a record writes it: vi "ngày 06 tháng 12 năm 2026", en "6 December 2026".
    public func longDate(_ date: Date, timeZone: TimeZone) -> String { format("format.date.long", date, timeZone) }

    /// The time of day as a record writes it: vi "14 giờ 30 phút", en "14:30".
    public func clockTime(_ date: Date, timeZone: TimeZone) -> String { format("format.time.clock", date, timeZone) }

    /// A date and time in a table: vi "14:30 06/12/2026", en "2026-12-06 14:30".
    public func dateTime(_ date: Date, timeZone: TimeZone) -> String { format("format.datetime.short", date, timeZone) }

    /// The whole catalog's plain texts nested by the dots of their keys, for templates:
    /// `{{t.common.type.simbox}}` with `t` bound to this value.
    public func templateWords() -> [String: Any] {
        var root = [String: Any]()
        for (key, text) in texts {
            Self.insert(text, at: key.split(separator: ".").map(String.init)[...], into: &root)
        }
        return root
    }

    private static func insert(_ text: String, at path: ArraySlice<String>, into node: inout [String: Any]) {
        guard let head = path.first else { return }
        if path.count == 1 { node[head] = text; return }
        var child = node[head] as? [String: Any] ?? [:]
        insert(text, at: path.dropFirst(), into: &child)
        node[head] = child
    }

    /// Fills a date pattern's fields: {d} {dd} {M} {MM} {month} {yyyy} {H} {HH} {mm} {ss}.
    private func format(_ key: String, _ date: Date, _ timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        let month = c.month ?? 1
        return text(key, ["d": String(c.day ?? 0), "dd": two(c.day), "M": String(month), "MM": two(month),
                          "month": text(Self.monthNameKeys[month - 1]), "yyyy": String(c.year ?? 0),
                          "H": String(c.hour ?? 0), "HH": two(c.hour), "mm": two(c.minute), "ss": two(c.second)])
    }

    static let monthNameKeys = [
        "format.month.january", "format.month.february", "format.month.march", "format.month.april",
        "format.month.may", "format.month.june", "format.month.july", "format.month.august",
        "format.month.september", "format.month.october", "format.month.november", "format.month.december",
    ]

    static func missing(_ key: String) -> String { "⟦\(key)⟧" }

    /// `text` with every `{name}` that `arguments` holds replaced; other braces stay.
    static func fill(_ text: String, _ arguments: [String: String]) -> String {
        guard text.contains("{") else { return text }
        var out = "", rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}"), let value = arguments[String(rest[rest.index(after: open)..<close])] else {
                out.append("{")
                rest = rest[rest.index(after: open)...]
                continue
            }
            out += value
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }
}

extension Language {
    /// The CLDR plural category of `count`: English "one" for 1, else "other"; Vietnamese has
    /// one form only ("other").
    func pluralCategory(_ count: Int) -> String {
        switch self {
        case .en: count == 1 ? "one" : "other"
        case .vi: "other"
        }
    }

    /// The plural categories a counted entry must give in this language.
    public var pluralCategories: [String] {
        switch self {
        case .en: ["one", "other"]
        case .vi: ["other"]
        }
    }
}

/// The catalog files as they are stored: read and checked by `Catalog` and by the catalog test.
public enum CatalogFiles {
    /// One entry's value: plain text or counted forms.
    public enum Value: Equatable, Sendable {
        case text(String)
        case counted([String: String])
    }

    /// The folder of catalog files in the resource bundle.
    public static var folder: URL {
        guard let url = Bundle.module.url(forResource: "catalogs", withExtension: nil) else {
            fatalError("Custody's resource bundle has no catalogs folder: the build is incomplete; rebuild Custody")
        }
        return url
    }

    /// The catalog files of `language`, by file name.
    public static func files(_ language: Language) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".\(language.rawValue).json") }.sorted().map { folder.appendingPathComponent($0) }
    }

    /// Every entry of `language`'s files. A file that is not a JSON object of texts and counted
    /// forms stops the program: the catalogs are part of the build, and the catalog test reads them.
    public static func entries(_ language: Language) -> [(key: String, value: Value)] {
        files(language).flatMap { file -> [(key: String, value: Value)] in
            do { return try entries(in: Data(contentsOf: file)) } catch {
                fatalError("catalog \(file.lastPathComponent) is unreadable (\(error)): the build is broken; fix the file")
            }
        }
    }

    /// The entries of one catalog file's bytes, in file order of keys (sorted).
    public static func entries(in data: Data) throws -> [(key: String, value: Value)] {
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CatalogFileError("not a JSON object")
        }
        return try object.keys.sorted().map { key in
            switch object[key] {
            case let text as String: return (key, .text(text))
            case let forms as [String: String]: return (key, .counted(forms))
            default: throw CatalogFileError("\(key) is neither a text nor an object of plural forms")
            }
        }
    }
}

public struct CatalogFileError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
