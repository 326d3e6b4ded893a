import CaseStore
import Foundation
import GRDB
import Ledger
import Testing

/// Custody on the shelf in the store (docs/CASE-STORE.md, "Custody on the shelf"): locations as
/// items, moves, check-outs and check-ins with their refusals, the state table kept in the
/// entry's transaction and checked by `ledger verify`, and its fill from an older ledger.
@Suite struct CustodyStateTests {
    /// ROOM-1 ▸ SHELF-A ▸ BOX-1, SHELF-B; a phone in a bag, a SIM box with one port.
    func shelves(_ c: TempCase) throws {
        try c.store.addExaminer(id: "clerk1", name: "Le C", role: .clerk, by: "sup1")
        try c.store.addExaminer(id: "tech1", name: "Tran B", role: .technician, by: "sup1")
        for (label, parent) in [("ROOM-1", nil), ("SHELF-A", "ROOM-1"), ("BOX-1", "SHELF-A"), ("SHELF-B", "ROOM-1")] as [(String, String?)] {
            try c.store.addDevice(DeviceSpec(label: label, type: .device(.location), parent: parent), by: "clerk1")
        }
        try c.store.recordEvent(.custodySeize, label: "BAG-1", details: ["where": "Hanoi", "when": "2026-11-01", "from": "A"], by: "clerk1",
                                newItemType: "bag")
        try c.store.recordEvent(.custodySeize, label: "PHONE-1", details: ["where": "Hanoi", "when": "2026-11-01", "from": "A"], by: "clerk1",
                                newItemType: "phone", parent: "BAG-1")
        var box = DeviceSpec(label: "SB-1", type: .device(.simbox))
        box.ports = 1
        try c.store.addDevice(box, by: "clerk1")
    }

    func refusal(_ body: () throws -> Void) -> String {
        do { try body() } catch { return "\(error)" }
        return "not refused"
    }

