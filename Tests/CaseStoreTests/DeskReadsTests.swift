import CaseStore
import Foundation
import Ledger
import SIMCard
import Testing

/// The desk's bounded reads (`DeskReads.swift`) on both backends: tree pages by keyset, an
/// item's containers, custody states of a list of items, the latest reads, a photo by its hash.
@Suite struct DeskReadsTests {
    @Test(arguments: Backend.all) func treePagesFollowOneAnotherAndCountChildren(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try c.store.addDevice(DeviceSpec(label: "SZ-1", type: .device(.seizure)), by: "sup1")
        var box = DeviceSpec(label: "SB-1", type: .device(.simbox), parent: "SZ-1")
        box.ports = 3; box.slotsPerPort = 1
        try c.store.addDevice(box, by: "sup1")
        let top = try c.store.treePage(parent: nil, after: nil, limit: 10)
        #expect(top.map(\.item.label) == ["SZ-1"])
        #expect(top.first?.childCount == 1)
        let first = try c.store.treePage(parent: "SB-1", after: nil, limit: 2)
        #expect(first.map(\.item.label) == ["SB-1/P1", "SB-1/P2"])
        #expect(first.allSatisfy { $0.childCount == 1 })
        let rest = try c.store.treePage(parent: "SB-1", after: "SB-1/P2", limit: 2)
        #expect(rest.map(\.item.label) == ["SB-1/P3"])
        #expect(try c.store.ancestors(of: "SB-1/P3/S1").map(\.label) == ["SZ-1", "SB-1", "SB-1/P3"])
        #expect(throws: CaseStoreError.self) { try c.store.ancestors(of: "NOPE") }
    }

    @Test(arguments: Backend.all) func statesReadsAndPhotosAreFoundByTheirKeys(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try c.populate()
        try c.store.addDevice(DeviceSpec(label: "PH-1", type: .device(.phone)), by: "sup1")
        try c.store.addDevice(DeviceSpec(label: "PH-2", type: .device(.phone)), by: "sup1")
        try c.store.checkOut("PH-2", to: "tech1", purpose: "extraction", by: "sup1")
        let states = try c.store.shelfStates(of: ["PH-1", "PH-2"])
        #expect(states["PH-2"] == .checkedOut)
        #expect(states["PH-1"] == nil, "an item no custody event named has no row")
        #expect(try c.store.shelfStates(of: []).isEmpty)

        var read = SIMAcquisition.notConnected(reader: "Bench 1", atr: [0x3B, 0x00], scope: .identity, reason: "card removed")
        read.iccid = try JSONDecoder().decode(SIMAcquisition.ICCIDView.self, from: Data(#"{"digits":"8984012204000123456","luhnValid":true}"#.utf8))
        let outcome = try c.store.recordAcquisition(read, record: try JSONEncoder().encode(read), by: "tech1")
        let latest = try c.store.latestReads(limit: 5)
        #expect(latest.map(\.header.seq) == [outcome.entry.entry.sequence])
        #expect(latest.first?.time == outcome.entry.entry.time)
        #expect(try c.store.acquisitions(item: "SIM-8984012204000123456").count == 1)

        let file = c.directory + "-photo.jpg"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Data([0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]).write(to: URL(fileURLWithPath: file))
        let (_, photo) = try c.store.photograph(label: "PH-1", file: file, by: "tech1")
        #expect(try c.store.photo(item: "PH-1", sha256: photo.sha256)?.path == photo.path)
        #expect(try c.store.photo(item: "PH-2", sha256: photo.sha256) == nil, "a photo is found only with its own item")
        #expect(try c.store.photos(item: "PH-1").map(\.sha256) == [photo.sha256])
        #expect(try c.store.ledgerHead() == Int64(try c.store.entries().count - 1))
    }
}
