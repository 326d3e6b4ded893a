import Foundation
import Testing
import SIMCard

/// Every CSV Custody writes goes through `CSVText.record`, which keeps a cell from starting like
/// a formula (OWASP CSV injection) and lets `CSVText.records` give the exact value back
/// (docs/VERIFYING.md §2.3, formula guard).
@Suite struct CSVFormulaGuardTests {
    static let hostile = ["=HYPERLINK(\"http://x\",\"y\")", "+84912345678", "-5", "@SUM(A1)", "\tTAB", "\rCR", "'quoted", "'=already",
                          "''", "'", "=", "plain", "a=b", "", "x'y", "=1+2,\"q\"\nnext line", "first line\r\nsecond line"]

    @Test func aCellNeverStartsWithAFormulaCharacter() {
        #expect(CSVText.field("=1+2") == "'=1+2")
        #expect(CSVText.field("+84912345678") == "'+84912345678")
        #expect(CSVText.field("-5") == "'-5")
        #expect(CSVText.field("@x") == "'@x")
        #expect(CSVText.field("\tx") == "'\tx")
        #expect(CSVText.field("\rx") == "\"'\rx\"", "guarded first, then quoted for the CR")
        #expect(CSVText.field("'x") == "''x", "a leading apostrophe is guarded too, so it survives the round trip")
        #expect(CSVText.field("plain") == "plain")
        #expect(CSVText.field("a=b") == "a=b")
        #expect(CSVText.field("=a,b") == "\"'=a,b\"")
        // "\r\n" is one Swift Character, equal to neither "\r" nor "\n": it was written unquoted.
        #expect(CSVText.field("a\r\nb") == "\"a\r\nb\"")
        for value in Self.hostile {
            let cell = CSVText.field(value)
            let unquoted = cell.hasPrefix("\"") ? String(cell.dropFirst()) : cell
            #expect(unquoted.unicodeScalars.first.map { !["=", "+", "-", "@", "\t", "\r"].contains($0) } ?? true, "\(value)")
        }
    }

    @Test func readingGivesBackExactlyTheValueWritten() throws {
        let text = CSVText.record(["label", "note"]) + Self.hostile.map { CSVText.record([$0, $0]) }.joined()
        let records = try CSVText.records(Data(text.utf8))
        #expect(records.dropFirst().map(\.fields) == Self.hostile.map { [$0, $0] })
    }

    @Test func onlyTheGuardsOwnApostropheIsRemoved() throws {
        // A cell a spreadsheet user wrote: `'+84…` is the number as text; `'abc` keeps its `'`
        // (no value is written that way), `'` alone stays `'`.
        let records = try CSVText.records(Data("'+84912345678,'abc,',''x\r\n".utf8))
        #expect(records.first?.fields == ["+84912345678", "'abc", "'", "'x"])
        #expect(CSVText.value(ofCell: "'-5") == "-5")
        #expect(CSVText.value(ofCell: "-5") == "-5")
    }
}

extension CSVFormulaGuardTests {
    @Test func cellsKeepTheGuardAndOnlyTheCellsCustodyWritesAreGuarded() throws {
        let text = CSVText.record(["label", "note"]) + Self.hostile.map { CSVText.record([$0, $0]) }.joined()
        let written = try CSVText.cells(Data(text.utf8)).dropFirst().map(\.fields)
        #expect(written == Self.hostile.map { [CSVText.neutralised($0), CSVText.neutralised($0)] })
        #expect(written.joined().allSatisfy(CSVText.isGuarded(cell:)))
        // What a hand edit leaves: a formula without its guard, an apostrophe that is no guard.
        for cell in ["=1+2", "-5", "+84912345678", "@x", "\tx", "'x", "'"] {
            #expect(!CSVText.isGuarded(cell: cell), "\(cell)")
        }
    }
}
