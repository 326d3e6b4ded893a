import CaseStore
import Foundation
import Ledger
import Testing

/// Shelf audits and the disposal procedure in the store (docs/CASE-STORE.md, "Audits",
/// "Disposal and return"), on every backend.
@Suite struct AuditDisposalTests {
    /// A room with two shelves, a box on shelf A; items moved onto each, one inside a bag; a
    /// clerk and a second supervisor.
    ///   ROOM ▸ SHELF-A ▸ BOX-1: EX-3
    ///        ▸ SHELF-A: EX-1, BAG-1 (holding EX-2)
    ///        ▸ SHELF-B: EX-4
    func shelves(_ c: TempCase) throws {
        try c.store.addExaminer(id: "clerk1", name: "Do C", role: .clerk, by: "sup1")
        try c.store.addExaminer(id: "sup2", name: "Le D", role: .supervisor, by: "sup1")
        for (label, parent) in [("ROOM", nil), ("SHELF-A", "ROOM"), ("SHELF-B", "ROOM"), ("BOX-1", "SHELF-A")] as [(String, String?)] {
            try c.store.addDevice(DeviceSpec(label: label, type: .device(.location), parent: parent), by: "sup1")
        }
        for (label, type, parent) in [("EX-1", "phone", nil), ("BAG-1", "bag", nil), ("EX-2", "phone", "BAG-1"), ("EX-3", "phone", nil),
                                      ("EX-4", "phone", nil)] as [(String, String, String?)] {
            try c.store.recordEvent(.custodySeize, label: label, details: ["where": "lab", "when": "2026-12-01", "from": "x"], by: "sup1",
                                    newItemType: type, parent: parent)
        }
        for (label, location) in [("EX-1", "SHELF-A"), ("BAG-1", "SHELF-A"), ("EX-3", "BOX-1"), ("EX-4", "SHELF-B")] {
            try c.store.move(label, to: location, by: "clerk1")
        }
    }

    @Test(arguments: Backend.all) func anAuditFindsMissingUnexpectedAndUnknown(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try shelves(c)
        let (start, audit) = try c.store.startAudit(location: "SHELF-A", by: "clerk1")
        #expect(start.entry.action == .custodyAuditStart && start.entry.subjects == ["SHELF-A"] && audit.id == start.entry.sequence)
        // EX-1 and BAG-1 sit on the shelf, EX-3 in its box: expected. EX-4 belongs on shelf B.
        // EX-2 is inside BAG-1 (which is here): found, though not expected on its own.
        for code in ["EX-1", " EX-3\n", "EX-4", "EX-2", "NO-SUCH"] { try c.store.scanAudit(audit.id, code: code, by: "clerk1") }
        let scans = try c.store.auditScans(audit.id)
        #expect(scans.map(\.code) == ["EX-1", "EX-3", "EX-4", "EX-2", "NO-SUCH"])
        #expect(scans.map(\.item) == ["EX-1", "EX-3", "EX-4", "EX-2", nil])
        let (finish, result) = try c.store.finishAudit(audit.id, by: "clerk1")
        #expect(result.found == ["EX-1", "EX-2", "EX-3"])
        #expect(result.missing == ["BAG-1"])
        #expect(result.unexpected == [UnexpectedItem(item: "EX-4", expectedAt: "SHELF-B")])
        #expect(result.unknown == ["NO-SUCH"])
        #expect(finish.entry.action == .custodyAuditFinish)
        #expect(finish.entry.subjects == ["SHELF-A", "EX-1", "EX-2", "EX-3", "BAG-1", "EX-4"])
        #expect(finish.entry.payload["missing"] == .array([.string("BAG-1")]))
        #expect(finish.entry.payload["unknown"] == .array([.string("NO-SUCH")]))
        #expect(finish.entry.payload["unexpected"] == .array([.object(["item": .string("EX-4"), "expectedAt": .string("SHELF-B")])]))
        #expect(finish.entry.payload["scans"] == .integer(5))
        // As stored: the same result, the audit finished.
        let stored = try #require(try c.store.auditResult(audit.id))
        #expect(stored.items == result.items && stored.unexpected == result.unexpected && stored.unknown == result.unknown)
        #expect(stored.audit.finishSeq == finish.entry.sequence && stored.audit.finishedAt == finish.entry.time.description)
        #expect(try c.store.lastAudit(of: "EX-4").audit == audit.id, "an unexpected item was seen")
        #expect(try c.store.lastAudit(of: "BAG-1").audit == nil, "a missing item was not")
        #expect(try c.store.verify().isValid)
    }

