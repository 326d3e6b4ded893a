@testable import CaseStore
import Foundation
import GRDB
import Ledger
import Testing

/// Edits to the store outside the tool: `verify` must fail, with the right reason.
@Suite struct TamperTests {
    func populated() throws -> TempCase {
        let c = try TempCase()
        try c.populate()
        return c
    }

    func line(_ db: Database, _ seq: Int64) throws -> Data {
        try #require(try Data.fetchOne(db, sql: "SELECT line FROM ledger_entry WHERE seq = ?", arguments: [seq]))
    }

    @Test func aFlippedByteInAStoredLineIsAHashMismatch() throws {
        let c = try populated()
        defer { c.remove() }
        try c.raw().write { db in
            var bytes = try line(db, 2)
            let at = try #require(bytes.range(of: Data("Hanoi".utf8))).lowerBound
            bytes[at + 4] ^= 0x06  // "Hanoi" → "Hanoo": still canonical JSON
            try db.execute(sql: "UPDATE ledger_entry SET line = ? WHERE seq = 2", arguments: [bytes])
        }
        let r = try c.store.verify()
        guard case .hashMismatch(2, _, _)? = r.ledgerFailure else { Issue.record("got \(String(describing: r.failure))"); return }
        #expect(r.verifiedEntries == 2)
    }

    @Test func aFlippedByteInTheSignatureIsABadSignature() throws {
        let c = try populated()
        defer { c.remove() }
        try c.raw().write { db in
            var bytes = try line(db, 4)
            let sigStart = bytes.count - 2 - 88
            bytes[sigStart + 10] = bytes[sigStart + 10] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            try db.execute(sql: "UPDATE ledger_entry SET line = ? WHERE seq = 4", arguments: [bytes])
        }
        let r = try c.store.verify()
        guard case .badSignature(4, _)? = r.ledgerFailure else { Issue.record("got \(String(describing: r.failure))"); return }
    }

    @Test func aDeletedRowIsASequenceGap() throws {
        let c = try populated()
        defer { c.remove() }
        try c.raw().write { db in try db.execute(sql: "DELETE FROM ledger_entry WHERE seq = 3") }
        let r = try c.store.verify()
        #expect(r.ledgerFailure == .sequenceGap(found: 4, after: 2))
    }

    @Test func twoSwappedRowsAreDetected() throws {
        let c = try populated()
        defer { c.remove() }
        try c.raw().write { db in
            let a = try line(db, 5), b = try line(db, 6)
            try db.execute(sql: "UPDATE ledger_entry SET line = ? WHERE seq = 5", arguments: [b])
            try db.execute(sql: "UPDATE ledger_entry SET line = ? WHERE seq = 6", arguments: [a])
        }
        let r = try c.store.verify()
        #expect(r.ledgerFailure == .sequenceGap(found: 6, after: 4))
    }

    @Test func aCutTailIsDetectedAgainstAnEarlierCheckpoint() throws {
        let c = try populated()
        defer { c.remove() }
        let (_, note, _, _) = try c.store.checkpoint()
        // Against the checkpoint the examiner kept outside the case.
        try c.raw().write { db in
            try db.execute(sql: "DELETE FROM ledger_entry WHERE seq >= 5")
            try db.execute(sql: "DELETE FROM checkpoint")
        }
        let r = try c.store.verify(checkpointNote: note.serialized)
        #expect(r.ledgerFailure == .truncated(entries: 5, checkpointSize: 7))
        #expect(throws: CaseStoreError.self) { try c.store.consistency(oldNote: note.serialized) }
    }

    @Test func aCutTailIsDetectedAgainstTheStoredCheckpoint() throws {
        let c = try populated()
        defer { c.remove() }
        _ = try c.store.checkpoint()
        try c.raw().write { db in try db.execute(sql: "DELETE FROM ledger_entry WHERE seq >= 6") }
        let r = try c.store.verify()
        #expect(r.ledgerFailure == nil)
        #expect(r.failure?.contains("covers 7 entries but the ledger holds 6: the ledger was truncated") == true, "\(r.failure ?? "")")
    }

    @Test func aReplacedPublicKeyFileIsAnUntrustedGenesis() throws {
        let c = try populated()
        defer { c.remove() }
        let other = try StationKey.generate(name: "custody.case/\(c.store.caseID)")
        try (other.verifierKey.description + "\n").write(toFile: c.directory + "/" + CaseStore.publicKeyName, atomically: true, encoding: .utf8)
        let r = try c.store.verify()
        #expect(r.ledgerFailure == .untrustedGenesis(c.store.caseRecord.stationKey))
    }

    @Test func aReplacedSigningKeyFileIsDetectedAndRefusedForWriting() throws {
        let c = try populated()
        defer { c.remove() }
        let other = try StationKey.generate(name: "custody.case/\(c.store.caseID)")
        let keyPath = c.directory + "/" + CaseStore.keyName
        try FileManager.default.removeItem(atPath: keyPath)
        try other.privateKeyFile.write(toFile: keyPath, atomically: true, encoding: .utf8)
        let store = try CaseStore.open(directory: c.directory)
        let r = try store.verify()
        #expect(r.failure?.contains("is not the station key bound in this case's ledger") == true, "\(r.failure ?? "")")
        #expect(throws: CaseStoreError.self) { try store.recordEvent(.custodyNote, label: "EX-1", details: ["text": "x"], by: "sup1") }
        #expect(try store.lineRecords().count == 7)
    }

    @Test func aRegistryRowWithoutItsEntryOrAnEntryWithoutItsRowIsDetected() throws {
        let c = try populated()
        defer { c.remove() }
        try c.raw().write { db in try db.execute(sql: "DELETE FROM item WHERE label = 'EX-1'") }
        #expect(try c.store.verify().failure?.contains("which table item lacks") == true)
        try c.raw().write { db in
            try ItemRecord(label: "EX-1", type: .other("exhibit"), parent: nil, identifiers: [:], seq: 2).insert(GRDBExecutor(db))
            try ItemRecord(label: "EX-forged", type: .device(.phone), parent: nil, identifiers: [:], seq: 3).insert(GRDBExecutor(db))
        }
        #expect(try c.store.verify().failure?.contains("item EX-forged has no creating entry") == true)
        try c.raw().write { db in
            try db.execute(sql: "DELETE FROM item WHERE label = 'EX-forged'")
            try db.execute(sql: "UPDATE examiner SET role = 'supervisor' WHERE id = 'tech1'")
        }
        #expect(try c.store.verify().failure?.contains("examiner tech1 (role supervisor) has no matching examiner.add entry") == true)
        try c.raw().write { db in try db.execute(sql: "UPDATE examiner SET role = 'technician' WHERE id = 'tech1'") }
        #expect(try c.store.verify().isValid)
    }
}
