@testable import CaseStore
import Foundation
import Ledger
import SIMCard
import Testing

/// The typed item model: types, identifiers and attributes as stored, decoded once per row.
@Suite struct ItemModelTests {
    @Test func itemTypesKeepTheStoredWord() throws {
        for type in DeviceType.allCases {
            #expect(ItemType(rawValue: type.rawValue) == .device(type))
            #expect(ItemType(rawValue: type.rawValue).rawValue == type.rawValue)
        }
        #expect(ItemType(rawValue: "exhibit") == .other("exhibit"))
        #expect(ItemType(rawValue: "Phone") == .other("Phone"), "the registry's types are lower case; the word is kept as given")
        #expect(ItemType.legacyContainers.contains(.other("bag")))
        #expect(try JSONEncoder().encode(ItemType.device(.simbox)) == Data("\"simbox\"".utf8))
        #expect(try JSONDecoder().decode(ItemType.self, from: Data("\"bag\"".utf8)) == .other("bag"))
        #expect(DeviceType.canHold(.sim, itemType: .other("exhibit")))
        #expect(!DeviceType.canHold(.port, itemType: .other("exhibit")), "a port belongs to its box")
        #expect(!DeviceType.canHold(.sim, itemType: .other("crate")))
        #expect(DeviceType.canHold(.sim, itemType: .device(.slot)) && !DeviceType.canHold(.sim, itemType: .device(.port)))
    }

    /// The stored text is the canonical JSON the column held: decoding and writing back keeps its bytes.
    @Test func identifiersAndAttributesKeepTheirStoredBytes() throws {
        let ids = try ItemIdentifiers(stored: #"{"ICCID":"8984041907123456786","IMSI":"452040123456789","custom kind":"x"}"#, item: "SIM-1")
        #expect(ids[.iccid] == "8984041907123456786" && ids[.imsi] == "452040123456789" && ids.values["custom kind"] == "x")
        #expect(ids.description == #"{"ICCID":"8984041907123456786","IMSI":"452040123456789","custom kind":"x"}"#)
        let attributes = try ItemAttributes(stored: #"{"make":"GoIP","ports":32,"slotsPerPort":4}"#, item: "SB-1")
        #expect(attributes.ports == 32 && attributes.slotsPerPort == 4 && attributes.count == nil)
        #expect(attributes.description == #"{"make":"GoIP","ports":32,"slotsPerPort":4}"#)
        #expect(ItemAttributes(["port": .integer(7)]).position(of: .device(.port)) == 7)
        #expect(ItemAttributes(["slot": .integer(2)]).position(of: .device(.slot)) == 2)
        #expect(ItemAttributes(["port": .integer(7)]).position(of: .device(.sim)) == nil)
        #expect(ItemIdentifiers([:]).description == "{}" && ItemAttributes([:]).description == "{}")
    }

    @Test func aColumnThatDoesNotDecodeNamesItsItem() {
        #expect(throws: SQLTypeMismatch.self) { try ItemIdentifiers(stored: #"{"ICCID":8984}"#, item: "SIM-1") }
        #expect(throws: SQLTypeMismatch.self) { try ItemAttributes(stored: "[1]", item: "SB-1") }
        do { _ = try ItemIdentifiers(stored: "not json", item: "EX-7"); Issue.record("decoded") } catch {
            #expect(String(describing: error).hasPrefix("item EX-7: its identifiers not json"))
        }
    }

    /// A row changed outside Custody is refused with one line that names it, not skipped.
    @Test(arguments: Backend.all) func aDamagedRowIsRefusedNamingIt(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try c.store.addDevice(DeviceSpec(label: "SB-1", type: .device(.simbox)), by: "sup1")
        try c.store.database.write { db in try db.execute("UPDATE item SET attributes = ? WHERE label = ?", "{broken", "SB-1") }
        let failure = #expect(throws: CaseStoreError.self) { try c.store.items() }
        #expect(failure?.description.contains("item SB-1: its attributes {broken are not a JSON object") == true, "\(failure.map(String.init(describing:)) ?? "")")
    }

    /// An examiner's role is decoded once too: a word outside the roles names the examiner.
    @Test(arguments: Backend.all) func aDamagedRoleIsRefusedNamingTheExaminer(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        #expect(try c.store.examiner(id: "sup1")?.role == .supervisor)
        try c.store.database.write { db in try db.execute("UPDATE examiner SET role = ? WHERE id = ?", "admin", "sup1") }
        let failure = #expect(throws: CaseStoreError.self) { try c.store.examiners() }
        #expect(failure?.description.contains("examiner sup1: role admin is none of technician, clerk, supervisor") == true,
                "\(failure.map(String.init(describing:)) ?? "")")
    }

    @Test func imeiValues() throws {
        let imei = try IMEI(digits: "356938035643809")
        #expect(imei.luhnValid && imei.description == "356938035643809")
        #expect(try !IMEI(digits: "356938035643808").luhnValid, "a module IMEI may fail the check and is kept")
        for bad in ["", "35693803564380", "3569380356438090", "35693803564380A", "３５６９３８０３５６４３８０９"] {
            #expect(throws: DecodeError.self) { try IMEI(digits: bad) }
        }
    }
}
