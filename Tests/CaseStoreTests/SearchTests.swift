@testable import CaseStore
import Foundation
import GRDB
import Testing

/// `CaseStore.search` (docs/CASE-STORE.md, "Search") on both backends.
@Suite struct SearchTests {
    /// A system holding two SIMs whose labels share a prefix, a lot whose label contains one of
    /// them, and a phone whose note names it and a person (with Vietnamese diacritics).
    func populate(_ c: TempCase) throws {
        try c.store.addDevice(DeviceSpec(label: "SYS-1", type: .device(.system)), by: "sup1")
        var sim = DeviceSpec(label: "SIM-1", type: .device(.sim), parent: "SYS-1")
        sim.iccid = "8984012204000123456"
        try c.store.addDevice(sim, by: "sup1")
        var sim12 = DeviceSpec(label: "SIM-12", type: .device(.sim), parent: "SYS-1")
        sim12.iccid = "8984012204000999994"
        try c.store.addDevice(sim12, by: "sup1")
        try c.store.addDevice(DeviceSpec(label: "LOT-SIM-1", type: .device(.simlot), parent: "SYS-1"), by: "sup1")
        var phone = DeviceSpec(label: "PH-1", type: .device(.phone), parent: "SYS-1")
        phone.imeis = ["356938035643809"]
        phone.note = "SIM-1 từng nằm trong máy của Nguyễn Văn Đức"
        phone.location = "Đống Đa, Hà Nội"
        try c.store.addDevice(phone, by: "sup1")
    }

    func labels(_ c: TempCase, _ text: String, limit: Int? = nil) throws -> [String] {
        try c.store.search(text, limit: limit).map(\.item.label)
    }

    @Test(arguments: Backend.all) func exactThenPrefixThenFragmentThenWords(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try populate(c)
        let hits = try c.store.search("SIM-1")
        #expect(hits.map(\.item.label) == ["SIM-1", "SIM-12", "LOT-SIM-1", "PH-1"])
        #expect(hits.map(\.rank) == [.exact, .prefix, .fragment, .text])
        #expect(hits[0].matches.first == SearchMatch(kind: .exact, field: "label", value: "SIM-1"))
        #expect(hits[3].matches.first?.field == "text")
        // Case is ignored; the limit keeps the best ranked.
        #expect(try labels(c, "sim-1", limit: 2) == ["SIM-1", "SIM-12"])
        #expect(try labels(c, "SIM-1", limit: 1) == ["SIM-1"])
        // An identifier equal to the text ranks exact, whatever its item's label.
        let exact = try c.store.search("356938035643809")
        #expect(exact.map(\.item.label) == ["PH-1"])
        #expect(exact.first?.matches.first == SearchMatch(kind: .exact, field: "IMEI", value: "356938035643809"))
        #expect(try labels(c, "nothing-like-it").isEmpty)
    }

    @Test(arguments: Backend.all) func anEightDigitICCIDFragmentFindsItsSIM(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try populate(c)
        let hits = try c.store.search("04000123")
        #expect(hits.map(\.item.label) == ["SIM-1"])
        #expect(hits.first?.matches == [SearchMatch(kind: .fragment, field: "ICCID", value: "8984012204000123456")])
        #expect(try labels(c, "22040009") == ["SIM-12"])
        #expect(try labels(c, "89840122").sorted() == ["SIM-1", "SIM-12"])
        #expect(try c.store.search("89840122").allSatisfy { $0.rank == .prefix })
        // A digit fragment is looked up by its last two trigrams, then checked whole: an ICCID
        // holding both, but apart ("040" … "123"), is not a match.
        #expect(try labels(c, "040123").isEmpty)
        #expect(try labels(c, "1204000123").isEmpty)
        #expect(try labels(c, "0400012345") == ["SIM-1"])
        #expect(try labels(c, "0123456") == ["SIM-1"])
        #expect(try labels(c, "2204000").sorted() == ["SIM-1", "SIM-12"])
        // LIKE's wildcards are plain characters to the search.
        #expect(try labels(c, "0%1").isEmpty)
        #expect(try c.store.search("SIM_1").map { "\($0.item.label) \($0.rank)" } == ["PH-1 text"], "only the words sim and 1 of the note")
    }

    @Test(arguments: Backend.all) func vietnameseWordsMatchWithoutTheirDiacritics(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try populate(c)
        #expect(try labels(c, "nguyen van") == ["PH-1"])
        #expect(try labels(c, "NGUYỄN VĂN ĐỨC") == ["PH-1"])
        #expect(try labels(c, "duc nguy") == ["PH-1"], "words in any order, each by its start")
        #expect(try labels(c, "dong da ha noi") == ["PH-1"], "đ folds to d (unicode61 alone would not)")
        #expect(try labels(c, "nguyen thi").isEmpty, "every word must match")
        #expect(try labels(c, "guyen").isEmpty, "a word matches by its start, not inside")
    }

