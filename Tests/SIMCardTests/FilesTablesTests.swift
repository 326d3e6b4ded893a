import Foundation
import Testing
import SIMCard

@Suite struct FilesTablesTests {
    // MARK: Service tables

    @Test func sstBitmap() throws {
        // Byte 1 = 0F: services 1 and 2 allocated + activated, 3 and 4 off.
        // Byte 2 = 02: service 5 activated but not allocated; 6–8 off.
        // Byte 3 = 01: service 9 (MSISDN) allocated only.
        let sst = try ServiceTable(decoding: hex("0F 02 01")[...], kind: .sst)
        #expect(sst.services.map(\.number) == [1, 2, 5, 9])
        #expect(sst.services[0].name == "CHV1 disable function")
        #expect(sst.services[1].name == "Abbreviated Dialling Numbers (ADN)")
        #expect(sst.services[2].allocated == false && sst.services[2].activated == true)
        #expect(sst.services[3].name == "MSISDN" && sst.services[3].allocated == true && sst.services[3].activated == false)
        #expect(sst.isAvailable(1) && sst.isAvailable(2))
        #expect(!sst.isAvailable(5) && !sst.isAvailable(9) && !sst.isAvailable(3))
        #expect(ServiceTable.name(of: 38, kind: .sst) == "GPRS")
        #expect(ServiceTable.name(of: 56, kind: .sst) == "Service Provider Display Information")
        #expect(ServiceTable.name(of: 200, kind: .sst) == "service n°200")
    }

    @Test func ustBitmap() throws {
        // 9E = 1001 1110: services 2, 3, 4, 5, 8; 0F: services 9–12.
        let ust = try ServiceTable(decoding: hex("9E 0F")[...], kind: .ust)
        #expect(ust.services.map(\.number) == [2, 3, 4, 5, 8, 9, 10, 11, 12])
        #expect(ust.services.allSatisfy { $0.activated && $0.allocated == nil })
        #expect(ust.services[0].name == "Fixed Dialling Numbers (FDN)")
        #expect(ust.services.last?.name == "Short Message Service Parameters (SMSP)")
        #expect(ust.isAvailable(10) && !ust.isAvailable(1))
        #expect(ServiceTable.name(of: 27, kind: .ust) == "GSM Access")
        #expect(ServiceTable.name(of: 60, kind: .ust) == "User Controlled PLMN selector for I-WLAN access")
        #expect(ServiceTable.name(of: 85, kind: .ust) == "EPS Mobility Management Information")
        #expect(ServiceTable.name(of: 0, kind: .ust) == "service n°0")
        // Service 89 sits in byte 12 bit 1.
        let high = try ServiceTable(decoding: ([UInt8](repeating: 0, count: 11) + [0x01])[...], kind: .ust)
        #expect(high.services.map(\.number) == [89])
    }

    @Test func serviceTableLengths() {
        #expect(failsTruncated { _ = try ServiceTable(decoding: hex("0F")[...], kind: .sst) })
        #expect(failsTruncated { _ = try ServiceTable(decoding: [][...], kind: .ust) })
        #expect((try? ServiceTable(decoding: hex("FF")[...], kind: .ust))?.services.count == 8)
    }

    // MARK: PLMN lists

    @Test func plmnWithAccessTechnology() throws {
        let list = try PLMNSelectorList(decoding: hex("54 F2 40 40 80  FF FF FF 00 00  13 00 51 80 00  54 F1 40 08 00")[...], entrySize: 5)
        #expect(list.entries.count == 3)
        #expect(list.unusedEntries == 1)
        #expect(list.entries[0].plmn.description == "452-04")
        #expect(list.entries[0].accessTechnologies == ["E-UTRAN (WB-S1 and NB-S1 modes)", "GSM (and EC-GSM-IoT)"])
        #expect(list.entries[1].plmn.description == "310-150")
        #expect(list.entries[1].accessTechnologies == ["UTRAN"])
        #expect(list.entries[2].accessTechnologies == ["NG-RAN"])
        #expect(PLMNSelectorList.accessTechnologyNames(0xE000) == ["UTRAN", "E-UTRAN (WB-S1 mode only)"])
        #expect(PLMNSelectorList.accessTechnologyNames(0x5000) == ["E-UTRAN (NB-S1 mode only)"])
        #expect(PLMNSelectorList.accessTechnologyNames(0x0084) == ["GSM (without EC-GSM-IoT)"])
        #expect(PLMNSelectorList.accessTechnologyNames(0x0070) == ["GSM COMPACT", "cdma2000 HRPD", "cdma2000 1xRTT"])
    }

