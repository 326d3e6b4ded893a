import CaseStore
import Export
import Foundation
import Ledger
import Testing
import Wording
import Workbench

/// What a record (docs/RECORDS.md) says, read from its HTML: the entry chosen, the seals in
/// place, a box's contents, the people named or implied, the line for those missing.
@Suite struct RecordFormTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("records-\(UUID().uuidString)").path
    let tool = ToolIdentity(name: "custody", version: "test", build: "")

    func makeCase() throws -> CaseStore {
        let store = try CaseStore.create(directory: directory, name: "Chuyên án Hoa Sen", agency: "PC04", authority: "Lệnh 17",
                                         timeZone: "Asia/Ho_Chi_Minh", examiner: .init(id: "sup1", name: "Nguyễn Văn An"))
        try store.addExaminer(id: "tech1", name: "Trần Thị Bình", role: .technician, by: "sup1")
        var box = DeviceSpec(label: "SB-1", type: .device(.simbox))
        box.ports = 2
        box.slotsPerPort = 1
        try store.addDevice(box, by: "tech1")
        var sim = DeviceSpec(label: "SIM-A", type: .device(.sim), parent: "SB-1/P2/S1")
        sim.iccid = "8984012345678901236"
        try store.addDevice(sim, by: "tech1")
        return store
    }

    func html(_ store: CaseStore, _ kind: RecordKind, _ label: String, seq: Int64? = nil, _ language: Language = .vi) throws -> String {
        try RecordDocument.html(RecordForms.source(store, kind: kind, label: label, seq: seq, tool: tool), language: language)
    }

    @Test func sealsInPlaceContentsAndPeople() throws {
        let store = try makeCase()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try store.recordEvent(.custodySeal, label: "SB-1", details: ["seal": "NP-1"], by: "tech1",
                                          participants: [EventParticipant(role: .technician, name: "Trần Thị Bình")])
        try store.recordEvent(.custodyUnseal, label: "SB-1", details: ["seal": "NP-1"], by: "tech1")
        try store.recordEvent(.custodySeal, label: "SB-1", details: ["seal": "NP-2"], by: "tech1")
        try store.recordEvent(.custodyTransfer, label: "SB-1", details: ["releasedBy": "tech1", "receivedBy": "sup1", "purpose": "kho"], by: "tech1")

        // The latest seal record: NP-2 only (NP-1 was broken before it), the box's SIM but not its ports and slots.
        let latest = try html(store, .seal, "SB-1")
        #expect(latest.contains("NP-2") && !latest.contains("NP-1"))
        #expect(latest.contains("SIM-A") && latest.contains("ICCID 8984012345678901236"))
        #expect(!latest.contains("SB-1/P1") && !latest.contains("SB-1/P2/S1<"))
        #expect(latest.contains("Chưa ghi nhận người tham gia: cán bộ kỹ thuật, người chứng kiến"))
        #expect(latest.contains("người lập biên bản") && latest.contains("Trần Thị Bình"), "the recording examiner signs")
        #expect(!latest.contains("⟦") && latest.contains("<html lang=\"vi\">"))

        // The first, by its number: NP-1, its technician named, only the witness missing.
        let earlier = try html(store, .seal, "SB-1", seq: first.entry.sequence, .en)
        #expect(earlier.contains("NP-1") && !earlier.contains("NP-2"))
        #expect(earlier.contains("Participants not recorded: witness (") && earlier.contains("<html lang=\"en\">"))
        #expect(earlier.contains("RECORD OF SEALING OF EXHIBITS") && earlier.contains("SOCIALIST REPUBLIC OF VIET NAM"))

        // A hand-over names its releasing and receiving examiners: nobody is missing.
        let handover = try html(store, .handover, "SB-1")
        #expect(handover.contains("bên giao") && handover.contains("bên nhận") && handover.contains("Nguyễn Văn An"))
        #expect(!handover.contains("Chưa ghi nhận"))
        #expect(handover.contains("NP-2"), "still sealed at the hand-over")
    }

    /// A check-out names its receiver and due day, a check-in who returned it and where it was
    /// put; a check-out from before schema 7 (a reason only) still prints.
    @Test func checkOutAndCheckInRecordsNameThePeopleAndTheShelf() throws {
        let store = try makeCase()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try store.addDevice(DeviceSpec(label: "KE-A", type: .device(.location)), by: "tech1")
        try store.move("SB-1", to: "KE-A", by: "tech1")
        try store.checkOut("SB-1", to: "tech1", purpose: "giám định", due: "2099-01-31", by: "sup1",
                           participants: [EventParticipant(role: .clerk, name: "Đỗ Minh Châu")])
        let out = try html(store, .checkout, "SB-1")
        #expect(out.contains("Xuất kho vật chứng liệt kê dưới đây giao cho Trần Thị Bình. Mục đích: giám định."))
        #expect(out.contains("Hạn trả lại: ngày 31 tháng 01 năm 2099.") && out.contains("Lấy từ vị trí lưu kho KE-A."))
        #expect(out.contains("bên nhận") && !out.contains("⟦"))
        try store.checkIn("SB-1", reason: "nguyên vẹn", by: "sup1", participants: [EventParticipant(role: .technician, name: "Trần Thị Bình")])
        let back = try html(store, .checkin, "SB-1", .en)
        #expect(back.contains("Trần Thị Bình returned the exhibits listed below to the evidence store."))
        #expect(back.contains("Put back at storage location KE-A.") && back.contains("State and remarks: nguyên vẹn."))
        #expect(!back.contains("delivering party"), "the technician who returned it is named once")

        try store.append(examiner: "sup1", action: .custodyCheckOut, subjects: ["SIM-A"], payload: ["reason": .string("court")])
        #expect(try html(store, .checkout, "SIM-A", .en).contains("Released the exhibits listed below from the evidence store. Reason: court."))
    }

    @Test func aSeizureRecordIsDatedByTheSeizure() throws {
        let store = try makeCase()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try Seizure(label: "PHONE-1", place: "Số 5 phố Huế, Hà Nội", when: "2026-12-06 08:30", from: "Phạm Văn Đức", type: "phone")
            .record(in: store, by: "tech1")
        let dated = try html(store, .seizure, "PHONE-1")
        #expect(dated.contains("Hồi 08 giờ 30 phút, ngày 06 tháng 12 năm 2026, tại Số 5 phố Huế, Hà Nội."), "the seizure's own time, in the case's zone")
        #expect(try html(store, .seizure, "PHONE-1", .en).contains("At 08:30 on 6 December 2026, at Số 5 phố Huế, Hà Nội."))

        // A time written in words cannot be read as a date: the record is dated by its entry,
        // and the words stay in the proceedings as written.
        let entry = try Seizure(label: "PHONE-2", place: "Kho 1", when: "sáng ngày hôm qua", from: "Phạm Văn Đức", type: "phone")
            .record(in: store, by: "tech1")
        let undated = try html(store, .seizure, "PHONE-2")
        let zone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
        let catalog = Catalog.of(.vi)
        #expect(undated.contains("Hồi \(catalog.clockTime(entry.entry.time.date, timeZone: zone)), \(catalog.longDate(entry.entry.time.date, timeZone: zone))"))
        #expect(undated.contains("sáng ngày hôm qua"))
    }

    @Test func theEntryMustBeTheItemsAndOfTheKind() throws {
        let store = try makeCase()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sealed = try store.recordEvent(.custodySeal, label: "SB-1", details: ["seal": "NP-1"], by: "tech1")
        #expect(throws: WorkbenchError("entry \(sealed.entry.sequence) of SB-1 is custody.seal, not custody.dispose, so it has no disposal record; print it as `custody form seal`")) {
            try RecordForms.source(store, kind: .disposal, label: "SB-1", seq: sealed.entry.sequence, tool: tool)
        }
        #expect(throws: WorkbenchError("entry \(sealed.entry.sequence) is not an entry of SIM-A: pass one of its entries (`custody history SIM-A` lists them)")) {
            try RecordForms.source(store, kind: .seal, label: "SIM-A", seq: sealed.entry.sequence, tool: tool)
        }
        #expect(throws: WorkbenchError("SIM-A has no custody.unseal entry to print the unseal record from: record the event first, or choose another kind (`custody history SIM-A` lists its entries)")) {
            try RecordForms.source(store, kind: .unseal, label: "SIM-A", seq: nil, tool: tool)
        }
    }
}
