@testable import CaseStore
import Foundation
import GRDB
import Ledger
import Testing

@Suite struct StationTests {
    /// A new key for station `name` of the case, written to a file in the case's folder.
    func stationKey(_ c: TempCase, _ name: String, caseID: String? = nil) throws -> (StationKey, file: String) {
        let key = try StationKey.generate(name: CaseStore.stationKeyName(caseID: caseID ?? c.store.caseID, station: name))
        let file = c.directory + "/\(name).key"
        try key.privateKeyFile.write(toFile: file, atomically: true, encoding: .utf8)
        return (key, file)
    }

    /// A populated case with station bench-2 added by sup1, and the store opened with bench-2's key.
    func caseWithSecondStation(_ backend: Backend = .sqlite, _ name: String = #function) throws -> (TempCase, StationKey, CaseStore) {
        let c = try TempCase(backend, name)
        try c.populate()
        let (key, file) = try stationKey(c, "bench-2")
        let added = try c.store.addStation(key.verifierKey, name: "bench-2", by: "sup1")
        #expect(added.entry.action == .stationAdd)
        #expect(added.entry.payload == ["key": .string(key.verifierKey.description), "name": .string("bench-2")])
        return (c, key, try CaseStore.open(store: c.location, stationKeyFile: file))
    }

    @Test(arguments: Backend.all) func aSecondStationSignsAndTheLedgerVerifies(_ backend: Backend) throws {
        let (c, key, bench2) = try caseWithSecondStation(backend)
        defer { c.remove() }
        let e = try bench2.recordEvent(.custodyNote, label: "EX-1", details: ["text": "at bench 2"], by: "tech1")
        #expect(e.entry.station == key.keyID)
        #expect(e.entry.sequence == 8)
        let own = try c.store.recordEvent(.custodyNote, label: "EX-1", details: ["text": "at the case's station"], by: "tech1")
        #expect(own.entry.station.hex == c.store.caseRecord.stationKey.split(separator: "+")[1])
        let stations = try bench2.stations()
        #expect(stations.map(\.name) == ["custody.case/\(c.store.caseID)", "bench-2"])
        #expect(stations.map(\.addedSeq) == [0, 7])
        #expect(stations.allSatisfy { $0.isActive })
        #expect(bench2.signingKeyID == key.keyID)
        let r = try bench2.verify()
        #expect(r.isValid, "\(r.failure ?? "")")
        #expect(r.stations == 2)
        // A checkpoint signed by bench-2 is accepted by verify (stored) and by consistency.
        let (_, note, _, _) = try bench2.checkpoint()
        #expect(note.serialized.contains("— custody.station/\(c.store.caseID)/bench-2 "))
        try c.store.recordEvent(.custodyNote, label: "EX-1", details: ["text": "later"], by: "sup1")
        #expect(try c.store.verify().isValid)
        #expect(try c.store.consistency(oldNote: note.serialized).old.size == 10)
    }

