import CaseStore
import Foundation
import Ledger
import SIMCard
import Synchronization
import Testing

/// What batch reading relies on in the store: one item per SIM however many stations read it at
/// once, the retry list, the progress counts and the placement rules.
@Suite struct BatchTests {
    /// A stored read of `iccid` (nil: the read stopped before the ICCID).
    func acquisition(_ iccid: String?, complete: Bool) throws -> SIMAcquisition {
        var a = SIMAcquisition.notConnected(reader: "Bench 1", atr: [0x3B, 0x00], scope: .identity, reason: "card removed during the read")
        if let iccid {
            a.iccid = try JSONDecoder().decode(SIMAcquisition.ICCIDView.self, from: Data(#"{"digits":"\#(iccid)","luhnValid":true}"#.utf8))
        }
        a.complete = complete
        if complete { a.incompleteReason = nil }
        return a
    }

    func record(_ c: TempCase, _ a: SIMAcquisition) throws -> CaseStore.AcquisitionOutcome {
        try c.store.recordAcquisition(a, record: try JSONEncoder().encode(a), by: "tech1")
    }

    @Test(arguments: Backend.all) func simultaneousReadsOfOneSIMMakeOneItemAndOneFirstAcquisition(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try c.store.addExaminer(id: "tech1", name: "Tran B", role: .technician, by: "sup1")
        let read = try acquisition("8984012204000123456", complete: true)
        let outcomes = Mutex<[Bool]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            if let o = try? record(c, read) { outcomes.withLock { $0.append(o.reread) } }
        }
        let rereads = outcomes.withLock { $0 }
        #expect(rereads.count == 8, "every read is stored")
        #expect(rereads.filter { !$0 }.count == 1, "exactly one first acquisition")
        let actions = try c.store.entries().map(\.entry.action)
        #expect(actions.filter { $0 == .simAcquire }.count == 1)
        #expect(actions.filter { $0 == .simReread }.count == 7)
        #expect(try c.store.items(type: .device(.sim)).count == 1)
        #expect(try c.store.verify().failure == nil)
    }

    @Test(arguments: Backend.all) func theRetryListHoldsSIMsWithoutACompleteReadAndUnidentifiedReads(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try c.store.addExaminer(id: "tech1", name: "Tran B", role: .technician, by: "sup1")
        var lot = DeviceSpec(label: "LOT-1", type: .device(.simlot))
        lot.count = 5
        try c.store.addDevice(lot, by: "tech1")
        var registered = DeviceSpec(label: "SIM-A", type: .device(.sim), parent: "LOT-1")
        registered.iccid = "8984012204000123456"
        try c.store.addDevice(registered, by: "tech1")
        #expect(try c.store.batchProgress() == BatchProgress(expected: 5, read: 0, pending: 0))

        let first = try record(c, acquisition("8984012204000123456", complete: false))
        #expect(first.label == "SIM-A")
        _ = try record(c, acquisition("8984012204000123456", complete: false))
        _ = try record(c, acquisition(nil, complete: false))
        let pending = try c.store.pendingReads()
        #expect(pending.map(\.label) == ["SIM-A", nil])
        #expect(pending.first?.attempts == 2)
        #expect(pending.first?.reason == "card removed during the read")
        #expect(pending.first?.reader == "Bench 1")
        #expect(try c.store.batchProgress() == BatchProgress(expected: 5, read: 0, pending: 2))

        _ = try record(c, acquisition("8984012204000123456", complete: true))
        _ = try record(c, acquisition("89840523010000012344", complete: true))
        #expect(try c.store.pendingReads().map(\.label) == [nil], "a complete read takes the SIM off the list")
        // SIM-A in the lot counts once; the unregistered SIM read is one more expected SIM.
        #expect(try c.store.batchProgress() == BatchProgress(expected: 6, read: 2, pending: 1))
    }

    @Test(arguments: Backend.all) func placementRefusesLoopsAndSilentMoves(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try c.populate()
        try c.store.recordEvent(.custodySeize, label: "BAG-1", details: ["where": "Hanoi", "when": "2026-11-01", "from": "suspect"], by: "tech1")
        let first = try c.store.place("BAG-1", in: "EX-1", by: "tech1")
        #expect(first.from == nil)
        #expect(first.entry.entry.payload == ["to": .string("EX-1")])
        #expect(try c.store.item("BAG-1")?.parent == "EX-1")
        let before = try c.entryCount()
        do {
            try c.store.place("EX-1", in: "BAG-1", by: "tech1")
            Issue.record("an item was placed inside its own content")
        } catch {
            #expect("\(error)".contains("BAG-1 is inside EX-1: an item cannot contain itself"), "\(error)")
        }
        do {
            try c.store.place("BAG-1", in: "EX-1", by: "tech1")
            Issue.record("placing an item where it already is wrote an entry")
        } catch {
            #expect("\(error)".contains("already in EX-1"))
        }
        #expect(try c.entryCount() == before, "refusals write nothing")
        try c.store.recordEvent(.custodySeize, label: "EX-2", details: ["where": "Hanoi", "when": "2026-11-01", "from": "suspect"], by: "tech1")
        do {
            try c.store.place("BAG-1", in: "EX-2", by: "tech1")
            Issue.record("an item recorded elsewhere moved without --move")
        } catch {
            #expect("\(error)".contains("BAG-1 is recorded in EX-1, not EX-2"), "\(error)")
        }
        let moved = try c.store.place("BAG-1", in: "EX-2", move: true, by: "tech1")
        #expect(moved.from == "EX-1")
        #expect(moved.entry.entry.payload == ["from": .string("EX-1"), "to": .string("EX-2")])
        #expect(moved.entry.entry.subjects == ["BAG-1", "EX-2"])
        #expect(try c.store.item("BAG-1")?.parent == "EX-2")
        #expect(try c.store.verify().failure == nil)
    }

    /// CONTEXT.md: most Vietnamese ICCID issuer prefixes must be learned from the cards. A SIM
    /// whose IMSI is behind its PIN takes the operator its prefix was read with in this case.
    @Test(arguments: Backend.all) func operatorsOfPINLockedSIMsAreLearnedFromTheirICCIDPrefix(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try c.store.addExaminer(id: "tech1", name: "Tran B", role: .technician, by: "sup1")
        func read(_ iccid: String, imsi: String?) throws {
            var a = try acquisition(iccid, complete: true)
            a.imsi = try JSONDecoder().decode(SIMAcquisition.IMSIView.self, from: Data((imsi.map {
                #"{"state":"read","path":"ADF.USIM/6F07","digits":"\#($0)","mcc":"452","mnc":"\#($0.dropFirst(3).prefix(2))"}"#
            } ?? #"{"state":"pinRequired","path":"ADF.USIM/6F07"}"#).utf8))
            _ = try record(c, a)
        }
        try read("8984049000000000018", imsi: "452041234567890")
        try read("8984049000000000026", imsi: "452041234567891")
        try read("8984049000000000034", imsi: nil)
        try read("8984019000000000012", imsi: nil)
        try read("8984779000000000019", imsi: nil)
        let byICCID = Dictionary(uniqueKeysWithValues: try c.store.simStatuses().map { ($0.iccid ?? "", $0) })
        let locked = try #require(byICCID["8984049000000000034"])
        #expect(locked.state == .pinLocked)
        #expect(locked.operatorName == byICCID["8984049000000000018"]?.operatorName)
        #expect(locked.operatorSource == "ICCID prefix 898404 (learned from 2 read SIMs of this case)")
        // No read SIM of prefix 898401: the issuer table's name; an unknown prefix: unknown.
        #expect(byICCID["8984019000000000012"]?.operatorSource == "ICCID issuer")
        #expect(byICCID["8984779000000000019"]?.operatorName == "unknown")
    }
}
