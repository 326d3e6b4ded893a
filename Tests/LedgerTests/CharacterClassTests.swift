import Testing
import Ledger

/// LEDGER.md's "control character" (general category Cc) and "Unicode space" (White_Space),
/// as examiner ids and key names apply them.
@Suite struct CharacterClassTests {
    static let key = try! StationKey(name: "lab.example/custody/station-1", seed: Array(0..<32))

    static func body(examiner: String) -> [UInt8] {
        LedgerEntry(sequence: 1, time: LedgerTime(millisecondsSince1970: 0), examiner: examiner, station: key.keyID, action: .custodyNote,
                    subjects: ["X"], payload: [:], previousHash: .zero).canonicalBody
    }

    @Test(arguments: ["\u{0}", "\u{1F}", "\u{7F}", "\u{80}", "\u{85}", "\u{9F}"])
    func anExaminerWithAControlCharacterIsRefused(_ control: String) {
        #expect(throws: EntryError.invalidField("examiner", "must be non-empty without control characters")) {
            try LedgerEntry(body: Self.body(examiner: "E" + control + "1"))
        }
    }

    @Test(arguments: ["\u{A0}", "\u{AD}", "\u{200B}", "\u{2028}", "é"])
    func otherCharactersAreNotControlCharacters(_ other: String) throws {
        #expect(try LedgerEntry(body: Self.body(examiner: "E" + other + "1")).examiner == "E" + other + "1")
    }

    @Test(arguments: [" ", "\u{85}", "\u{A0}", "\u{1680}", "\u{2000}", "\u{200A}", "\u{2028}", "\u{2029}", "\u{202F}", "\u{205F}", "\u{3000}",
                      "\u{7F}", "\u{9F}", "+"])
    func aKeyNameWithAUnicodeSpaceAControlCharacterOrAPlusIsRefused(_ bad: String) {
        #expect(throws: KeyError.self) { try VerifierKey(name: "lab" + bad + "example", publicKey: Self.key.verifierKey.publicKey) }
    }

    @Test(arguments: ["\u{200B}", "\u{180E}", "\u{FEFF}", "é"])
    func charactersOutsideWhiteSpaceAreAllowedInKeyNames(_ other: String) throws {
        #expect(try VerifierKey(name: "lab" + other + "example", publicKey: Self.key.verifierKey.publicKey).name == "lab" + other + "example")
    }
}
