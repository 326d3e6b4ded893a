@testable import CaseStore
import Foundation
import Ledger
import SIMCard
import Testing

/// `reportStatistics()`, the summary report's counts: the same on SQLite and PostgreSQL.
@Suite(.serialized) struct ReportStatisticsTests {
    static func read(_ iccid: String, complete: Bool) throws -> SIMAcquisition {
        var a = SIMAcquisition.notConnected(reader: "Bench 1", atr: [0x3B, 0x00], scope: .identity, reason: complete ? "" : "card removed")
        a.iccid = try JSONDecoder().decode(SIMAcquisition.ICCIDView.self, from: Data(#"{"digits":"\#(iccid)","luhnValid":true}"#.utf8))
        a.complete = complete
        if complete { a.incompleteReason = nil }
        return a
    }

    @Test(arguments: Backend.all) func theCountsFollowTheTreeTheStatesAndTheLedger(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try c.populate()
        let s = c.store
        try s.addDevice(DeviceSpec(label: "SZ-1", type: .device(.seizure)), by: "sup1")
        try s.addDevice(DeviceSpec(label: "SYS-1", type: .device(.system), parent: "SZ-1"), by: "sup1")
        var box = DeviceSpec(label: "SB-1", type: .device(.simbox), parent: "SYS-1")
        box.ports = 2; box.slotsPerPort = 1
        try s.addDevice(box, by: "sup1")
        var a = DeviceSpec(label: "SIM-A", type: .device(.sim), parent: "SB-1/P1/S1")
        a.iccid = "8984012204000123456"
        try s.addDevice(a, by: "sup1")
        var b = DeviceSpec(label: "SIM-B", type: .device(.sim), parent: "SB-1/P2/S1")
        b.iccid = "8984022204000123464"
        try s.addDevice(b, by: "sup1")
        try s.recordEvent(.custodySeal, label: "SB-1", details: ["seal": "S-77"], by: "tech1")
        try s.recordAcquisition(Self.read("8984012204000123456", complete: true), record: try JSONEncoder().encode(Self.read("8984012204000123456", complete: true)), by: "tech1")
        try s.recordAcquisition(Self.read("8984022204000123464", complete: false), record: try JSONEncoder().encode(Self.read("8984022204000123464", complete: false)), by: "tech1")

        let r = try s.reportStatistics()
        #expect(r.states.counts == [.read: 1, .unreadable: 1])
        #expect(r.issuerPrefixes == ["898401": 1, "898402": 1])
        #expect(r.itemTypes[ItemType(rawValue: "sim")] == 2 && r.itemTypes[ItemType(rawValue: "port")] == 2)
        // EX-1 (an older container, a root), then the seizure with its system and box.
        #expect(r.devices.map(\.label) == ["EX-1", "SZ-1", "SYS-1", "SB-1"])
        #expect(r.devices.map(\.depth) == [0, 0, 1, 2])
        let sb = try #require(r.devices.last)
        #expect(sb.sims.counts == [.read: 1, .unreadable: 1])
        #expect(sb.entries.last?.action == .custodySeal && sb.entries.last?.seal == "S-77")
        #expect(r.devices.first?.entries.map(\.action.rawValue).contains("custody.seal") == true)
        #expect(r.readsPerDay.values.map(\.complete).reduce(0, +) == 1 && r.readsPerDay.values.map(\.incomplete).reduce(0, +) == 1)
        #expect(r.readsPerDay.keys.allSatisfy { $0.count == 10 && $0.hasPrefix("20") })
        #expect(r.sms == ReportStatistics.SMSCounts())
        #expect(r.readsWithoutICCID == 0)
    }
}
