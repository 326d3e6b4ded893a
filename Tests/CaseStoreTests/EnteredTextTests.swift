import CaseStore
import Foundation
import Ledger
import Testing

/// Text entering the case (issue 13 item 5d): one rule at the store's doors, a NUL or another
/// control character but tab and line breaks is refused with one line, nothing written.
@Suite struct EnteredTextTests {
    func refusal(_ body: () throws -> Void) -> String {
        do { try body(); return "no error" } catch { return "\(error)" }
    }

    @Test(arguments: Backend.all) func everyDoorRefusesTheSameWay(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try c.populate()
        let before = try c.entryCount()
        #expect(refusal { try c.store.recordEvent(.custodyNote, label: "EX-1", details: ["text": "ok\u{0}hidden"], by: "tech1") }
            == "the entry's text holds the control character U+0000 at character 3: case text may not hold control characters other than tab and line breaks; remove it and run the command again")
        #expect(refusal { try c.store.recordEvent(.custodyNote, label: "EX-1", details: ["text": "\u{1B}[2J"], by: "tech1") }
            .hasPrefix("the entry's text holds the control character U+001B at character 1"))
        // C1 too (docs/LEDGER.md's control characters): U+009B is the 8-bit CSI of some terminals.
        #expect(refusal { try c.store.recordEvent(.custodyNote, label: "EX-1", details: ["text": "x\u{9B}2J"], by: "tech1") }
            .hasPrefix("the entry's text holds the control character U+009B at character 2"))
        #expect(refusal { try c.store.correct(seq: 2, text: "bell\u{7}", by: "tech1") }.hasPrefix("the entry's text holds the control character U+0007"))
        #expect(refusal { try c.store.addExaminer(id: "tech2", name: "Le\u{7F}C", role: .technician, by: "sup1") }
            .hasPrefix("the entry's name holds the control character U+007F at character 3"))
        #expect(refusal { try c.store.recordEvent(.custodySeize, label: "EX-2", details: ["where": "a"], by: "tech1", identifiers: ["IMEI": "1\u{0}"]) }
            .hasPrefix("--identifier holds the control character U+0000"))
        let nulNote = "label,type,note\r\nPH-1,phone,\"call\u{0}me\"\r\n"
        #expect(refusal { try c.store.importDevices(csv: Data(nulNote.utf8), fileName: "n.csv", by: "sup1") }
            .hasPrefix("n.csv: line 2: note holds the control character U+0000 at character 5"))
        #expect(try c.entryCount() == before, "nothing was written")

        // Tab and line breaks are text: a note over several lines is taken.
        try c.store.recordEvent(.custodyNote, label: "EX-1", details: ["text": "line 1\nline 2\tcol\r\n"], by: "tech1")
        #expect(try c.entryCount() == before + 1)
    }

    @Test func aNewCaseRefusesControlCharacters() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("casestore-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let new = CaseStore.NewCase(name: "Op\u{0}Lotus", agency: "C03", authority: "W-1", timeZone: "Asia/Ho_Chi_Minh",
                                    examiner: .init(id: "sup1", name: "Nguyen Van A"))
        #expect(refusal { _ = try CaseStore.create(directory: dir, new) }.hasPrefix("--name holds the control character U+0000 at character 3"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/" + CaseStore.databaseName))
    }

    @Test func aReadOnlyStoreReadsAndRefusesToWrite() throws {
        let c = try TempCase(.sqlite)
        defer { c.remove() }
        try c.populate()
        let reader = try CaseStore.open(directory: c.directory, readOnly: true)
        #expect(try reader.entries().count == c.entryCount())
        #expect(try reader.verify().failure == nil)
        let before = try c.entryCount()
        #expect(refusal { try reader.recordEvent(.custodyNote, label: "EX-1", details: ["text": "x"], by: "tech1") } != "no error")
        #expect(try c.entryCount() == before)
    }
}
