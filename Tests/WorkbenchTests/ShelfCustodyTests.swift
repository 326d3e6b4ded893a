import CaseStore
import Export
import Foundation
import Ledger
import Testing
import Wording
import Workbench

/// The dashboard's and item page's custody data, a bulk action with its refusals, and the batch
/// receipt's content (docs/CASE-STORE.md, "Custody on the shelf"; docs/RECORDS.md, "Batch receipt").
@Suite struct ShelfCustodyTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shelf-\(UUID().uuidString)").path

    func makeCase() throws -> CaseStore {
        let store = try CaseStore.create(directory: directory, name: "Chuyên án Hoa Sen", agency: "PC04", authority: "Lệnh 17",
                                         timeZone: "Asia/Ho_Chi_Minh", examiner: .init(id: "sup1", name: "Nguyễn Văn An"))
        try store.addExaminer(id: "clerk1", name: "Đỗ Minh Châu", role: .clerk, by: "sup1")
        try store.addExaminer(id: "tech1", name: "Trần Thị Bình", role: .technician, by: "sup1")
        try store.addDevice(DeviceSpec(label: "ROOM-1", type: .device(.location)), by: "clerk1")
        try store.addDevice(DeviceSpec(label: "SHELF-A", type: .device(.location), parent: "ROOM-1"), by: "clerk1")
        try store.addDevice(DeviceSpec(label: "SHELF-B", type: .device(.location), parent: "ROOM-1"), by: "clerk1")
        for n in 1...3 {
            var phone = DeviceSpec(label: "PH-\(n)", type: .device(.phone))
            phone.make = "Samsung"
            try store.addDevice(phone, by: "clerk1")
            try store.move("PH-\(n)", to: "SHELF-A", by: "clerk1")
        }
        return store
    }

    /// Noon UTC on `day` (YYYY-MM-DD).
    func noon(_ day: String) throws -> Date {
        try #require(ISO8601DateFormatter().date(from: day + "T12:00:00Z"))
    }

    @Test func statusCountsWhatIsOutAndWhatIsOverdue() throws {
        let store = try makeCase()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try store.checkOut("PH-1", to: "tech1", purpose: "extraction", due: "2099-01-10", by: "clerk1")
        try store.checkOut("PH-2", to: "tech1", purpose: "photos", by: "clerk1")

        let early = try ShelfCustody.status(store, now: noon("2099-01-10"))
        #expect(early.schema == "custody.status/1" && early.today == "2099-01-10")
        #expect(early.counts == ["phone": ["on-shelf": 1, "checked-out": 2]])
        #expect(early.totals == ["on-shelf": 1, "checked-out": 2, "disposed": 0])
        #expect(early.checkedOut.map(\.label) == ["PH-1", "PH-2"] && early.overdue.isEmpty, "due today is not overdue")
        #expect(early.checkedOut[0].holderName == "Trần Thị Bình" && early.checkedOut[0].purpose == "extraction")

        let late = try ShelfCustody.status(store, now: noon("2099-01-11"))
        #expect(late.overdue.map(\.label) == ["PH-1"] && late.overdue[0].due == "2099-01-10")

        let item = try ShelfCustody.item("PH-1", in: store, now: noon("2099-01-11"))
        #expect(item.schema == "custody.item-custody/1" && item.state == "checked-out")
        #expect(item.location == "SHELF-A" && item.locationPath == ["ROOM-1", "SHELF-A"] && item.inheritedFrom == nil)
        #expect(item.checkedOut?.holder == "tech1" && item.checkedOut?.overdue == true)
        #expect(try ShelfCustody.item("PH-3", in: store).checkedOut == nil)

        let tree = try ShelfCustody.locations(store)
        #expect(tree.locations.map(\.label) == ["ROOM-1"])
        #expect(tree.locations[0].children.map(\.label) == ["SHELF-A", "SHELF-B"])
        #expect(tree.locations[0].children[0].items == 1 && tree.locations[0].children[0].path == ["ROOM-1", "SHELF-A"])
        let shelf = try ShelfCustody.location("SHELF-A", in: store)
        #expect(shelf.path == ["ROOM-1", "SHELF-A"] && shelf.items.map(\.label) == ["PH-3"])
        #expect(try ShelfCustody.location("ROOM-1", in: store).children == ["SHELF-A", "SHELF-B"])
    }

    @Test func aBulkActionRecordsEachLabelAndReportsEachRefusal() throws {
        let store = try makeCase()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try store.checkOut("PH-2", to: "tech1", purpose: "photos", by: "clerk1")
        let batch = try BulkCustody.record(.checkOut(to: "tech1", purpose: "giám định", due: nil), labels: ["PH-1", "NOPE", "PH-2", "PH-3"],
                                           in: store, by: "clerk1")
        #expect(batch.schema == "custody.bulk/1" && batch.action == "custody.checkout")
        #expect(batch.recorded == 2 && batch.refused == 2 && batch.lines.map(\.label) == ["PH-1", "NOPE", "PH-2", "PH-3"])
        #expect(batch.lines[1].refused?.contains("no item \"NOPE\"") == true)
        #expect(batch.lines[2].refused?.contains("already checked out to tech1") == true)
        #expect(batch.details == ["to": "tech1", "purpose": "giám định"])
        #expect(batch.entries.count == 2 && batch.entries == batch.entries.sorted())
        #expect(throws: WorkbenchError.self) { try BulkCustody.record(.note(text: "x"), labels: ["PH-1"], in: store, by: "clerk1") }

        // The receipt lists the recorded entries, both sides and the QR code's digest of their hashes.
        let entries = try store.entries(batch.entries)
        let source = ReceiptSource(caseRecord: store.caseRecord, entries: entries,
                                   items: Dictionary(uniqueKeysWithValues: try store.items().map { ($0.label, $0) }), examiners: try store.examiners())
        let html = try RecordDocument.html(source, language: .vi)
        #expect(html.contains("BIÊN BẢN GIAO NHẬN VẬT CHỨNG XUẤT KHO") && html.contains("giao cho Trần Thị Bình"))
        #expect(html.contains("bên giao") && html.contains("Đỗ Minh Châu") && html.contains("bên nhận"))
        #expect(html.contains("PH-1") && html.contains("PH-3") && !html.contains("NOPE") && !html.contains(">PH-2<"))
        #expect(html.contains("Số: \(batch.entries[0])–\(batch.entries[1])/BB") && !html.contains("⟦"))
        let digest = SHA256Hash.of(entries.flatMap(\.hash.bytes)).hex
        #expect(source.qrText == "custody.receipt/1 \(store.caseID) 2 \(digest)" && html.contains(digest))
        let english = try RecordDocument.html(source, language: .en)
        #expect(english.contains("RECEIPT FOR EXHIBITS RELEASED FROM THE EVIDENCE STORE") && !english.contains("⟦"))

        // A receipt lists one action only.
        let moved = try store.move("SHELF-B", to: "SHELF-A", by: "clerk1")
        var mixed = source
        mixed.entries.append(moved)
        #expect(throws: RecordError.self) { try RecordDocument.html(mixed, language: .vi) }
    }

    @Test func theLabelListIsOneLabelPerLine() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/scans.txt"
        try Data("PH-1\r\n  PH-2 \n\nPH-1\n".utf8).write(to: URL(fileURLWithPath: file))
        #expect(try BulkCustody.labels(fromFile: file) == ["PH-1", "PH-2", "PH-1"], "scan order kept, a repeat scan kept (the store refuses it)")
        try Data("\n \n".utf8).write(to: URL(fileURLWithPath: file))
        #expect(throws: WorkbenchError.self) { try BulkCustody.labels(fromFile: file) }
        #expect(throws: WorkbenchError.self) { try BulkCustody.labels(fromFile: directory + "/missing.txt") }
    }
}
