import CaseStore
import Export
import Foundation
import Ledger
import Testing
import Wording
import Workbench

/// The audit and disposal use cases every front end calls: who may do what (the roles and the
/// two-person rule, each refusal one line and nothing written), the outputs, and the audit and
/// return records (docs/RECORDS.md).
@Suite struct AuditDisposalUseCaseTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("audits-\(UUID().uuidString)").path
    let tool = ToolIdentity(name: "custody", version: "test", build: "")

    /// A shelf with two phones, another shelf with one; a clerk, a technician, a second supervisor.
    func makeCase() throws -> CaseStore {
        let store = try CaseStore.create(directory: directory, name: "Chuyên án Hoa Sen", agency: "PC04", authority: "Lệnh 17",
                                         timeZone: "Asia/Ho_Chi_Minh", examiner: .init(id: "sup1", name: "Nguyễn Văn An"))
        try store.addExaminer(id: "clerk1", name: "Đỗ Minh Châu", role: .clerk, by: "sup1")
        try store.addExaminer(id: "tech1", name: "Trần Thị Bình", role: .technician, by: "sup1")
        try store.addExaminer(id: "sup2", name: "Lê Văn Dũng", role: .supervisor, by: "sup1")
        for (label, parent) in [("KHO-1", nil), ("KE-A", "KHO-1"), ("KE-B", "KHO-1")] as [(String, String?)] {
            try store.addDevice(DeviceSpec(label: label, type: .device(.location), parent: parent), by: "sup1")
        }
        for (label, shelf) in [("PHONE-1", "KE-A"), ("PHONE-2", "KE-A"), ("PHONE-3", "KE-B")] {
            _ = try Seizure(label: label, place: "Kho", when: "2026-12-01", from: "x", type: "phone").record(in: store, by: "sup1")
            try store.move(label, to: shelf, by: "clerk1")
        }
        return store
    }

    func entries(_ store: CaseStore) throws -> Int { try store.lineRecords().count }

    @Test func anAuditThroughTheUseCases() throws {
        let store = try makeCase()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (_, started) = try ShelfAudits.start(store, location: "KE-A", by: "clerk1")
        #expect(started.schema == "custody.audit/1" && !started.finished && started.result.missing == ["PHONE-1", "PHONE-2"])
        let (_, expected) = try ShelfAudits.scan(store, audit: started.id, code: "PHONE-1", by: "clerk1")
        #expect(expected.status == "expected" && expected.item == "PHONE-1" && expected.expectedAt == nil)
        let (_, elsewhere) = try ShelfAudits.scan(store, audit: started.id, code: "PHONE-3", by: "tech1")
        #expect(elsewhere.status == "unexpected" && elsewhere.expectedAt == "KE-B")
        let (_, unknown) = try ShelfAudits.scan(store, audit: started.id, code: "XYZ", by: "clerk1")
        #expect(unknown.status == "unknown" && unknown.item == nil)
        let preview = try ShelfAudits.show(store, audit: started.id)
        #expect(!preview.finished && preview.scans.map(\.code) == ["PHONE-1", "PHONE-3", "XYZ"])
        let (entry, finished) = try ShelfAudits.finish(store, audit: started.id, by: "clerk1")
        #expect(finished.finished && finished.finishEntry == entry.entry.sequence)
        #expect(finished.result.found == ["PHONE-1"] && finished.result.missing == ["PHONE-2"] && finished.result.unknown == ["XYZ"])
        #expect(finished.result.unexpected == [UnexpectedItem(item: "PHONE-3", expectedAt: "KE-B")])
        #expect(try ShelfAudits.list(store).audits.map(\.id) == [started.id])
        #expect(try ShelfAudits.list(store, location: "KE-B").audits.isEmpty)
        #expect(try ShelfAudits.lastAudit(store, label: "PHONE-1").finishedAt == entry.entry.time.description)
        #expect(try ShelfAudits.lastAudit(store, label: "PHONE-2").audit == nil)
        #expect(throws: WorkbenchError.self) { try ShelfAudits.lastAudit(store, label: "NOPE") }
        let overdue = try ShelfAudits.overdue(store, days: 0, now: Date().addingTimeInterval(60))
        #expect(overdue.items.map(\.item) == ["PHONE-2", "PHONE-1", "PHONE-3"], "never audited first (label order), then by last audit")
        #expect(try ShelfAudits.overdue(store, days: 30).items.map(\.item) == ["PHONE-2"])
        #expect(throws: WorkbenchError("--days -1 must be 0 or more")) { try ShelfAudits.overdue(store, days: -1) }

        // The report: the four sets with their counts, in both languages.
        let source = try RecordForms.source(store, kind: .audit, label: "KE-A", seq: entry.entry.sequence, tool: tool)
        let vi = try RecordDocument.html(source, language: .vi)
        #expect(vi.contains("BIÊN BẢN KIỂM KÊ VẬT CHỨNG") && vi.contains("Không tìm thấy (1)") && vi.contains("PHONE-2"))
        #expect(vi.contains("PHONE-3 (theo sổ ở: KE-B)") && vi.contains("Mã không xác định (1)") && vi.contains("Số mã đã quét: 3."))
        #expect(!vi.contains("⟦"))
        let en = try RecordDocument.html(source, language: .en)
        #expect(en.contains("RECORD OF AUDIT OF EXHIBITS IN STORAGE") && en.contains("Found (1)") && en.contains("Missing (1)"))
        #expect(en.contains("PHONE-3 (expected at KE-B)") && en.contains("Unknown codes (1)") && en.contains("3 codes were scanned."))
        #expect(!en.contains("⟦"))
        let openAudit = try ShelfAudits.start(store, location: "KE-B", by: "clerk1").1
        #expect(throws: WorkbenchError.self) {
            try ShelfAudits.printReport(store, audit: openAudit.id, language: .en, to: directory + "/x.pdf", tool: tool, by: "clerk1")
        }
    }

    @Test func theTwoPersonRuleAndEveryRefusal() throws {
        let store = try makeCase()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(throws: WorkbenchError("--method burn: use destroy or return")) { try Disposals.method("burn") }
        #expect(try Disposals.method("RETURN") == .giveBack)
        #expect(throws: WorkbenchError("--state done: use one of requested, approved, executed")) { try Disposals.state("done") }

        let (_, request) = try Disposals.request(store, label: "PHONE-1", method: .destroy, to: nil, reason: "Bản án 12/2026", by: "clerk1")
        #expect(request.schema == "custody.disposal/1" && request.state == "requested" && request.requestedBy == "clerk1")
        let waiting = try #require(try store.disposal(request.id))
        let examiners = Dictionary(uniqueKeysWithValues: try store.examiners().map { ($0.id, $0) })
        #expect(Disposals.mayApprove(waiting, examiner: examiners["sup1"]!) && Disposals.mayApprove(waiting, examiner: examiners["sup2"]!))
        #expect(!Disposals.mayApprove(waiting, examiner: examiners["clerk1"]!) && !Disposals.mayApprove(waiting, examiner: examiners["tech1"]!))

        let before = try entries(store)
        for (who, why) in [("clerk1", "examiner clerk1 is a clerk: only a supervisor may approve a disposal or return; nothing was written"),
                           ("tech1", "examiner tech1 is a technician: only a supervisor may approve a disposal or return; nothing was written")] {
            #expect(throws: WorkbenchError(why)) { try Disposals.approve(store, request: request.id, by: who) }
        }
        #expect(throws: WorkbenchError.self) { try Disposals.execute(store, request: request.id, participants: [EventParticipant(role: .witness, name: "W")], by: "clerk1") }
        #expect(try entries(store) == before, "no refusal writes")

        // A supervisor's own request: the other supervisor approves, never the requester.
        let (_, own) = try Disposals.request(store, label: "PHONE-2", method: .giveBack, to: "Phạm Văn Đức", reason: "Quyết định trả lại", by: "sup1")
        #expect(!Disposals.mayApprove(try #require(try store.disposal(own.id)), examiner: examiners["sup1"]!))
        #expect(throws: WorkbenchError("examiner sup1 requested disposal \(own.id) and may not approve it too (two-person rule): another supervisor must approve it; nothing was written")) {
            try Disposals.approve(store, request: own.id, by: "sup1")
        }
        let (_, approved) = try Disposals.approve(store, request: own.id, by: "sup2")
        #expect(approved.state == "approved" && approved.approvedBy == "sup2")
        let witnesses = try CustodyEvent.participants(["investigator=Nguyễn Văn An"], witnesses: ["Lê Thị Hằng,Tổ dân phố 3"])
        let (executed, done) = try Disposals.execute(store, request: own.id, participants: witnesses, by: "clerk1")
        #expect(done.state == "executed" && done.executeEntry == executed.entry.sequence && done.to == "Phạm Văn Đức")
        #expect(try Disposals.list(store, state: .executed).disposals.map(\.id) == [own.id])
        #expect(try Disposals.list(store).disposals.map(\.id) == [own.id, request.id], "newest first")
        #expect(try Disposals.show(store, request: own.id).state == "executed")

        // The return's record: its own kind, the person it went to, the request and approval.
        let record = try RecordDocument.html(RecordForms.source(store, kind: .giveBack, label: "PHONE-2", seq: nil, tool: tool), language: .vi)
        #expect(record.contains("BIÊN BẢN TRẢ LẠI VẬT CHỨNG") && record.contains("Trả lại vật chứng liệt kê dưới đây cho Phạm Văn Đức"))
        #expect(record.contains("đề nghị số \(own.id)") && record.contains("mục số \(approved.approveEntry!)") && record.contains("Lê Thị Hằng"))
        #expect(!record.contains("Chưa ghi nhận"), "the receiver is the person it was returned to, the witness named")
        #expect(throws: WorkbenchError.self) { try RecordForms.source(store, kind: .disposal, label: "PHONE-2", seq: nil, tool: tool) }
        #expect(throws: WorkbenchError("entry \(executed.entry.sequence) of PHONE-2 is custody.dispose for a return, so it has no disposal record; print it as `custody form return`")) {
            try RecordForms.source(store, kind: .disposal, label: "PHONE-2", seq: executed.entry.sequence, tool: tool)
        }
    }
}
