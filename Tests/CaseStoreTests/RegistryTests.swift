import CaseStore
import Foundation
import GRDB
import Ledger
import SIMCard
import Testing

@Suite struct RegistryTests {
    func box(_ c: TempCase) throws {
        try c.store.addDevice(DeviceSpec(label: "SYS-1", type: .device(.system)), by: "sup1")
        var sb = DeviceSpec(label: "SB-03", type: .device(.simbox), parent: "SYS-1")
        sb.ports = 32
        sb.slotsPerPort = 4
        try c.store.addDevice(sb, by: "sup1")
    }

    func refusal(_ body: () throws -> Void) -> String {
        do { try body(); return "no error" } catch { return "\(error)" }
    }

    @Test(arguments: Backend.all) func aSIMBoxGetsItsPortsAndSlotsInOneEntry(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try box(c)
        #expect(try c.entryCount() == 3)
        let items = try c.store.items()
        #expect(items.filter { $0.type == .device(.port) }.count == 32)
        #expect(items.filter { $0.type == .device(.slot) }.count == 128)
        #expect(try c.store.item("SB-03/P17/S2")?.parent == "SB-03/P17")
        #expect(try c.store.item("SB-03/P17")?.parent == "SB-03")
        let entry = try #require(c.store.entries().last).entry
        #expect(entry.action == .deviceAdd)
        #expect(entry.subjects == ["SB-03"])
        #expect(entry.payload["items"]?.integerValue == 161)
        #expect(try c.store.history("SB-03/P32/S4").map(\.entry.sequence) == [2], "a slot's history starts with the entry that created it")
        #expect(try c.store.verify().isValid)
    }