    @Test func forbiddenPLMNs() throws {
        let fplmn = try PLMNSelectorList(decoding: hex("54 F2 10 54 F2 20 FF FF FF FF FF FF")[...], entrySize: 3)
        #expect(fplmn.entries.map(\.plmn.description) == ["452-01", "452-02"])
        #expect(fplmn.entries.allSatisfy { $0.accessTechnologies == nil })
        #expect(fplmn.unusedEntries == 2)
        #expect(try PLMNSelectorList(decoding: [][...], entrySize: 3).entries.isEmpty)
        #expect(failsInvalid { _ = try PLMNSelectorList(decoding: hex("54 F2 10")[...], entrySize: 4) })
        #expect(failsInvalid { _ = try PLMNSelectorList(decoding: hex("54 F2 1A")[...], entrySize: 3) })
    }

    @Test func plmnListDripFeed() {
        let bytes = hex("54 F2 40 40 80 13 00 51 80 00")
        for count in 0...bytes.count {
            if count % 5 == 0 {
                #expect((try? PLMNSelectorList(decoding: bytes.prefix(count), entrySize: 5))?.entries.count == count / 5)
            } else {
                #expect(failsTruncated { _ = try PLMNSelectorList(decoding: bytes.prefix(count), entrySize: 5) }, "prefix \(count)")
            }
        }
    }

    // MARK: EF.SPN

    @Test func serviceProviderName() throws {
        let bytes = hex("01 56 69 65 74 74 65 6C FF FF FF FF FF FF FF FF FF")
        let spn = try ServiceProviderName(decoding: bytes[...])
        #expect(spn.name == "Viettel")
        #expect(spn.showRegisteredPLMN && !spn.hideSPNWhenRoaming)
        #expect(spn.encoded == bytes)
        let roaming = try ServiceProviderName(decoding: ([0x02] + AlphaIdentifier.encode("Vinaphone", length: 16))[...])
        #expect(roaming.hideSPNWhenRoaming && !roaming.showRegisteredPLMN && roaming.name == "Vinaphone")
        let erased = try ServiceProviderName(decoding: [UInt8](repeating: 0xFF, count: 17)[...])
        #expect(erased.isEmpty)
        for count in 0..<17 {
            #expect(failsTruncated { _ = try ServiceProviderName(decoding: bytes.prefix(count)) })
        }
        #expect(failsTrailing { _ = try ServiceProviderName(decoding: (bytes + [0xFF])[...]) })
        #expect(ServiceProviderName(displayCondition: 0, name: "Chị Hằng").encoded.count == 17)
    }

    // MARK: Small files

    @Test func phase() throws {
        #expect(try PhaseIndicator(decoding: hex("03")[...]).name == "phase 2+")
        #expect(try PhaseIndicator(decoding: hex("02")[...]).name == "phase 2")
        #expect(try PhaseIndicator(decoding: hex("00")[...]).name == "phase 1")
        #expect(failsTruncated { _ = try PhaseIndicator(decoding: [][...]) })
        #expect(failsTrailing { _ = try PhaseIndicator(decoding: hex("03 FF")[...]) })
    }

    @Test func accessControlClasses() throws {
        // Byte 1 bit 2 = class 9, byte 2 bit 1 = class 0.
        let acc = try AccessControlClasses(decoding: hex("02 01")[...])
        #expect(acc.classes == [0, 9])
        #expect(acc.encoded == hex("02 01"))
        #expect(try AccessControlClasses(decoding: hex("84 00")[...]).classes == [10, 15])
        #expect(AccessControlClasses(classes: [15, 3, 3, 99]).encoded == hex("80 08"))
        #expect(failsTruncated { _ = try AccessControlClasses(decoding: hex("02")[...]) })
    }

    @Test func languages() throws {
        let lp = try LanguagePreference(decoding: hex("01 FF 23 2A")[...], kind: .cbs)
        #expect(lp.languages.map(\.code) == ["01", "23", "2A"])
        #expect(lp.languages.map(\.name) == ["English", "Russian", nil])
        let li = try LanguagePreference(decoding: hex("76 69 65 6E FF FF")[...], kind: .iso639)
        #expect(li.languages.map(\.code) == ["vi", "en"])
        #expect(li.languages.map(\.name) == ["Vietnamese", "English"])
        #expect(try LanguagePreference(decoding: [UInt8](repeating: 0xFF, count: 8)[...], kind: .iso639).languages.isEmpty)
        #expect(failsTruncated { _ = try LanguagePreference(decoding: hex("76 69 65")[...], kind: .iso639) })
        #expect(failsInvalid { _ = try LanguagePreference(decoding: hex("76 00")[...], kind: .iso639) })
    }