    @Test(arguments: Backend.all) func auditRefusals(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try shelves(c)
        let before = try c.entryCount()
        let notALocation = #expect(throws: CaseStoreError.self) { try c.store.startAudit(location: "EX-1", by: "clerk1") }
        #expect(notALocation?.description.contains("EX-1 is a phone, not a location") == true)
        #expect(throws: CaseStoreError.unknownItem("NOWHERE")) { try c.store.startAudit(location: "NOWHERE", by: "clerk1") }
        #expect(try c.entryCount() == before)
        let (_, audit) = try c.store.startAudit(location: "SHELF-B", by: "clerk1")
        let open = #expect(throws: CaseStoreError.self) { try c.store.startAudit(location: "SHELF-B", by: "sup1") }
        #expect(open?.description.contains("already has audit \(audit.id) open") == true)
        try c.store.scanAudit(audit.id, code: "EX-4", by: "clerk1")
        let twice = #expect(throws: CaseStoreError.self) { try c.store.scanAudit(audit.id, code: "EX-4", by: "clerk1") }
        #expect(twice?.description.contains("already scanned in audit \(audit.id)") == true)
        #expect(throws: CaseStoreError.self) { try c.store.scanAudit(audit.id, code: "  ", by: "clerk1") }
        #expect(throws: CaseStoreError.self) { try c.store.scanAudit(99_999, code: "EX-4", by: "clerk1") }
        try c.store.finishAudit(audit.id, by: "clerk1")
        let finished = #expect(throws: CaseStoreError.self) { try c.store.scanAudit(audit.id, code: "EX-1", by: "clerk1") }
        #expect(finished?.description.contains("was finished at entry") == true)
        #expect(throws: CaseStoreError.self) { try c.store.finishAudit(audit.id, by: "clerk1") }
        #expect(try c.store.audits().map(\.id) == [audit.id])
    }

    @Test(arguments: Backend.all) func itemsNotAuditedSinceADate(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try shelves(c)
        let (_, audit) = try c.store.startAudit(location: "SHELF-B", by: "clerk1")
        try c.store.scanAudit(audit.id, code: "EX-4", by: "clerk1")
        try c.store.finishAudit(audit.id, by: "clerk1")
        // Items kept directly at a location: EX-1, BAG-1, EX-3, EX-4 (EX-2 is in a bag).
        let hourAgo = LedgerTime(Date().addingTimeInterval(-3600))
        #expect(try c.store.itemsNotAudited(since: hourAgo).map(\.item) == ["BAG-1", "EX-1", "EX-3"])
        let later = LedgerTime(Date().addingTimeInterval(3600))
        let all = try c.store.itemsNotAudited(since: later)
        #expect(all.map(\.item) == ["BAG-1", "EX-1", "EX-3", "EX-4"], "never-audited first, then the oldest audit")
        #expect(all.last?.audit == audit.id && all.last?.finishedAt != nil)
    }

    @Test(arguments: Backend.all) func disposalNeedsASecondPerson(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try shelves(c)
        let (requested, request) = try c.store.requestDisposal(label: "EX-4", method: .giveBack, recipient: "Pham Van E", reason: "judgment 12/2026", by: "sup1")
        #expect(requested.entry.action == .custodyDisposeRequest && requested.entry.subjects == ["EX-4"])
        #expect(requested.entry.payload == ["method": .string("return"), "reason": .string("judgment 12/2026"), "to": .string("Pham Van E")])
        #expect(request.state == .requested && request.id == requested.entry.sequence)
        let before = try c.entryCount()
        // The requester may not approve; neither may a clerk; execution waits for approval.
        let own = #expect(throws: CaseStoreError.self) { try c.store.approveDisposal(request.id, by: "sup1") }
        #expect(own?.description.contains("two-person rule") == true)
        let clerk = #expect(throws: CaseStoreError.self) { try c.store.approveDisposal(request.id, by: "clerk1") }
        #expect(clerk?.description.contains("examiner clerk1 is a clerk: only a supervisor may approve") == true)
        let early = #expect(throws: CaseStoreError.self) {
            try c.store.executeDisposal(request.id, participants: [EventParticipant(role: .witness, name: "W")], by: "clerk1")
        }
        #expect(early?.description.contains("is requested, so it cannot be executed") == true)
        #expect(try c.entryCount() == before)

