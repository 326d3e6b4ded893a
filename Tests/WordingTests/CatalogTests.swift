import Foundation
import Testing
@testable import Wording

/// The catalogs are complete and every key is used: the rules docs/LANGUAGES.md states.
@Suite struct CatalogFileTests {
    /// Every catalog entry of every language: language → key → value.
    static let entries: [Language: [String: CatalogFiles.Value]] = Dictionary(uniqueKeysWithValues: Language.allCases.map { language in
        (language, Dictionary(CatalogFiles.entries(language).map { ($0.key, $0.value) }) { first, _ in first })
    })

    static var allKeys: Set<String> { Set(entries.values.flatMap(\.keys)) }

    @Test func everyLanguageHasEveryKey() {
        for language in Language.allCases {
            let missing = Self.allKeys.subtracting(Self.entries[language]!.keys).sorted()
            #expect(missing.isEmpty, "catalog \(language.rawValue) lacks \(missing)")
        }
        #expect(Self.allKeys.count > 30)
    }

    @Test func eachFileHoldsOnlyItsDomainsKeysOnce() throws {
        for language in Language.allCases {
            var seen = Set<String>()
            for file in CatalogFiles.files(language) {
                let domain = String(file.lastPathComponent.split(separator: ".")[0])
                for (key, _) in try CatalogFiles.entries(in: Data(contentsOf: file)) {
                    #expect(key.hasPrefix(domain + "."), "\(file.lastPathComponent) holds \(key), outside its domain \(domain)")
                    #expect(seen.insert(key).inserted, "\(key) is in two \(language.rawValue) files")
                }
            }
        }
    }

