import Foundation
import Ledger
import Testing
@testable import CaseStore

/// The access tables (docs/CASE-STORE.md, "Access") on both backends: passwords, tokens,
/// lockouts, and the prosecutor who only reads.
@Suite struct AccessTests {
    static let hash = "$2b$12$abcdefghijklmnopqrstuu5Ch0mnrZ1cJ6Kk8nQm4oVZcV6H0kGq2"

    func roster(_ c: TempCase) throws {
        try c.store.addExaminer(id: "clerk1", name: "Trần B", role: .clerk, by: "sup1")
        try c.store.addExaminer(id: "pros1", name: "Lê C", role: .prosecutor, by: "sup1")
    }

    @Test(arguments: Backend.all) func aPasswordIsStoredAsItsHashAndTheEntryNamesOnlyTheExaminer(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try roster(c)
        let entry = try c.store.setPasswordHash(Self.hash, examiner: "clerk1", by: "clerk1")
        #expect(entry.entry.action == .examinerPassword)
        #expect(entry.entry.payload == ["id": .string("clerk1")])
        let access = try #require(try c.store.access(examiner: "clerk1"))
        #expect(access.passwordHash == Self.hash && access.passwordSeq == entry.entry.sequence && !access.isLocked)
        // Someone else's: only a supervisor.
        let refused = #expect(throws: CaseStoreError.self) { try c.store.setPasswordHash(Self.hash, examiner: "pros1", by: "clerk1") }
        #expect(refused?.description.contains("only a supervisor may set another examiner's password") == true)
        try c.store.setPasswordHash(Self.hash, examiner: "pros1", by: "sup1")
        #expect(throws: CaseStoreError.unknownExaminer("nobody")) { try c.store.setPasswordHash(Self.hash, examiner: "nobody", by: "sup1") }
        #expect(try c.store.verify().isValid)
    }

    @Test(arguments: Backend.all) func failedLoginsLockOutOnceAndASupervisorUnlocks(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try roster(c)
        let start = Date()
        for i in 0..<2 { #expect(try c.store.recordLoginFailure(examiner: "clerk1", time: start.addingTimeInterval(Double(i)), limit: 3, window: 900) == nil) }
        // An old failure falls out of the window: the third one counts two.
        #expect(try c.store.recordLoginFailure(examiner: "clerk1", time: start.addingTimeInterval(1000), limit: 3, window: 900) == nil)
        #expect(try c.store.loginFailures(examiner: "clerk1", since: start.addingTimeInterval(100)) == 1)
        _ = try c.store.recordLoginFailure(examiner: "clerk1", time: start.addingTimeInterval(1001), limit: 3, window: 900)
        let lock = try #require(try c.store.recordLoginFailure(examiner: "clerk1", time: start.addingTimeInterval(1002), limit: 3, window: 900))
        #expect(lock.entry.action == .examinerLock && lock.entry.examiner == "clerk1")
        #expect(lock.entry.payload["failures"] == .integer(3) && lock.entry.payload["windowMinutes"] == .integer(15))
        #expect(try c.store.access(examiner: "clerk1")?.lockedSeq == lock.entry.sequence)
        #expect(try c.store.recordLoginFailure(examiner: "clerk1", time: start.addingTimeInterval(1003), limit: 3, window: 900) == nil, "locked once")
        // Unknown examiners' failures are recorded, nobody is locked.
        for i in 0..<5 { #expect(try c.store.recordLoginFailure(examiner: "ghost", time: start.addingTimeInterval(Double(i)), limit: 3, window: 900) == nil) }
        #expect(try c.store.loginFailures(examiner: "ghost", since: start.addingTimeInterval(-1)) == 5)

        #expect(throws: CaseStoreError.self) { try c.store.unlockExaminer("clerk1", by: "pros1") }
        let unlock = try c.store.unlockExaminer("clerk1", by: "sup1")
        #expect(unlock.entry.action == .examinerUnlock && unlock.entry.payload == ["id": .string("clerk1")])
        #expect(try c.store.access(examiner: "clerk1")?.isLocked == false)
        #expect(try c.store.loginFailures(examiner: "clerk1", since: start.addingTimeInterval(-1)) == 0)
        #expect(throws: CaseStoreError.self) { try c.store.unlockExaminer("clerk1", by: "sup1") }
        #expect(try c.store.verify().isValid)
    }

    @Test(arguments: Backend.all) func tokensAreKeptByTheirHashAndRevokedOnce(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try roster(c)
        let digest = String(repeating: "ab", count: 32)
        let issued = try c.store.addToken(id: "tok-00000001", sha256: digest, label: "nightly", examiner: "pros1", by: "pros1")
        #expect(issued.entry.payload == ["id": .string("pros1"), "token": .string("tok-00000001"), "label": .string("nightly")])
        #expect(try c.store.token(sha256: digest)?.isActive == true)
        #expect(throws: CaseStoreError.self) { try c.store.addToken(id: "tok-00000002", sha256: digest, label: "", examiner: "clerk1", by: "pros1") }
        #expect(throws: CaseStoreError.self) { try c.store.revokeToken(id: "tok-00000001", by: "clerk1") }
        let revoked = try c.store.revokeToken(id: "tok-00000001", by: "sup1")
        #expect(try c.store.token(sha256: digest)?.revokedSeq == revoked.entry.sequence)
        #expect(throws: CaseStoreError.self) { try c.store.revokeToken(id: "tok-00000001", by: "sup1") }
        #expect(try c.store.tokens(examiner: "pros1").count == 1)
        #expect(try c.store.tokens(examiner: "clerk1").isEmpty)
        #expect(try c.store.verify().isValid)
    }

    @Test(arguments: Backend.all) func aProsecutorOnlyReads(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try roster(c)
        try c.store.recordEvent(.custodySeize, label: "EX-1", details: ["where": "Hà Nội"], by: "clerk1")
        let refused = #expect(throws: CaseStoreError.self) {
            try c.store.recordEvent(.custodyNote, label: "EX-1", details: ["text": "x"], by: "pros1")
        }
        #expect(refused?.description.contains("examiner pros1 is a prosecutor, who only reads the case: custody.note") == true)
        #expect(throws: CaseStoreError.self) { try c.store.addExaminer(id: "x", name: "X", role: .clerk, by: "pros1") }
        try c.store.setPasswordHash(Self.hash, examiner: "pros1", by: "pros1")
        #expect(try c.store.examiner(id: "pros1")?.role == .prosecutor)
        #expect(try c.store.verify().isValid)
    }
}