        let (approved, afterApproval) = try c.store.approveDisposal(request.id, by: "sup2")
        #expect(approved.entry.action == .custodyDisposeApprove && approved.entry.payload["request"] == .integer(request.id))
        #expect(afterApproval.state == .approved && afterApproval.approvedBy == "sup2" && afterApproval.approveSeq == approved.entry.sequence)
        #expect(throws: CaseStoreError.self) { try c.store.approveDisposal(request.id, by: "sup2") }
        let noWitness = #expect(throws: CaseStoreError.self) { try c.store.executeDisposal(request.id, participants: [], by: "clerk1") }
        #expect(noWitness?.description.contains("--witness") == true)

        let (executed, done) = try c.store.executeDisposal(request.id, participants: [EventParticipant(role: .witness, name: "Le Thi W")], by: "clerk1")
        #expect(executed.entry.action == .custodyDispose && executed.entry.subjects == ["EX-4"])
        #expect(executed.entry.payload["request"] == .integer(request.id) && executed.entry.payload["approval"] == .integer(approved.entry.sequence))
        #expect(executed.entry.payload["method"] == .string("return") && executed.entry.payload["to"] == .string("Pham Van E"))
        #expect(done.state == .executed && done.executeSeq == executed.entry.sequence)
        #expect(try c.store.disposal(request.id) == done)
        #expect(try c.store.disposals(state: .executed) == [done] && c.store.disposals(state: .requested).isEmpty)
        #expect(try c.store.custody(of: "EX-4").state == .disposed)
        #expect(try c.store.disposal(of: "EX-4") == done)
        #expect(throws: CaseStoreError.self) { try c.store.executeDisposal(request.id, participants: [EventParticipant(role: .witness, name: "W")], by: "clerk1") }