    @Test(arguments: Backend.all) func shortTextMatchesExactlyOrByPrefix(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try populate(c)
        #expect(try c.store.search("SI").map { "\($0.item.label) \($0.rank)" } == ["SIM-1 prefix", "SIM-12 prefix", "PH-1 text"])
        #expect(try labels(c, "45").isEmpty, "two digits inside an ICCID are too short for a fragment")
        #expect(try labels(c, "Đa") == ["PH-1"], "a short word still matches words by their start")
        #expect(throws: CaseStoreError.self) { try c.store.search("   ") }
        #expect(throws: CaseStoreError.self) { try c.store.search("SIM", limit: 0) }
    }

    @Test(arguments: Backend.all) func theIndexFollowsEveryWrite(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try populate(c)
        #expect(try labels(c, "tran thi bich").isEmpty)
        try c.store.recordEvent(.custodyNote, label: "SIM-12", details: ["text": "Giao cho Trần Thị Bích kiểm tra"], by: "sup1")
        #expect(try labels(c, "tran thi bich") == ["SIM-12"])
        var late = DeviceSpec(label: "SIM-99", type: .device(.sim), parent: "SYS-1")
        late.iccid = "8984012204000777772"
        try c.store.addDevice(late, by: "sup1")
        #expect(try labels(c, "00077777") == ["SIM-99"])
        #expect(try labels(c, "SIM-9") == ["SIM-99"])
        // A refused write leaves nothing in the index.
        var clash = DeviceSpec(label: "SIM-100", type: .device(.sim), parent: "SYS-1")
        clash.iccid = late.iccid
        clash.note = "never stored"
        #expect(throws: CaseStoreError.self) { try c.store.addDevice(clash, by: "sup1") }
        #expect(try labels(c, "never stored").isEmpty)
        #expect(try c.store.verify().isValid)
    }

    @Test func aSchema4StoreGainsTheIndexOnOpen() throws {
        let c = try TempCase(.sqlite)
        defer { c.remove() }
        try populate(c)
        try c.store.recordEvent(.custodyNote, label: "SIM-12", details: ["text": "Giao cho Trần Thị Bích"], by: "sup1")
        try c.removeSearchIndex()
        let reopened = try CaseStore.open(directory: c.directory)
        #expect(try c.raw().read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") } == 5)
        #expect(try reopened.search("04000123").map(\.item.label) == ["SIM-1"])
        #expect(try reopened.search("SIM-1").map(\.item.label) == ["SIM-1", "SIM-12", "LOT-SIM-1", "PH-1"])
        #expect(try reopened.search("tran thi bich").map(\.item.label) == ["SIM-12"], "words of entries written before")
        #expect(try reopened.verify().isValid)
    }

    @Test(.enabled(if: PostgresTestServer.url != nil, PostgresTestServer.skipReason))
    func aSchema4PostgresCaseGainsTheIndexOnOpen() throws {
        let c = try TempCase(.postgres)
        defer { c.remove() }
        try populate(c)
        try c.store.recordEvent(.custodyNote, label: "SIM-12", details: ["text": "Giao cho Trần Thị Bích"], by: "sup1")
        try c.store.database.write { db in
            try db.execute("DROP TABLE item_text", [])
            try db.execute("DROP INDEX item_label_trigram", [])
            try db.execute("DROP INDEX item_identifier_value_trigram", [])
            try db.execute("DROP TABLE message", [])
            try db.execute("DROP TABLE message_import", [])
            try db.execute("DROP TABLE custody_state", [])
            for table in ["audit", "audit_scan", "audit_result", "disposal"] { try db.execute("DROP TABLE \(table)", []) }
            for table in ["examiner_access", "access_token", "login_failure", "entry_subject"] { try db.execute("DROP TABLE \(table)", []) }
            try db.execute("UPDATE custody_schema SET version = 4", [])
        }
        let reopened = try CaseStore.open(store: c.location, stationKeyFile: c.directory + "/case.key")
        #expect(try reopened.read { db in try db.integer("SELECT version FROM custody_schema") } == Int64(CaseStore.schemaVersion))
        #expect(try reopened.search("04000123").map(\.item.label) == ["SIM-1"])
        #expect(try reopened.search("tran thi bich").map(\.item.label) == ["SIM-12"])
        #expect(try reopened.verify().isValid)
    }

    @Test func foldingKeepsLettersAndDigitsOnly() {
        #expect(SearchText.fold("Nguyễn Văn Đức, kho số 3") == " nguyen van duc kho so 3")
        #expect(SearchText.fold("  ĐỐNG-ĐA/ 12 ") == " dong da 12")
        #expect(SearchText.fold("—, ;") == "")
    }
}