    @Test func smsStatus() throws {
        let exceeded = try SMSStatusInfo(decoding: hex("05 FE")[...])
        #expect(exceeded.lastMessageReference == 5 && exceeded.memoryCapacityExceeded)
        #expect(exceeded.encoded == hex("05 FE"))
        #expect(try !SMSStatusInfo(decoding: hex("05 FF FF")[...]).memoryCapacityExceeded)
        #expect(failsTruncated { _ = try SMSStatusInfo(decoding: hex("05")[...]) })
    }

    // MARK: EF.SMSP

    // No alpha; indicators E1: only TP-DA absent; SC +84980200030; PID 00, DCS 00, VP A7 (24 h).
    static let smsp = "E1  FF FF FF FF FF FF FF FF FF FF FF FF  07 91 48 89 20 00 30 F0 FF FF FF FF  00 00 A7"

    @Test func smsParameters() throws {
        let record = hex(Self.smsp)
        #expect(record.count == 28)
        let smsp = try SMSParameters.decode(record: record[...])
        #expect(smsp.alpha == nil)
        #expect(smsp.destinationAddress == nil)
        #expect(smsp.serviceCentreAddress?.number == "+84980200030")
        #expect(smsp.serviceCentreAddress?.typeOfNumber == 1 && smsp.serviceCentreAddress?.numberingPlan == 1)
        #expect(smsp.protocolIdentifier == 0 && smsp.dataCodingScheme == 0)
        #expect(smsp.validityPeriod == 0xA7 && smsp.validityPeriodMinutes == 24 * 60)

        // With an alpha and a destination address (length in digits: 11).
        let withDA = AlphaIdentifier.encode("SMSC", length: 8) + hex("E0  0B 91 48 19 32 54 76 F8 FF FF FF FF") + record.suffix(15)
        let parsed = try SMSParameters(decoding: withDA[...])
        #expect(parsed.alpha == "SMSC")
        #expect(parsed.destinationAddress?.number == "+84912345678")
        #expect(parsed.serviceCentreAddress?.number == "+84980200030")

        // Everything absent.
        let erased = try SMSParameters(decoding: [UInt8](repeating: 0xFF, count: 40)[...])
        #expect(erased.alpha == nil && erased.serviceCentreAddress == nil && erased.validityPeriod == nil)
    }

    @Test func hostileSMSParameters() throws {
        // A bad address is a field error; the other parameters are kept.
        var record = hex(Self.smsp)
        record[13] = 0x0C // SC length 12 > 11
        let badCentre = try SMSParameters(decoding: record[...])
        #expect(badCentre.serviceCentreAddress == nil && badCentre.protocolIdentifier == 0x00 && badCentre.validityPeriod == 0xA7)
        #expect(badCentre.fieldErrors?.map(\.field) == ["serviceCentreAddress"])
        var da = hex(Self.smsp)
        da[0] = 0xE0
        da[1] = 0x15 // 21 digits
        let badDestination = try SMSParameters(decoding: da[...])
        #expect(badDestination.destinationAddress == nil && badDestination.serviceCentreAddress?.number == "+84980200030")
        #expect(badDestination.fieldErrors?.map(\.field) == ["destinationAddress"])
        let bytes = hex(Self.smsp)
        for count in 0..<bytes.count {
            #expect(failsTruncated { _ = try SMSParameters(decoding: bytes.prefix(count)) }, "prefix \(count)")
        }
    }

    @Test func codableRoundTrips() throws {
        let loci = try LocationInformation(decoding: hex("12 34 AB CD 54 F2 40 1A 2B FF 00")[...])
        #expect(try JSONDecoder().decode(LocationInformation.self, from: JSONEncoder().encode(loci)) == loci)
        let ust = try ServiceTable(decoding: hex("9E 0F")[...], kind: .ust)
        #expect(try JSONDecoder().decode(ServiceTable.self, from: JSONEncoder().encode(ust)) == ust)
        let adn = try DiallingNumber.decode(record: hex(FilesPhonebookTests.nhaRecord)[...])
        #expect(try JSONDecoder().decode(DiallingNumber.self, from: JSONEncoder().encode(adn)) == adn)
    }
}
