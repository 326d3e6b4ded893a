@testable import CaseStore
import Foundation
import GRDB
import Ledger
import Testing

@Suite struct CaseStoreTests {
    @Test func createsAndReopensACase() throws {
        let c = try TempCase()
        defer { c.remove() }
        let attributes = try FileManager.default.attributesOfItem(atPath: c.directory + "/" + CaseStore.keyName)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let reopened = try CaseStore.open(directory: c.directory)
        #expect(reopened.caseRecord == c.store.caseRecord)
        #expect(UUID(uuidString: reopened.caseID) != nil)
        let entries = try reopened.entries()
        #expect(entries.count == 1)
        let genesis = try #require(entries.first).entry
        #expect(genesis.action == .caseInit)
        #expect(genesis.payload["case"]?["id"]?.stringValue == reopened.caseID)
        #expect(genesis.payload["case"]?["authority"]?.stringValue == "W-2026-17")
        #expect(genesis.payload["stations"]?.arrayValue == [.string(reopened.caseRecord.stationKey)])
        #expect(genesis.payload["examiners"]?.arrayValue?.first?["role"]?.stringValue == "supervisor")
        let mode = try String(contentsOfFile: c.directory + "/" + CaseStore.publicKeyName, encoding: .utf8)
        #expect(mode == reopened.caseRecord.stationKey + "\n")
        #expect(try reopened.verify().isValid)
        let journal = try c.raw().read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(journal == "wal")
    }

