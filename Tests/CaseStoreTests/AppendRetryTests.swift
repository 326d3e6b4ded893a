@testable import CaseStore
import Foundation
import Ledger
import Synchronization
import Testing

/// Appends retried while the store is unavailable: a commit whose answer was lost is found by
/// its entry and reported once; a transaction cut off before COMMIT is written afresh.
@Suite struct AppendRetryTests {
    /// A SQLite store whose next writes fail as a lost PostgreSQL connection would: after the
    /// transaction committed (`lostAfterCommit`) or before anything was written (`lostBefore`).
    final class FlakyDatabase: CaseDatabase {
        let inner: SQLiteDatabase
        let lostAfterCommit = Mutex(0)
        let lostBefore = Mutex(0)
        let writes = Mutex(0)
        init(_ inner: SQLiteDatabase) { self.inner = inner }
        var location: String { inner.location }

        func read<T>(_ body: (any SQLExecutor) throws -> T) throws -> T { try inner.read(body) }

        func write<T>(_ body: (any SQLExecutor) throws -> T) throws -> T {
            writes.withLock { $0 += 1 }
            if lostBefore.withLock({ n in defer { n = max(0, n - 1) }; return n > 0 }) {
                throw CaseStoreError.unavailable("connection lost before COMMIT")
            }
            let result = try inner.write(body)
            if lostAfterCommit.withLock({ n in defer { n = max(0, n - 1) }; return n > 0 }) {
                throw CaseStoreError.unavailable("connection lost while committing")
            }
            return result
        }

        func map(_ error: any Error) -> CaseStoreError { inner.map(error) }
    }

    func flakyStore() throws -> (TempCase, CaseStore, FlakyDatabase) {
        let c = try TempCase()
        try c.populate()
        let flaky = FlakyDatabase(try SQLiteDatabase(path: c.databasePath))
        let (key, problem) = CaseStore.loadCaseKey(directory: c.directory, record: c.store.caseRecord)
        let store = CaseStore(directory: c.directory, database: flaky, caseRecord: c.store.caseRecord, key: key, keyProblem: problem)
        return (c, store, flaky)
    }

    func notes(_ store: CaseStore, _ text: String) throws -> Int {
        try store.entries().filter { $0.entry.payload["text"]?.stringValue == text }.count
    }

    @Test func aCommitWhoseAnswerWasLostIsReportedOnceNotWrittenTwice() throws {
        let (c, store, flaky) = try flakyStore()
        defer { c.remove() }
        flaky.lostAfterCommit.withLock { $0 = 2 }
        let entry = try store.recordEvent(.custodyNote, label: "EX-1", details: ["text": "once"], by: "tech1")
        // The first answer is lost; so is the answer of the retry that found the entry; the third
        // write finds it again.
        #expect(flaky.writes.withLock { $0 } == 3)
        #expect(try notes(store, "once") == 1)
        #expect(try store.lineRecords().last?.line == Data(entry.lineBytes))
        #expect(try store.verify().isValid)
    }

    @Test func aTransactionCutOffBeforeCommitIsWrittenOnRetry() throws {
        let (c, store, flaky) = try flakyStore()
        defer { c.remove() }
        flaky.lostBefore.withLock { $0 = 3 }
        try store.recordEvent(.custodyNote, label: "EX-1", details: ["text": "after three cuts"], by: "tech1")
        #expect(flaky.writes.withLock { $0 } == 4)
        #expect(try notes(store, "after three cuts") == 1)
        #expect(try store.verify().isValid)
    }

    @Test func otherFailuresAreNotRetried() throws {
        let (c, store, flaky) = try flakyStore()
        defer { c.remove() }
        #expect(throws: CaseStoreError.unknownItem("EX-404")) {
            try store.recordEvent(.custodyNote, label: "EX-404", details: ["text": "x"], by: "tech1")
        }
        #expect(flaky.writes.withLock { $0 } == 1)
    }
}