    @Test(arguments: Backend.all) func aRevokedStationIsRefusedAndTheLedgerStillVerifies(_ backend: Backend) throws {
        let (c, key, bench2) = try caseWithSecondStation(backend)
        defer { c.remove() }
        try bench2.recordEvent(.custodyNote, label: "EX-1", details: ["text": "before"], by: "tech1")
        let revoke = try c.store.revokeStation(key.keyID, reason: "laptop stolen", by: "sup1")
        #expect(revoke.entry.payload == ["station": .string(key.keyID.hex), "reason": .string("laptop stolen")])
        let count = try c.entryCount()
        let refused = #expect(throws: CaseStoreError.self) {
            try bench2.recordEvent(.custodyNote, label: "EX-1", details: ["text": "after"], by: "tech1")
        }
        #expect(refused?.description == "station key \(key.keyID) was revoked at entry 9 (reason: laptop stolen): this station may no longer sign for case \(c.store.caseID); ask a supervisor; nothing was written")
        #expect(throws: CaseStoreError.self) { try bench2.checkStationMaySign() }
        #expect(throws: CaseStoreError.self) { try bench2.checkpoint() }
        #expect(try c.entryCount() == count)
        #expect(try c.store.checkpoints().isEmpty)
        let listed = try c.store.stations().first { $0.keyID == key.keyID.hex }
        #expect(listed?.revokedSeq == 9 && listed?.revokeReason == "laptop stolen" && listed?.isActive == false)
        #expect(try c.store.verify().isValid)
        // The case's own station goes on.
        try c.store.recordEvent(.custodyNote, label: "EX-1", details: ["text": "after"], by: "tech1")
        #expect(try c.store.verify().isValid)
    }

    @Test func anEntryForgedWithARevokedKeyFailsVerification() throws {
        let (c, key, _) = try caseWithSecondStation()
        defer { c.remove() }
        try c.store.revokeStation(key.keyID, reason: "laptop stolen", by: "sup1")
        // The thief signs an entry with the revoked key and inserts it behind the tool's back.
        let last = try #require(try c.store.entries().last)
        let forged = try LedgerWriter.next(after: last, time: LedgerTime(Date()), examiner: "tech1", action: .custodyNote,
                                           subjects: ["EX-1"], payload: ["text": .string("all fine")], key: key)
        try c.raw().write { db in try LedgerEntryRecord(seq: forged.entry.sequence, line: Data(forged.lineBytes)).insert(GRDBExecutor(db)) }
        let r = try c.store.verify()
        #expect(r.ledgerFailure == .unknownStation(9, key.keyID))
        #expect(r.failure == "entry 9: station key \(key.keyID) is not an active station key")
        #expect(r.verifiedEntries == 9)
    }

    @Test(arguments: Backend.all) func aKeyNeverAddedIsRefused(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try c.populate()
        let (key, file) = try stationKey(c, "rogue")
        let rogue = try CaseStore.open(store: c.location, stationKeyFile: file)
        let expected = "station key \(key.keyID) (\(key.name)) is not a station of case \(c.store.caseID): a supervisor must add it with `custody station add` first; nothing was written"
        #expect(throws: CaseStoreError.notPermitted(expected)) { try rogue.checkStationMaySign() }
        #expect(throws: CaseStoreError.notPermitted(expected)) {
            try rogue.recordEvent(.custodyNote, label: "EX-1", details: ["text": "x"], by: "sup1")
        }
        // Nor may it add itself: the station.add would be signed by a key that is not a station.
        #expect(throws: CaseStoreError.notPermitted(expected)) { try rogue.addStation(key.verifierKey, name: "rogue", by: "sup1") }
        #expect(try c.entryCount() == 7)
        let missing = try CaseStore.open(store: c.location, stationKeyFile: c.directory + "/nothing.key")
        #expect(throws: CaseStoreError.self) { try missing.checkStationMaySign() }
        #expect(try missing.verify().isValid)  // reading needs no key
    }

    @Test(arguments: Backend.all) func aKeyIDIsAddedOnceAndOnlyByASupervisorForThisCase(_ backend: Backend) throws {
        let (c, key, _) = try caseWithSecondStation(backend)
        defer { c.remove() }
        let again = #expect(throws: CaseStoreError.self) { try c.store.addStation(key.verifierKey, name: "bench-2", by: "sup1") }
        #expect(again?.description.hasPrefix("station key \(key.keyID) is already station bench-2 (added at entry 7, active)") == true)
        try c.store.revokeStation(key.keyID, reason: "retired", by: "sup1")
        let back = #expect(throws: CaseStoreError.self) { try c.store.addStation(key.verifierKey, name: "bench-2", by: "sup1") }
        #expect(back?.description.contains("revoked at entry 8") == true)
        let (other, _) = try stationKey(c, "bench-3", caseID: UUID().uuidString.lowercased())
        let foreign = #expect(throws: CaseStoreError.self) { try c.store.addStation(other.verifierKey, name: "bench-3", by: "sup1") }
        #expect(foreign?.description.contains("it was made for another case or station") == true)
        let (mine, _) = try stationKey(c, "bench-3")
        let byTech = #expect(throws: CaseStoreError.self) { try c.store.addStation(mine.verifierKey, name: "bench-3", by: "tech1") }
        #expect(byTech == .notPermitted("examiner tech1 is a technician: only a supervisor may add stations; nothing was written"))
        #expect(throws: CaseStoreError.self) { try c.store.revokeStation(c.store.signingKeyID!, reason: "x", by: "tech1") }
        #expect(try c.entryCount() == 9)
        #expect(try c.store.verify().isValid)
    }

    @Test(arguments: Backend.all) func theLastActiveKeyCannotBeRevoked(_ backend: Backend) throws {
        let (c, key, bench2) = try caseWithSecondStation(backend)
        defer { c.remove() }
        let own = try #require(c.store.signingKeyID)
        try bench2.revokeStation(own, reason: "case laptop stolen", by: "sup1")
        #expect(throws: CaseStoreError.self) { try c.store.recordEvent(.custodyNote, label: "EX-1", details: ["text": "x"], by: "sup1") }
        let last = #expect(throws: CaseStoreError.self) { try bench2.revokeStation(key.keyID, reason: "oops", by: "sup1") }
        #expect(last?.description.hasPrefix("station \(key.keyID) (bench-2) is the case's last active station key") == true)
        #expect(throws: CaseStoreError.self) { try bench2.revokeStation(own, reason: "twice", by: "sup1") }
        #expect(try c.entryCount() == 9)
        #expect(try c.store.verify().isValid)
    }

    @Test func aStationTableThatDisagreesWithTheLedgerFailsVerification() throws {
        let (c, key, _) = try caseWithSecondStation()
        defer { c.remove() }
        try c.store.revokeStation(key.keyID, reason: "laptop stolen", by: "sup1")
        // Un-revoking the stolen key in the table lets it append again, but not pass verify.
        try c.raw().write { db in try db.execute(sql: "UPDATE station SET revokedSeq = NULL, revokeReason = NULL") }
        #expect(try c.store.verify().failure?.hasPrefix("table station's row for \(key.keyID) (added 7, revoked never) differs from the ledger") == true)
        try c.raw().write { db in try db.execute(sql: "DELETE FROM station WHERE keyID = ?", arguments: [key.keyID.hex]) }
        #expect(try c.store.verify().failure == "entry 7 binds station key \(key.keyID) but table station lacks it")
        let (stray, _) = try stationKey(c, "stray")
        try c.raw().write { db in
            try db.execute(sql: "INSERT INTO station (keyID, name, key, addedSeq, revokedSeq, revokeReason) VALUES (?, 'bench-2', ?, 7, 8, 'laptop stolen')",
                           arguments: [key.keyID.hex, key.verifierKey.description])
            try db.execute(sql: "INSERT INTO station (keyID, name, key, addedSeq) VALUES (?, 'stray', ?, 3)",
                           arguments: [stray.keyID.hex, stray.verifierKey.description])
        }
        #expect(try c.store.verify().failure == "table station holds station \(stray.keyID) (stray), which no entry binds")
        try c.raw().write { db in try db.execute(sql: "DELETE FROM station WHERE keyID = ?", arguments: [stray.keyID.hex]) }
        #expect(try c.store.verify().isValid)
        // The revoked key added again by a validly signed entry written behind the tool's back:
        // the ledger format accepts it (LEDGER.md §5), the store never writes it.
        let own = try StationKey(parsing: String(contentsOfFile: c.directory + "/" + CaseStore.keyName, encoding: .utf8))
        let readd = try LedgerWriter.next(after: try #require(try c.store.entries().last), time: LedgerTime(Date()), examiner: "sup1",
                                          action: .stationAdd, subjects: [], payload: ["key": .string(key.verifierKey.description), "name": .string("bench-2")], key: own)
        try c.raw().write { db in try LedgerEntryRecord(seq: readd.entry.sequence, line: Data(readd.lineBytes)).insert(GRDBExecutor(db)) }
        let r = try c.store.verify()
        #expect(r.ledgerFailure == nil)
        #expect(r.failure == "entry 9 binds station key \(key.keyID) a second time: table station cannot record that (Custody never writes it)")
    }

    @Test func anOlderStoreGetsItsStationsFromTheLedger() throws {
        let (c, key, _) = try caseWithSecondStation()
        defer { c.remove() }
        try c.store.revokeStation(key.keyID, reason: "retired", by: "sup1")
        let before = try c.store.stations()
        // Back to schema 3: no search index, no station table, no message, custody state, audit, disposal or access tables, the v4 to v9 migrations not applied.
        try c.removeSearchIndex(userVersion: 3)
        try c.raw().write { db in
            for table in ["examiner_access", "access_token", "login_failure"] { try db.execute(sql: "DROP TABLE \(table)") }
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v9-access'")
            try db.execute(sql: "DROP TABLE entry_subject")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v10-entry-subject'")
            try db.execute(sql: "DROP TABLE custody_state")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v7-custody-state'")
            try db.execute(sql: "DROP TABLE message")
            try db.execute(sql: "DROP TABLE message_import")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v6-messages'")
            for table in ["audit", "audit_scan", "audit_result", "disposal"] { try db.execute(sql: "DROP TABLE \(table)") }
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v8-audit-disposal'")
            try db.execute(sql: "DROP TABLE station")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v4-stations'")
            try db.execute(sql: "PRAGMA user_version = 3")
        }
        let reopened = try CaseStore.open(directory: c.directory)
        #expect(try reopened.stations() == before)
        #expect(try c.raw().read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") } == CaseStore.schemaVersion)
        #expect(try reopened.verify().isValid)
    }
}