    @Test func countedEntriesGiveTheLanguagesPluralFormsAndPlaceholdersAgree() {
        for key in Self.allKeys.sorted() {
            var placeholders = [Language: Set<String>]()
            for language in Language.allCases {
                switch Self.entries[language]![key] {
                case .text(let text)?:
                    #expect(Self.entries.values.allSatisfy { if case .counted = $0[key] { false } else { true } },
                            "\(key) is counted in one language and plain text in another")
                    placeholders[language] = Self.placeholders(text)
                case .counted(let forms)?:
                    #expect(Set(forms.keys) == Set(language.pluralCategories), "\(key) in \(language.rawValue) gives \(forms.keys.sorted()), the language needs \(language.pluralCategories)")
                    #expect(forms.values.allSatisfy { $0.contains("{count}") }, "\(key) in \(language.rawValue) has a form without {count}")
                    placeholders[language] = forms.values.reduce(into: Set<String>()) { $0.formUnion(Self.placeholders($1)) }
                case nil: break
                }
            }
            // A date pattern picks its own fields ("{dd}/{MM}" or "{d} {month}"); other texts fill the same ones.
            #expect(key.hasPrefix("format.") || Set(placeholders.values).count <= 1, "\(key) has different placeholders across languages: \(placeholders)")
        }
    }

    @Test func noKeyIsAPrefixOfAnother() {
        let keys = Self.allKeys
        for key in keys {
            var parts = key.split(separator: ".").dropLast()
            while !parts.isEmpty {
                #expect(!keys.contains(parts.joined(separator: ".")), "\(parts.joined(separator: ".")) is both a key and a prefix of \(key)")
                parts = parts.dropLast()
            }
        }
    }

    @Test func textsAreNFCAndNotEmpty() {
        for (language, entries) in Self.entries {
            for (key, value) in entries {
                let texts: [String] = switch value { case .text(let t): [t]; case .counted(let forms): Array(forms.values) }
                for text in texts {
                    #expect(text == text.precomposedStringWithCanonicalMapping, "\(key) in \(language.rawValue) is not NFC")
                    #expect(!text.trimmingCharacters(in: .whitespaces).isEmpty, "\(key) in \(language.rawValue) is empty")
                }
            }
        }
    }

    /// Every key appears written out in the sources (a Swift literal or a template reference):
    /// a key nothing uses is dead text in every catalog.
    @Test func everyKeyIsUsedInTheSources() throws {
        let sources = try Self.sourceTexts()
        for key in Self.allKeys.sorted() {
            #expect(sources.contains { Self.mentions($0, key) }, "no code or template uses catalog key \(key)")
        }
    }

    /// Every key the code asks for (`text("…")`, `count("…")`) or a template shows (`{{t.…}}`)
    /// is in the catalogs.
    @Test func everyKeyTheSourcesAskForExists() throws {
        let swiftCall = try Regex(#"\b(?:text|count)\(\s*"([a-z][a-z0-9-]*(?:\.[a-z0-9-]+)+)""#)
        let templateReference = try Regex(#"\{\{[#^/]?t\.([a-z0-9-]+(?:\.[a-z0-9-]+)+)\}\}"#)
        var asked = Set<String>()
        for text in try Self.sourceTexts() {
            for match in text.matches(of: swiftCall) { asked.insert(String(match.output[1].substring!)) }
            for match in text.matches(of: templateReference) { asked.insert(String(match.output[1].substring!)) }
        }
        #expect(asked.count > 10)
        let missing = asked.subtracting(Self.allKeys).sorted()
        #expect(missing.isEmpty, "the sources ask for keys no catalog has: \(missing)")
    }

    static func placeholders(_ text: String) -> Set<String> {
        Set(text.matches(of: /\{([A-Za-z]+)\}/).map { String($0.output.1) })
    }

    /// `text` names `key` as a whole: not as part of a longer key.
    static func mentions(_ text: String, _ key: String) -> Bool {
        var rest = text[...]
        while let range = rest.range(of: key) {
            let after = range.upperBound < rest.endIndex ? rest[range.upperBound] : " "
            let before = range.lowerBound > text.startIndex ? text[text.index(before: range.lowerBound)] : " "
            let keyCharacter: (Character) -> Bool = { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
            if !keyCharacter(after), after != ".", !keyCharacter(before) { return true }
            rest = rest[range.upperBound...]
        }
        return false
    }

    /// The text of every .swift and .mustache file under Sources/.
    static func sourceTexts() throws -> [String] {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        guard let walker = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil) else { return [] }
        return try walker.compactMap { $0 as? URL }.filter { ["swift", "mustache"].contains($0.pathExtension) }
            .map { try String(contentsOf: $0, encoding: .utf8) }
    }
}

@Suite struct CatalogTests {
    let vi = Catalog.of(.vi), en = Catalog.of(.en)
    /// 2026-12-06 07:30:05 UTC: 14:30 in Hanoi.
    let instant = Date(timeIntervalSince1970: 1_796_542_205)
    let hanoi = TimeZone(identifier: "Asia/Ho_Chi_Minh")!

    @Test func datesAndTimesFollowTheLanguage() {
        #expect(vi.longDate(instant, timeZone: hanoi) == "ngày 06 tháng 12 năm 2026")
        #expect(vi.clockTime(instant, timeZone: hanoi) == "14 giờ 30 phút")
        #expect(vi.dateTime(instant, timeZone: hanoi) == "14:30 06/12/2026")
        #expect(en.longDate(instant, timeZone: hanoi) == "6 December 2026")
        #expect(en.clockTime(instant, timeZone: hanoi) == "14:30")
        #expect(en.dateTime(instant, timeZone: TimeZone(identifier: "UTC")!) == "2026-12-06 07:30")
    }

    @Test func numbersGroupThousandsTheLanguagesWay() {
        #expect(vi.number(7100) == "7.100")
        #expect(en.number(7100) == "7,100")
        #expect(vi.number(1_234_567) == "1.234.567")
        #expect(en.number(999) == "999")
        #expect(en.number(-71000) == "-71,000")
    }

    @Test func missingKeysShowAsMarkers() {
        #expect(vi.text("no.such.key") == "⟦no.such.key⟧")
        #expect(en.count("no.such.count", 2) == "⟦no.such.count⟧")
    }

    @Test func placeholdersAreFilledAndUnknownBracesKept() {
        #expect(Catalog.fill("{a} and {b} {c", ["a": "1", "b": "2"]) == "1 and 2 {c")
        #expect(Catalog.fill("{x}", [:]) == "{x}")
    }

    @Test func commonWordsNameTypesAndIdentifiers() {
        #expect(vi.itemTypeName("simbox") == "thiết bị SIM box")
        #expect(en.itemTypeName("simlot") == "SIM lot")
        #expect(vi.itemTypeName("crate") == "crate")
        #expect(vi.identifierName("seal") == "Số niêm phong")
        #expect(en.identifierName("serial") == "S/N")
        #expect(vi.itemKind(type: "simbox", make: "Hybertone", model: "GoIP-8") == "thiết bị SIM box, Hybertone GoIP-8")
        #expect(en.itemKind(type: "phone", make: nil, model: nil) == "phone")
    }

    @Test func templateWordsNestByTheKeysDots() throws {
        let words = en.templateWords()
        let common = try #require(words["common"] as? [String: Any])
        let types = try #require(common["type"] as? [String: Any])
        #expect(types["simbox"] as? String == "SIM box")
    }

    @Test func languageOptionsParseAndRefuseClearly() throws {
        #expect(try Language(option: "VI") == .vi)
        #expect(throws: UnknownLanguage.self) { try Language(option: "fr") }
        #expect(UnknownLanguage(given: "fr").description == "unknown language \"fr\": Custody writes documents in vi, en; pass one of them")
        #expect(Language.defaultForNewCase(timeZone: TimeZone(identifier: "Asia/Ho_Chi_Minh")!) == .vi)
        #expect(Language.defaultForNewCase(timeZone: TimeZone(identifier: "Europe/Berlin")!) == .en)
    }
}