    @Test(arguments: Backend.all) func movesGiveEveryItemALocationAndAPath(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try shelves(c)
        let moved = try c.store.move("BAG-1", to: "BOX-1", by: "clerk1")
        #expect(moved.entry.action == .custodyMove && moved.entry.subjects == ["BAG-1", "BOX-1"])
        #expect(moved.entry.payload["to"] == .string("BOX-1") && moved.entry.payload["from"] == nil)

        // The phone in the bag is where the bag is; the path runs room ▸ shelf ▸ box.
        let phone = try c.store.custody(of: "PHONE-1")
        #expect(phone.state == .onShelf && phone.record == nil)
        #expect(phone.location == "BOX-1" && phone.inheritedFrom == "BAG-1" && phone.path == ["ROOM-1", "SHELF-A", "BOX-1"])
        #expect(try c.store.items(atLocation: "BOX-1").map(\.label) == ["BAG-1"])

        // Moving on records where it came from; the box itself moves to another shelf with its bag.
        let again = try c.store.move("BAG-1", to: "SHELF-B", by: "clerk1")
        #expect(again.entry.payload["from"] == .string("BOX-1"))
        #expect(try c.store.items(atLocation: "BOX-1").isEmpty)
        try c.store.move("BAG-1", to: "BOX-1", by: "clerk1")
        let boxMove = try c.store.move("BOX-1", to: "SHELF-B", by: "clerk1")
        #expect(boxMove.entry.payload["from"] == .string("SHELF-A"))
        #expect(try c.store.item("BOX-1")?.parent == "SHELF-B")
        #expect(try c.store.custody(of: "PHONE-1").path == ["ROOM-1", "SHELF-B", "BOX-1"])
        #expect(try c.store.itemCountsByLocation() == ["BOX-1": 1])

        // Refusals: one line each, nothing written.
        let before = try c.entryCount()
        #expect(refusal { try c.store.move("BAG-1", to: "PHONE-1", by: "clerk1") }.contains("PHONE-1 is a phone, not a location"))
        #expect(refusal { try c.store.move("ROOM-1", to: "BOX-1", by: "clerk1") }.contains("a location cannot be moved into itself"))
        #expect(refusal { try c.store.move("SHELF-A", to: "SHELF-A", by: "clerk1") }.contains("a location cannot be moved into itself"))
        #expect(refusal { try c.store.move("BAG-1", to: "BOX-1", by: "clerk1") }.contains("BAG-1 is already at BOX-1"))
        #expect(refusal { try c.store.move("SB-1/P1", to: "BOX-1", by: "clerk1") }.contains("goes where the box goes"))
        #expect(refusal { try c.store.move("NOPE", to: "BOX-1", by: "clerk1") }.contains("no item \"NOPE\""))
        #expect(refusal { try c.store.move("BAG-1", to: "NOPE", by: "clerk1") }.contains("no item \"NOPE\""))
        #expect(refusal { try c.store.place("SHELF-A", in: "SHELF-B", move: true, by: "clerk1") }.contains("custody event move SHELF-A"))
        #expect(refusal { try c.store.addDevice(DeviceSpec(label: "SHELF-X", type: .device(.location), parent: "BAG-1"), by: "clerk1") }
            .contains("a location cannot be inside a bag"))
        #expect(try c.entryCount() == before)
        #expect(try c.store.verify().failure == nil)
    }

    @Test(arguments: Backend.all) func checkOutAndInKeepTheStateAndRefuseWhatCannotBe(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try shelves(c)
        try c.store.move("PHONE-1", to: "SHELF-A", by: "clerk1")
        let out = try c.store.checkOut("PHONE-1", to: "tech1", purpose: "extraction", due: "2099-01-31", by: "clerk1",
                                       participants: [EventParticipant(role: .technician, name: "Tran B")])
        #expect(out.entry.payload["to"] == .string("tech1") && out.entry.payload["purpose"] == .string("extraction"))
        #expect(out.entry.payload["due"] == .string("2099-01-31") && out.entry.payload["location"] == .string("SHELF-A"))
        let state = try #require(try c.store.custody(of: "PHONE-1").record)
        #expect(state.state == .checkedOut && state.holder == "tech1" && state.purpose == "extraction" && state.due == "2099-01-31")
        #expect(state.since == out.entry.time.description && state.seq == out.entry.sequence)
        #expect(try c.store.items(atLocation: "SHELF-A").isEmpty, "a checked-out item is not on the shelf")
        let listed = try c.store.checkedOutItems()
        #expect(listed.map(\.item.label) == ["PHONE-1"] && listed.first?.holderName == "Tran B")
        #expect(try c.store.custodyCounts().contains(CustodyCount(type: .device(.phone), state: .checkedOut, count: 1)))

        let before = try c.entryCount()
        #expect(refusal { try c.store.checkOut("PHONE-1", to: "tech1", purpose: "again", by: "clerk1") }.contains("already checked out to tech1"))
        #expect(refusal { try c.store.move("PHONE-1", to: "SHELF-B", by: "clerk1") }.contains("is checked out to tech1"))
        #expect(refusal { try c.store.checkOut("BAG-1", to: "ghost", purpose: "x", by: "clerk1") }.contains("--to ghost: no such examiner"))
        #expect(refusal { try c.store.checkOut("BAG-1", to: "tech1", purpose: " ", by: "clerk1") }.contains("--purpose must not be empty"))
        #expect(refusal { try c.store.checkOut("BAG-1", to: "tech1", purpose: "x", due: "2026-02-30", by: "clerk1") }.contains("is not a date"))
        #expect(refusal { try c.store.checkOut("BAG-1", to: "tech1", purpose: "x", due: "2020-01-01", by: "clerk1") }.contains("is before today"))
        #expect(refusal { try c.store.checkOut("SHELF-A", to: "tech1", purpose: "x", by: "clerk1") }.contains("SHELF-A is a location"))
        #expect(refusal { try c.store.checkIn("BAG-1", by: "clerk1") }.contains("BAG-1 is not checked out"))
        #expect(refusal { try c.store.checkIn("PHONE-1", location: "BAG-1", by: "clerk1") }.contains("--location BAG-1 is a bag, not a location"))
        #expect(refusal { try c.store.recordEvent(.custodyCheckOut, label: "BAG-1", details: ["reason": "x"], by: "clerk1") }
            .contains("recorded by CaseStore.move, checkOut or checkIn"))
        #expect(try c.entryCount() == before)

        // Back in: to the location it left unless told otherwise, with who returned it.
        let back = try c.store.checkIn("PHONE-1", reason: "intact", by: "clerk1")
        #expect(back.entry.payload["location"] == .string("SHELF-A") && back.entry.payload["from"] == .string("tech1"))
        #expect(back.entry.payload["reason"] == .string("intact"))
        #expect(try c.store.custody(of: "PHONE-1").state == .onShelf)
        #expect(try c.store.items(atLocation: "SHELF-A").map(\.label) == ["PHONE-1"])
        try c.store.checkOut("PHONE-1", to: "tech1", purpose: "second look", by: "clerk1")
        let elsewhere = try c.store.checkIn("PHONE-1", location: "SHELF-B", by: "clerk1")
        #expect(elsewhere.entry.subjects == ["PHONE-1", "SHELF-B"])
        #expect(try c.store.custody(of: "PHONE-1").path == ["ROOM-1", "SHELF-B"])

        // Disposed: out of every list, refused by every custody event.
        let request = try c.store.requestDisposal(label: "PHONE-1", method: .giveBack, recipient: "A", reason: "returned to owner", by: "clerk1").1
        try c.store.approveDisposal(request.id, by: "sup1")
        try c.store.executeDisposal(request.id, participants: [EventParticipant(role: .witness, name: "W")], by: "clerk1")
        #expect(try c.store.custody(of: "PHONE-1").state == .disposed)
        #expect(try c.store.items(atLocation: "SHELF-B").isEmpty && c.store.checkedOutItems().isEmpty)
        #expect(refusal { try c.store.move("PHONE-1", to: "SHELF-A", by: "clerk1") }.contains("PHONE-1 was disposed of"))
        #expect(refusal { try c.store.checkOut("PHONE-1", to: "tech1", purpose: "x", by: "clerk1") }.contains("was disposed of"))
        #expect(refusal { try c.store.checkIn("PHONE-1", by: "clerk1") }.contains("PHONE-1 was disposed of"))
        #expect(refusal { try c.store.requestDisposal(label: "PHONE-1", method: .destroy, recipient: nil, reason: "again", by: "clerk1") }
            .contains("PHONE-1 was already returned"))
        let counts = try c.store.custodyCounts()
        #expect(counts.contains(CustodyCount(type: .device(.phone), state: .disposed, count: 1)))
        #expect(counts.contains(CustodyCount(type: .other("bag"), state: .onShelf, count: 1)))
        #expect(counts.contains(CustodyCount(type: .device(.simbox), state: .onShelf, count: 1)))
        #expect(!counts.contains { [.device(.location), .device(.port), .device(.slot)].contains($0.type) })
        #expect(try c.store.verify().failure == nil)
    }

    /// A case from before schema 7: its old-style check-out (a reason, no receiver) and check-in
    /// are in the ledger only. `ledger verify` misses their rows; the migration fills them.
    @Test func theMigrationFillsTheStateFromAnOlderLedgerAndVerifyChecksIt() throws {
        let c = try TempCase(.sqlite)
        defer { c.remove() }
        try shelves(c)
        try c.store.append(examiner: "clerk1", action: .custodyCheckOut, subjects: ["BAG-1"], payload: ["reason": .string("court")])
        try c.store.append(examiner: "clerk1", action: .custodyCheckOut, subjects: ["PHONE-1"], payload: ["reason": .string("lab")])
        try c.store.append(examiner: "clerk1", action: .custodyCheckIn, subjects: ["PHONE-1"], payload: ["reason": .string("back")])
        #expect(try c.store.verify().failure?.contains("changes the custody of BAG-1 but table custody_state has no row for it") == true)

        try c.raw().write { db in
            try db.execute(sql: "DROP TABLE custody_state")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v7-custody-state'")
            try db.execute(sql: "PRAGMA user_version = 6")
        }
        let reopened = try CaseStore.open(directory: c.directory)
        let bag = try #require(try reopened.custody(of: "BAG-1").record)
        #expect(bag.state == .checkedOut && bag.holder == nil && bag.purpose == "court")
        #expect(try reopened.custody(of: "PHONE-1").state == .onShelf)
        #expect(try reopened.verify().failure == nil)
        #expect(try c.raw().read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") } == 7)

        // A row edited by hand no longer matches the ledger.
        try c.raw().write { db in try db.execute(sql: "UPDATE custody_state SET state = 'on-shelf' WHERE label = 'BAG-1'") }
        #expect(try reopened.verify().failure?.contains("table custody_state's row for BAG-1 (on-shelf") == true)
    }

    @Test(arguments: Backend.all) func aCopyCarriesTheState(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try shelves(c)
        try c.store.move("BAG-1", to: "SHELF-A", by: "clerk1")
        try c.store.checkOut("PHONE-1", to: "tech1", purpose: "lab", by: "clerk1")
        let target = c.directory + "-copy"
        defer { try? FileManager.default.removeItem(atPath: target) }
        let (copy, _) = try c.store.copy(to: target)
        #expect(try copy.custodyStates() == c.store.custodyStates())
        #expect(try copy.custodyStates().count == 2)
    }
}
