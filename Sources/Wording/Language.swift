import Foundation

/// A language Custody writes its documents in: the case's language (`custody case init
/// --language`), or the one a command is asked for with `--lang`. Each has a message catalog
/// (`Catalog`) in Resources/catalogs.
public enum Language: String, CaseIterable, Sendable, Codable {
    /// Vietnamese: the language of proceedings in Vietnam (Criminal Procedure Code 2015, Art. 29).
    case vi
    case en

    /// Parses a `--language`/`--lang` value ("vi", "en"; case-insensitive).
    public init(option: String) throws(UnknownLanguage) {
        guard let language = Language(rawValue: option.lowercased()) else { throw UnknownLanguage(given: option) }
        self = language
    }

    /// The language a new case gets when `--language` is not given: Vietnamese on a machine set
    /// to Vietnam's time zone, else English.
    public static func defaultForNewCase(timeZone: TimeZone = .current) -> Language {
        timeZone.identifier == "Asia/Ho_Chi_Minh" || timeZone.identifier == "Asia/Saigon" ? .vi : .en
    }

    /// "vi, en": the languages as an error message lists them.
    public static var availableText: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// A `--language`/`--lang` value that names no catalog.
public struct UnknownLanguage: Error, CustomStringConvertible, Sendable {
    public let given: String
    public var description: String {
        "unknown language \"\(given)\": Custody writes documents in \(Language.availableText); pass one of them"
    }
}