        // Gone from the active lists, still in the ledger and its history.
        let (_, audit) = try c.store.startAudit(location: "SHELF-B", by: "clerk1")
        #expect(try c.store.auditResult(audit.id)?.missing == [], "a disposed item is not expected on its shelf")
        #expect(try !c.store.itemsNotAudited(since: LedgerTime(Date().addingTimeInterval(3600))).map(\.item).contains("EX-4"))
        #expect(try c.store.history("EX-4").map(\.entry.action).suffix(3) == [.custodyDisposeRequest, .custodyDisposeApprove, .custodyDispose])
        let again = #expect(throws: CaseStoreError.self) {
            try c.store.requestDisposal(label: "EX-4", method: .destroy, recipient: nil, reason: "r", by: "clerk1")
        }
        #expect(again?.description.contains("already returned") == true)
        #expect(try c.store.verify().isValid)
    }

    @Test(arguments: Backend.all) func disposalRequestRefusals(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try shelves(c)
        let before = try c.entryCount()
        #expect(throws: CaseStoreError.self) { try c.store.requestDisposal(label: "EX-1", method: .giveBack, recipient: nil, reason: "r", by: "clerk1") }
        #expect(throws: CaseStoreError.self) { try c.store.requestDisposal(label: "EX-1", method: .destroy, recipient: "X", reason: "r", by: "clerk1") }
        #expect(throws: CaseStoreError.self) { try c.store.requestDisposal(label: "EX-1", method: .destroy, recipient: nil, reason: " ", by: "clerk1") }
        #expect(throws: CaseStoreError.unknownItem("EX-9")) { try c.store.requestDisposal(label: "EX-9", method: .destroy, recipient: nil, reason: "r", by: "clerk1") }
        #expect(throws: CaseStoreError.self) { try c.store.requestDisposal(label: "SHELF-A", method: .destroy, recipient: nil, reason: "r", by: "clerk1") }
        #expect(throws: CaseStoreError.self) { try c.store.approveDisposal(12_345, by: "sup2") }
        // The old single-step event is refused: every disposal goes through the two-person procedure.
        let direct = #expect(throws: CaseStoreError.self) {
            try c.store.recordEvent(.custodyDispose, label: "EX-1", details: ["method": "destroyed"], by: "sup1")
        }
        #expect(direct?.description.contains("custody dispose request EX-1") == true)
        #expect(try c.entryCount() == before)
        let (_, request) = try c.store.requestDisposal(label: "EX-1", method: .destroy, recipient: nil, reason: "r", by: "clerk1")
        let open = #expect(throws: CaseStoreError.self) {
            try c.store.requestDisposal(label: "EX-1", method: .destroy, recipient: nil, reason: "r", by: "sup1")
        }
        #expect(open?.description.contains("already has disposal request \(request.id) (requested)") == true)
        // A clerk's request is approved by either supervisor.
        #expect(try c.store.approveDisposal(request.id, by: "sup1").1.approvedBy == "sup1")
    }

    @Test(arguments: Backend.all) func checkedOutItemsAreNotExpectedAndNotDisposed(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try shelves(c)
        try c.store.checkOut("EX-1", to: "clerk1", purpose: "examination", by: "sup1")
        let (_, audit) = try c.store.startAudit(location: "SHELF-A", by: "clerk1")
        #expect(try c.store.auditResult(audit.id)?.missing == ["BAG-1", "EX-3"], "a checked-out item is not on the shelf")
        let placement = try c.store.auditPlacement(audit: audit.id, item: "EX-1")
        #expect(!placement.here && placement.keptAt == nil)
        try c.store.scanAudit(audit.id, code: "EX-1", by: "clerk1")
        let (_, result) = try c.store.finishAudit(audit.id, by: "clerk1")
        #expect(result.unexpected == [UnexpectedItem(item: "EX-1", expectedAt: nil)], "found on the shelf while checked out")

        let (_, request) = try c.store.requestDisposal(label: "EX-1", method: .destroy, recipient: nil, reason: "r", by: "clerk1")
        try c.store.approveDisposal(request.id, by: "sup1")
        let out = #expect(throws: CaseStoreError.self) {
            try c.store.executeDisposal(request.id, participants: [EventParticipant(role: .witness, name: "W")], by: "clerk1")
        }
        #expect(out?.description.contains("EX-1 is checked out to clerk1") == true)
        try c.store.checkIn("EX-1", by: "clerk1")
        try c.store.executeDisposal(request.id, participants: [EventParticipant(role: .witness, name: "W")], by: "clerk1")
        #expect(try c.store.custody(of: "EX-1").state == .disposed)
        #expect(try c.store.verify().isValid)
    }

    @Test(arguments: Backend.all) func aCopyKeepsAuditsAndDisposals(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try shelves(c)
        let (_, audit) = try c.store.startAudit(location: "SHELF-A", by: "clerk1")
        try c.store.scanAudit(audit.id, code: "EX-1", by: "clerk1")
        try c.store.finishAudit(audit.id, by: "clerk1")
        try c.store.requestDisposal(label: "EX-3", method: .destroy, recipient: nil, reason: "r", by: "clerk1")
        let target = c.directory + "-copy"
        defer { try? FileManager.default.removeItem(atPath: target) }
        let (copy, _) = try c.store.copy(to: target)
        #expect(try copy.audits() == c.store.audits())
        #expect(try copy.auditResult(audit.id) == c.store.auditResult(audit.id))
        #expect(try copy.auditScans(audit.id) == c.store.auditScans(audit.id))
        #expect(try copy.disposals() == c.store.disposals())
    }

    @Test func verifyFindsAuditAndDisposalRowsChangedOutsideTheLedger() throws {
        let c = try TempCase()
        defer { c.remove() }
        try shelves(c)
        let (_, audit) = try c.store.startAudit(location: "SHELF-A", by: "clerk1")
        try c.store.scanAudit(audit.id, code: "EX-1", by: "clerk1")
        try c.store.finishAudit(audit.id, by: "clerk1")
        let (_, request) = try c.store.requestDisposal(label: "EX-4", method: .destroy, recipient: nil, reason: "r", by: "clerk1")
        try c.store.approveDisposal(request.id, by: "sup2")
        #expect(try c.store.verify().isValid)
        for (edit, undo, named) in [
            ("UPDATE disposal SET approvedBy = 'clerk1'", "UPDATE disposal SET approvedBy = 'sup2'", "disposal request \(request.id)"),
            ("UPDATE audit_result SET outcome = 'found' WHERE item = 'BAG-1'", "UPDATE audit_result SET outcome = 'missing' WHERE item = 'BAG-1'", "audit_result"),
            ("DELETE FROM audit_scan", "INSERT INTO audit_scan (seq, audit, code, item) VALUES (\(audit.id + 1), \(audit.id), 'EX-1', 'EX-1')", "the scan at entry"),
            ("UPDATE audit SET finishSeq = NULL", "UPDATE audit SET finishSeq = \(audit.id + 2)", "audit \(audit.id)"),
        ] {
            try c.raw().write { db in try db.execute(sql: edit) }
            let failure = try c.store.verify().failure
            #expect(failure?.contains(named) == true, "\(edit): \(failure ?? "valid")")
            try c.raw().write { db in try db.execute(sql: undo) }
            #expect(try c.store.verify().isValid, "\(undo)")
        }
    }
}
