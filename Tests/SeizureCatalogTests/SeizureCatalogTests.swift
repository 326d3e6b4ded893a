import CaseStore
import Foundation
import SIMCard
import SeizureCatalog
import Testing

@Suite struct SeizureCatalogTests {
    static let scaleOne = SeizureCatalog(scale: 1, seed: 2021)

    func count(_ rows: [DeviceSpec], _ type: DeviceType) -> Int { rows.filter { $0.type == .device(type) }.count }

    @Test func theSameSeedGivesTheSameFileAndAnotherSeedAnotherOne() {
        let again = SeizureCatalog(scale: 1, seed: 2021)
        #expect(again.csv == Self.scaleOne.csv)
        let other = SeizureCatalog(scale: 1, seed: 2022)
        #expect(other.csv != Self.scaleOne.csv)
        #expect(other.rows.count == Self.scaleOne.rows.count, "the seed changes identifiers and placement, not the counts")
    }

    @Test func scaleOneHasTheSeizureOfContextMD() {
        let rows = Self.scaleOne.rows
        #expect(count(rows, .seizure) == 1)
        #expect(count(rows, .system) == 9)
        let boxes = rows.filter { $0.type == .device(.simbox) }
        #expect(boxes.reduce(0) { $0 + $1.ports! } == 384)
        #expect(Set(boxes.map(\.ports!)) == [8, 16, 32])
        #expect(Set(boxes.map(\.slotsPerPort!)) == [1, 4])
        #expect(count(rows, .simbank) == 3)
        #expect(rows.filter { $0.type == .device(.phone) && $0.label.hasPrefix("SP-") }.count == 53)
        #expect(rows.filter { $0.type == .device(.phone) && $0.label.hasPrefix("BP-") }.count == 180)
        #expect(count(rows, .computer) == 19)
        #expect(rows.filter { $0.type == .device(.computer) }.allSatisfy { $0.serial != nil && $0.hostname != nil })
        #expect(count(rows, .sim) == 7_100)
    }

    @Test func scaleTenMultipliesEveryCount() {
        let rows = SeizureCatalog(scale: 10, seed: 1).rows
        #expect(count(rows, .system) == 90)
        #expect(rows.filter { $0.type == .device(.simbox) }.reduce(0) { $0 + $1.ports! } == 3_840)
        #expect(count(rows, .phone) == 2_330)
        #expect(count(rows, .computer) == 190)
        #expect(count(rows, .sim) == 71_000)
    }

    @Test func everySIMIsInAFreeSlotOrALotWhoseCountMatches() {
        let rows = Self.scaleOne.rows
        let slots = Set(rows.filter { $0.ports != nil }.flatMap { box in
            (1...box.ports!).flatMap { p in (1...box.slotsPerPort!).map { "\(box.label)/P\(p)/S\($0)" } }
        })
        let lots = Dictionary(uniqueKeysWithValues: rows.filter { $0.type == .device(.simlot) }.map { ($0.label, $0.count!) })
        var inLot = [String: Int]()
        var usedSlots = Set<String>()
        for sim in rows where sim.type == .device(.sim) {
            let parent = try! #require(sim.parent)
            if lots[parent] != nil { inLot[parent, default: 0] += 1 } else {
                #expect(slots.contains(parent), "\(sim.label) in \(parent)")
                #expect(usedSlots.insert(parent).inserted, "two SIMs in \(parent)")
            }
        }
        #expect(lots.allSatisfy { inLot[$0.key, default: 0] == $0.value })
        #expect(usedSlots.count > slots.count * 8 / 10, "most slots hold a SIM")
    }

    @Test func everyIMEIAndICCIDIsValidAndUnique() throws {
        let rows = Self.scaleOne.rows
        let imeis = rows.flatMap(\.imeis)
        #expect(imeis.count >= 233)
        #expect(imeis.allSatisfy { IMEI.problem($0) == nil })
        #expect(Set(imeis).count == imeis.count)
        #expect(rows.filter { $0.type == .device(.phone) }.allSatisfy { (1...2).contains($0.imeis.count) })
        let iccids = rows.compactMap(\.iccid)
        #expect(iccids.count == 7_100)
        #expect(Set(iccids).count == iccids.count)
        let prefixes: Set<String> = ["898401", "898402", "898404", "898405", "898408"]
        for digits in iccids {
            let iccid = try ICCID(digits: digits)
            #expect(digits.utf8.count == 19 && iccid.luhnValid && prefixes.contains(String(digits.prefix(6))), "\(digits)")
        }
        #expect(Set(iccids.map { $0.prefix(6) }).count == prefixes.count, "every issuer is used")
    }

    /// Evidence/seizure/demo-catalog.csv (Scripts/demo) imports and registers the ICCID of every
    /// simulated card in Evidence/cards, so the demo's reads land in catalog items.
    @Test func theDemoCatalogImportsAndHoldsEveryEvidenceCard() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("demo-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try CaseStore.create(directory: dir, name: "Demo", agency: "Lab", authority: "Order 001",
                                         timeZone: "Asia/Ho_Chi_Minh", examiner: .init(id: "clerk1", name: "Demo Clerk"))
        let csv = try Data(contentsOf: root.appendingPathComponent("Evidence/seizure/demo-catalog.csv"))
        try store.importDevices(csv: csv, fileName: "demo-catalog.csv", by: "clerk1")
        let cards = root.appendingPathComponent("Evidence/cards")
        let profiles = try FileManager.default.contentsOfDirectory(atPath: cards.path).filter { $0.hasSuffix(".json") }
        #expect(profiles.count == 8)
        for name in profiles {
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: cards.appendingPathComponent(name))) as? [String: Any]
            let iccid = try #require((json?["expect"] as? [String: Any])?["iccid"] as? String, "\(name)")
            let found = try store.search(iccid)
            #expect(found.count == 1 && found.first?.item.type == .device(.sim), "\(name): \(iccid)")
        }
        let summary = try store.summary()
        #expect(summary.simItems == 13 && summary.sims[.notRead] == 13)
    }

    @Test func aSmallCatalogImportsIntoACaseStore() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("seizure-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try CaseStore.create(directory: dir, name: "Generated seizure", agency: "C03", authority: "W-2026-17",
                                         timeZone: "Asia/Ho_Chi_Minh", examiner: .init(id: "clerk1", name: "Le Thi C"))
        let catalog = SeizureCatalog(scale: 0.05, seed: 9)
        #expect(count(catalog.rows, .sim) == 355)
        let outcome = try store.importDevices(csv: Data(catalog.csv.utf8), fileName: "catalog.csv", by: "clerk1")
        #expect(outcome.rows == catalog.rows.count)
        #expect(outcome.items == catalog.rows.reduce(0) { $0 + $1.itemCount })
        #expect(try store.items().count == outcome.items)
        let summary = try store.summary()
        #expect(summary.simItems == 355 && summary.sims[.notRead] == 355)
        #expect(summary.types["port"] == catalog.rows.reduce(0) { $0 + ($1.ports ?? 0) })
        #expect(summary.operators["MOBIFONE CORPORATION (MOBIFONE)"] ?? 0 > 0, "ICCID issuer 898401: \(summary.operators)")
        let phone = try #require(catalog.rows.first { $0.type == .device(.phone) && $0.imeis.count == 2 })
        let found = try store.search(phone.imeis[1])
        #expect(found.map(\.item.label) == [phone.label])
        #expect(found.first?.matches == [SearchMatch(kind: .exact, field: "IMEI2", value: phone.imeis[1])])
        #expect(try store.verify().isValid)
    }
}
