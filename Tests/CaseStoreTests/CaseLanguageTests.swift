import CaseStore
import Foundation
import Testing
import Wording

/// The case language lives in entry 0 and reads back the same on both backends.
@Suite struct CaseLanguageTests {
    @Test(arguments: Backend.all) func aNewCaseInVietnamsTimeZoneWritesVietnamese(_ backend: Backend) throws {
        let temp = try TempCase(backend)
        defer { temp.remove() }
        #expect(try temp.store.language() == .vi)
        let genesis = try #require(try temp.store.entries().first)
        #expect(genesis.entry.payload["case"]?.objectValue?["language"]?.stringValue == "vi")
    }

    @Test func theLanguageGivenWinsOverTheTimeZonesDefault() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("casestore-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let english = CaseStore.NewCase(name: "Op Tern", agency: "C03", authority: "W-1", timeZone: "Asia/Ho_Chi_Minh", language: .en,
                                        examiner: .init(id: "sup1", name: "Ada Example"))
        #expect(try CaseStore.create(directory: dir, english).language() == .en)
        let berlin = CaseStore.NewCase(name: "Op Tern", agency: "BKA", authority: "W-2", timeZone: "Europe/Berlin",
                                       examiner: .init(id: "sup1", name: "Ada Example"))
        #expect(berlin.language == .en)
    }
}