    @Test(arguments: Backend.all) func eachConsistencyRuleRefusesWithItsReason(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try box(c)
        let before = try c.entryCount()
        // A label used twice.
        #expect(refusal { try c.store.addDevice(DeviceSpec(label: "SB-03", type: .device(.simbank)), by: "sup1") }
            .contains("label SB-03 is already used by a simbox item"))
        // A port index outside the box's port count; a slot index outside the slots per port.
        #expect(refusal { try c.store.addDevice(DeviceSpec(label: "SB-03/P33", type: .device(.port), parent: "SB-03"), by: "sup1") }
            == "port index 33 is outside SB-03's ports 1–32; nothing was written")
        #expect(refusal { try c.store.addDevice(DeviceSpec(label: "SB-03/P1/S5", type: .device(.slot), parent: "SB-03/P1"), by: "sup1") }
            == "slot index 5 is outside SB-03/P1's slots 1–4; nothing was written")
        // An ICCID on two items; a SIM in two slots; two SIMs in one slot.
        var sim = DeviceSpec(label: "SIM-A", type: .device(.sim), parent: "SB-03/P1/S1")
        sim.iccid = "8984012204000123456"
        try c.store.addDevice(sim, by: "sup1")
        var again = DeviceSpec(label: "SIM-B", type: .device(.sim), parent: "SB-03/P2/S1")
        again.iccid = sim.iccid
        #expect(refusal { try c.store.addDevice(again, by: "sup1") }
            .contains("SIM 8984012204000123456 is already item SIM-A in slot SB-03/P1/S1: a SIM cannot be in two slots"))
        again.parent = nil
        #expect(refusal { try c.store.addDevice(again, by: "sup1") }.contains("ICCID 8984012204000123456 is already on item SIM-A"))
        #expect(refusal { try c.store.addDevice(DeviceSpec(label: "SIM-C", type: .device(.sim), parent: "SB-03/P1/S1"), by: "sup1") }
            .contains("slot SB-03/P1/S1 already holds SIM SIM-A"))
        // An IMEI on two items (as first or second IMEI).
        var phone = DeviceSpec(label: "PH-1", type: .device(.phone), parent: "SYS-1")
        phone.imeis = ["356938035643809", "490154203237518"]
        try c.store.addDevice(phone, by: "sup1")
        var other = DeviceSpec(label: "PH-2", type: .device(.phone))
        other.imeis = ["490154203237518"]
        #expect(refusal { try c.store.addDevice(other, by: "sup1") }.contains("IMEI 490154203237518 is already on item PH-1"))
        // Parent types.
        #expect(refusal { try c.store.addDevice(DeviceSpec(label: "PH-1/P1", type: .device(.port), parent: "PH-1"), by: "sup1") }
            .contains("a port cannot be inside a phone"))
        #expect(refusal { try c.store.addDevice(DeviceSpec(label: "X", type: .device(.sim), parent: "NOPE"), by: "sup1") }
            .contains("parent NOPE is not in this case"))
        #expect(refusal { try c.store.addDevice(DeviceSpec(label: "X", type: .other("gadget")), by: "sup1") }.contains("type \"gadget\" is not a device type"))
        #expect(try c.entryCount() == before + 2, "only the two accepted adds were written")
        #expect(try c.store.verify().isValid)
    }

    @Test func imeisAreLuhnChecked() throws {
        #expect(IMEI.problem("356938035643809") == nil)
        #expect(IMEI.problem("490154203237518") == nil)
        #expect(IMEI.problem("356938035643808") == "IMEI 356938035643808 fails the Luhn check (its check digit should be 9): re-read it from the device")
        #expect(IMEI.problem("35693803564380")?.contains("must be 15 digits") == true)
        #expect(IMEI.problem("35693803564380A")?.contains("must be 15 digits") == true)
        #expect(IMEI.tac("356938035643809") == "35693803")
        let c = try TempCase()
        defer { c.remove() }
        var phone = DeviceSpec(label: "PH-1", type: .device(.phone))
        phone.imeis = ["356938035643808"]
        #expect(refusal { try c.store.addDevice(phone, by: "sup1") }.contains("fails the Luhn check (its check digit should be 9)"))
        phone.imeis = ["356938035643809", "490154203237518", "353918057654321"]
        #expect(refusal { try c.store.addDevice(phone, by: "sup1") }.contains("a phone has 1 or 2 IMEIs, 3 given"))
        // A module IMEI is a claim: not Luhn-checked, flagged.
        try c.store.addDevice(DeviceSpec(label: "SB-1", type: .device(.simbox)), by: "sup1")
        var port = DeviceSpec(label: "SB-1/P1", type: .device(.port), parent: "SB-1")
        port.imeis = ["356938035643808"]
        try c.store.addDevice(port, by: "sup1")
        let item = try #require(try c.store.item("SB-1/P1"))
        #expect(item.identifiers.description.contains("\"moduleIMEI\":\"356938035643808\""))
        #expect(item.attributes.description.contains("software-rewritable: a claim, not an identity"))
        #expect(try c.entryCount() == 3)
    }

    @Test(arguments: Backend.all) func importIsAllOrNothingWithLineNumbers(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try box(c)
        let before = try c.entryCount()
        let items = try c.store.items().count
        let bad = """
        label,type,parent,imei,count,note
        LOT-1,simlot,SYS-1,,50,"two bags, taped"
        PH-9,phone,SYS-1,356938035643808,,
        PC-1,computer,SYS-1,,,
        """
        #expect(refusal { try c.store.importDevices(csv: Data(bad.utf8), fileName: "bad.csv", by: "sup1") }
            == "bad.csv: line 3: IMEI 356938035643808 fails the Luhn check (its check digit should be 9): re-read it from the device; nothing was written")
        let dup = "label,type,parent,note\r\nLOT-1,simlot,SYS-1,\r\nLOT-2,simlot,SYS-1,\"multi\nline\"\r\nLOT-1,simlot,SYS-1,\r\n"
        #expect(refusal { try c.store.importDevices(csv: Data(dup.utf8), fileName: "dup.csv", by: "sup1") }
            .hasPrefix("dup.csv: line 5: label LOT-1 is used twice (also on line 2)"))
        let unknownColumn = "label,type,colour\nA,phone,red\n"
        #expect(refusal { try c.store.importDevices(csv: Data(unknownColumn.utf8), fileName: "u.csv", by: "sup1") }
            .contains("line 1: unknown column \"colour\""))
        let short = "label,type,parent\nA,phone\n"
        #expect(refusal { try c.store.importDevices(csv: Data(short.utf8), fileName: "s.csv", by: "sup1") }
            .contains("line 2: 2 fields, the header has 3"))
        let outOfBox = "label,type,parent\nSB-03/P40,port,SB-03\n"
        #expect(refusal { try c.store.importDevices(csv: Data(outOfBox.utf8), fileName: "p.csv", by: "sup1") }
            .contains("line 2: port index 40 is outside SB-03's ports 1–32"))
        #expect(try c.entryCount() == before)
        #expect(try c.store.items().count == items)

        let good = "\u{FEFF}label,type,parent,count,note,ports,slots_per_port\nLOT-1,simlot,SYS-1,50,\"two bags, \"\"taped\"\"\",,\nSB-04,simbank,SYS-1,,,8,2\n"
        let outcome = try c.store.importDevices(csv: Data(good.utf8), fileName: "good.csv", by: "sup1")
        #expect(outcome.rows == 2)
        #expect(outcome.items == 1 + 1 + 8 * 3)
        #expect(try c.entryCount() == before + 1)
        let entry = outcome.entry.entry
        #expect(entry.action == .deviceImport)
        #expect(entry.payload["sha256"]?.stringValue?.count == 64)
        #expect(entry.payload["rows"]?.integerValue == 2)
        #expect(try c.store.item("LOT-1")?.attributes.description.contains("\"note\":\"two bags, \\\"taped\\\"\"") == true)
        #expect(try c.store.item("SB-04/P8/S2") != nil)
        #expect(try c.store.verify().isValid)
    }

    /// The occupied-slot check looks the slot up by the parent index (`+type`): a second SIM in a
    /// slot is still refused when it comes after many other SIMs of the same file, padded cells
    /// are still trimmed, and the writer's rows read back as the same specs.
    @Test(arguments: Backend.all) func slotOccupancyAndTrimmingInALargeImport(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try box(c)
        var specs = [DeviceSpec]()
        for n in 1...300 {
            var sim = DeviceSpec(label: "SIM-\(n)", type: .device(.sim), parent: "SB-03/P\((n - 1) / 4 + 1)/S\((n - 1) % 4 + 1)")
            if n > 128 { sim.parent = "SYS-1" }
            sim.iccid = "89840400000000\(10_000 + n)"
            specs.append(sim)
        }
        var second = DeviceSpec(label: "SIM-X", type: .device(.sim), parent: "SB-03/P32/S4")
        second.iccid = "8984049999999999999"
        let before = try c.entryCount()
        #expect(refusal { try c.store.importDevices(csv: Data(DeviceCSV.text(specs + [second]).utf8), fileName: "sims.csv", by: "sup1") }
            == "sims.csv: line 302: slot SB-03/P32/S4 already holds SIM SIM-128: one SIM per slot; nothing was written")
        #expect(try c.entryCount() == before)
        let padded = "label , type,parent,iccid\n  SIM-P1\t, sim ,SB-03/P1/S1 , 8984041907123456786\n"
        try c.store.importDevices(csv: Data(padded.utf8), fileName: "padded.csv", by: "sup1")
        let sim = try #require(try c.store.item("SIM-P1"))
        #expect(sim.parent == "SB-03/P1/S1" && sim.identifiers.description == "{\"ICCID\":\"8984041907123456786\"}")
        try c.store.importDevices(csv: Data(DeviceCSV.text(Array(specs.dropFirst())).utf8), fileName: "sims.csv", by: "sup1")
        #expect(try c.store.item("SIM-300")?.parent == "SYS-1")
        #expect(try c.store.search("89840400000000" + "10200").map(\.item.label) == ["SIM-200"])
    }

    @Test(arguments: Backend.all) func findAndSummary(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try box(c)
        var sim = DeviceSpec(label: "SIM-A", type: .device(.sim), parent: "SB-03/P1/S1")
        sim.iccid = "8984012204000123456"
        try c.store.addDevice(sim, by: "sup1")
        var pc = DeviceSpec(label: "PC-1", type: .device(.computer), parent: "SYS-1")
        pc.serial = "CN0X1234"
        pc.hostname = "rig-01"
        try c.store.addDevice(pc, by: "sup1")
        #expect(try c.store.search("89840122").map(\.item.label) == ["SIM-A"])
        #expect(try c.store.search("cn0x").map(\.item.label) == ["PC-1"])
        #expect(try c.store.search("nothing-like-it").isEmpty)
        let s = try c.store.summary()
        #expect(s.types["slot"] == 128)
        #expect(s.types["port"] == 32)
        #expect(s.simItems == 1)
        #expect(s.sims[.notRead] == 1)
        #expect(s.operators.count == 1, "an unread SIM's operator comes from its ICCID issuer: \(s.operators)")
        let status = try #require(c.store.simStatuses().first)
        #expect(status.operatorSource == "ICCID issuer")
        #expect(status.parent == "SB-03/P1/S1")
        // Reused while the ledger stands still, made anew once an entry changes the SIMs.
        #expect(try c.store.simStatuses().map(\.label) == ["SIM-A"])
        var second = DeviceSpec(label: "SIM-B", type: .device(.sim), parent: "SB-03/P1/S2")
        second.iccid = "8984012204000123464"
        try c.store.addDevice(second, by: "sup1")
        #expect(try c.store.simStatuses().map(\.label) == ["SIM-A", "SIM-B"])
        #expect(try c.store.snapshot().simStatuses.map(\.label) == ["SIM-A", "SIM-B"])
    }

    @Test func csvReaderFollowsRFC4180() throws {
        let rows = try CSVText.records(Data("a,\"b,c\",\"d\"\"e\"\r\n\r\n\"x\r\ny\",,z\n".utf8))
        #expect(rows.map(\.line) == [1, 3])
        #expect(rows[0].fields == ["a", "b,c", "d\"e"])
        #expect(rows[1].fields == ["x\r\ny", "", "z"])
        #expect(CSVText.record(["a", "b,c", "q\""]) == "a,\"b,c\",\"q\"\"\"\r\n")
        #expect(throws: CSVText.Problem.self) { try CSVText.records(Data("a,\"b\n".utf8)) }
    }
}