    @Test func refusesAFolderThatHoldsACase() throws {
        let c = try TempCase()
        defer { c.remove() }
        #expect(throws: CaseStoreError.alreadyACase(c.directory)) {
            try CaseStore.create(directory: c.directory, name: "x", agency: "y", authority: "z", timeZone: "UTC", examiner: .init(id: "a", name: "b"))
        }
        #expect(throws: CaseStoreError.missingCase(c.directory + "/nothing")) { try CaseStore.open(directory: c.directory + "/nothing") }
    }

    @Test func refusesABadTimeZone() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("casestore-\(UUID().uuidString)").path
        #expect(throws: CaseStoreError.self) {
            try CaseStore.create(directory: dir, name: "x", agency: "y", authority: "z", timeZone: "Mars/Olympus", examiner: .init(id: "a", name: "b"))
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/" + CaseStore.keyName))
    }

    @Test func refusesAStoreFromANewerSchemaByUserVersion() throws {
        let c = try TempCase()
        defer { c.remove() }
        let newer = CaseStore.schemaVersion + 1
        try c.raw().write { db in try db.execute(sql: "PRAGMA user_version = \(newer)") }
        let error = #expect(throws: CaseStoreError.self) { try CaseStore.open(directory: c.directory) }
        #expect(error == .newerSchema(path: c.databasePath, found: newer, supported: CaseStore.schemaVersion))
        #expect(error?.description.contains("was written by a newer Custody (schema \(newer) > \(CaseStore.schemaVersion)): upgrade Custody") == true)
    }

    @Test func refusesAStoreFromANewerSchemaByMigrations() throws {
        let c = try TempCase()
        defer { c.remove() }
        try c.raw().write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9-future')") }
        let error = #expect(throws: CaseStoreError.self) { try CaseStore.open(directory: c.directory) }
        guard case .newerSchema(_, let found, let supported)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(found > supported)
    }

    @Test(arguments: Backend.all) func everyChangeNeedsAKnownExaminer(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        #expect(throws: CaseStoreError.noExaminer) { try CaseStore.examinerID(nil, environment: [:]) }
        #expect(try CaseStore.examinerID(nil, environment: ["CUSTODY_EXAMINER": "sup1"]) == "sup1")
        #expect(try CaseStore.examinerID("x", environment: ["CUSTODY_EXAMINER": "sup1"]) == "x")
        #expect(throws: CaseStoreError.unknownExaminer("ghost")) {
            try c.store.recordEvent(.custodySeize, label: "EX-1", details: ["where": "w"], by: "ghost")
        }
        #expect(try c.entryCount() == 1)
        #expect(try c.store.items().isEmpty)
        // Only a supervisor adds examiners.
        try c.store.addExaminer(id: "tech1", name: "T", role: .technician, by: "sup1")
        #expect(throws: CaseStoreError.self) { try c.store.addExaminer(id: "tech2", name: "U", role: .clerk, by: "tech1") }
        #expect(try c.store.examiners().map(\.id) == ["sup1", "tech1"])
    }

    @Test(arguments: Backend.all) func eventsOnUnknownItemsAreRefused(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        for action in [LedgerAction.custodyTransfer, .custodySeal, .custodyNote] {
            #expect(throws: CaseStoreError.unknownItem("EX-9")) { try c.store.recordEvent(action, label: "EX-9", details: [:], by: "sup1") }
        }
        #expect(try c.entryCount() == 1)
    }

    struct Fault: Error {}

    @Test(arguments: Backend.all) func aFailureAfterTheChangeLeavesNeitherChangeNorEntry(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        #expect(throws: CaseStoreError.self) {
            try c.store.append(examiner: "sup1", action: .custodySeize, subjects: ["EX-1"], payload: [:]) { db, seq in
                try ItemRecord(label: "EX-1", type: .device(.phone), parent: nil, identifiers: [:], seq: seq).insert(db)
                throw Fault()
            }
        }
        #expect(try c.store.items().isEmpty)
        #expect(try c.entryCount() == 1)
        // And a change whose entry cannot be stored (a duplicate sequence) leaves no item.
        #expect(throws: CaseStoreError.self) {
            try c.store.append(examiner: "sup1", action: .custodySeize, subjects: ["EX-2"], payload: [:]) { db, seq in
                try ItemRecord(label: "EX-2", type: .device(.phone), parent: nil, identifiers: [:], seq: seq).insert(db)
                try LedgerEntryRecord(seq: seq, line: Data("squatter".utf8)).insert(db)
            }
        }
        #expect(try c.store.items().isEmpty)
        #expect(try c.entryCount() == 1)
        #expect(try c.store.verify().isValid)
    }

    @Test(arguments: Backend.all) func correctionsReferToTheEntryAndEditNothing(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try c.populate()
        let before = try c.store.lineRecords()
        let e = try c.store.correct(seq: 3, text: "purpose was court", by: "sup1")
        #expect(e.entry.action == .custodyCorrection)
        #expect(e.entry.subjects == ["EX-1"])
        #expect(e.entry.payload["corrects"] == .integer(3))
        let corrected = try SignedEntry(line: Array(before[3].line))
        #expect(e.entry.payload["correctsHash"]?.stringValue == corrected.hash.hex)
        #expect(Array(try c.store.lineRecords().prefix(before.count)) == before)
        #expect(throws: CaseStoreError.unknownEntry(99, count: 8)) { try c.store.correct(seq: 99, text: "x", by: "sup1") }
        #expect(try c.store.history("EX-1").map(\.entry.sequence) == [2, 3, 4, 5, 6, 7])
    }

    @Test(arguments: Backend.all) func checkpointsAndProofsVerify(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try c.populate()
        let (cp, note, _, _) = try c.store.checkpoint()
        #expect(cp.size == 7)
        #expect(cp.origin == "custody.case/\(c.store.caseID)")
        let keys = try c.store.trustedKeys()
        #expect(try Checkpoint.open(note.serialized, trustedKeys: keys, origin: c.store.origin) == cp)
        let proof = try c.store.prove(seq: 2)
        let parsed = try TlogProof(parsing: proof.serialized)
        let checked = try parsed.verifyEntry(trustedKeys: keys, origin: c.store.origin)
        #expect(checked.entry.entry.action == .custodySeize)
        #expect(checked.signatureChecked)
        try c.store.recordEvent(.custodyNote, label: "EX-1", details: ["text": "after"], by: "sup1")
        let consistency = try c.store.consistency(oldNote: note.serialized)
        #expect(consistency.old.size == 7)
        #expect(consistency.size == 8)  // checkpoints add no entries; the note did
        #expect(try c.store.verify(checkpointNote: note.serialized).isValid)
        #expect(try c.store.checkpoints().count == 2)
    }
}
