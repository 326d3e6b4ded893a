import Foundation
import GRDB
import Ledger
import Testing
@testable import CaseStore

/// Table `entry_subject` (schema 10, docs/CASE-STORE.md): every append records its subjects, the
/// migration fills it from an older case's ledger, and `history` reads an item's entries through it.
@Suite struct EntrySubjectTests {
    /// The (label, seq) pairs the ledger's subjects give, parsed from every line but entry 0.
    func subjectsInLedger(_ store: CaseStore) throws -> Set<String> {
        var pairs = Set<String>()
        for line in try store.lineRecords() where line.seq > 0 {
            let entry = try SignedEntry(line: Array(line.line)).entry
            for subject in entry.subjects { pairs.insert("\(subject)@\(entry.sequence)") }
        }
        return pairs
    }

    func subjectsInTable(_ store: CaseStore) throws -> Set<String> {
        try store.read { db in
            Set(try db.rows("SELECT label, seq FROM entry_subject").map { "\(try $0.string(0))@\(try $0.int64(1))" })
        }
    }

    @Test(arguments: Backend.all)
    func anOlderCaseGetsItsEntrySubjectsFromTheLedger(_ backend: Backend) throws {
        let c = try TempCase(backend, "entry-subject-\(backend)")
        defer { c.remove() }
        try c.populate()
        // A note about EX-2 whose text names EX-1: not an entry of EX-1's.
        try c.store.recordEvent(.custodySeize, label: "EX-2", details: ["where": "Hanoi", "when": "2026-11-02", "from": "suspect"], by: "tech1")
        try c.store.recordEvent(.custodyNote, label: "EX-2", details: ["text": "found beside EX-1"], by: "tech1")
        let pairs = try subjectsInLedger(c.store)
        let recorded = try subjectsInTable(c.store)
        #expect(!pairs.isEmpty && recorded == pairs, "every append records its subjects")
        let before = try c.store.history("EX-1").map(\.entry.sequence)
        #expect(before.count == 5, "the seizure, transfer, seal and two notes: \(before)")

        try c.store.database.write { db in
            try db.execute("DROP TABLE entry_subject", [])
            switch backend {
            case .sqlite: try db.execute("DELETE FROM grdb_migrations WHERE identifier = 'v10-entry-subject'", [])
            case .postgres: try db.execute("UPDATE custody_schema SET version = 9", [])
            }
        }
        let reopened = backend == .sqlite ? try CaseStore.open(directory: c.directory)
                                          : try CaseStore.open(store: c.location, stationKeyFile: c.directory + "/case.key")
        let filled = try subjectsInTable(reopened)
        #expect(filled == pairs, "the migration fills the table from the ledger")
        #expect(try reopened.history("EX-1").map(\.entry.sequence) == before)
        #expect(try reopened.history("EX-2").map(\.entry.action) == [.custodySeize, .custodyNote])
        #expect(try reopened.verify().isValid)
    }
}
