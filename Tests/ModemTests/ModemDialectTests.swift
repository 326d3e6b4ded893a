import SIMCard
import Testing
@testable import Modem

@Suite struct ModemDialectTests {
    @Test func identificationStringsChooseTheDialect() {
        let cases: [(String, String, ModemDialect)] = [
            ("Quectel", "EC25", .quectel), ("Quectel", "EG91", .quectel), ("Quectel", "UC15", .quectel), ("Quectel", "M35", .goip),
            ("SIMCOM_Ltd", "SIMCOM_SIM800", .simcom), ("SIMCOM INCORPORATED", "SIMCOM_SIM7600E-H", .simcom),
            ("huawei", "E173", .huawei), ("Huawei Technologies Co., Ltd.", "ME909s-120", .huawei),
            ("u-blox", "SARA-U270", .ublox), ("Telit", "LE910C4-EU", .telit), ("Acme", "X1", .generic),
        ]
        for (maker, model, dialect) in cases { #expect(ModemDialect.identify(manufacturer: maker, model: model) == dialect, "\(maker) \(model)") }
        #expect(!ModemDialect.goip.traits.hasCSIM)
        #expect(ModemDialect.allCases.filter { !$0.traits.hasCSIM } == [.goip])
    }

    @Test func eachDialectsICCIDAnswerParses() {
        let iccid = "89840480001234567893"
        #expect(ModemDialect.quectel.parseICCID(["+QCCID: \(iccid)"]) == iccid)
        #expect(ModemDialect.simcom.parseICCID(["+ICCID: \(iccid)"]) == iccid)
        #expect(ModemDialect.simcom.parseICCID([iccid]) == iccid, "SIM800: bare digits")
        #expect(ModemDialect.ublox.parseICCID(["+CCID: \(iccid)"]) == iccid)
        #expect(ModemDialect.telit.parseICCID(["#CCID: \(iccid)"]) == iccid)
        #expect(ModemDialect.goip.parseICCID([iccid]) == iccid)
        #expect(ModemDialect.huawei.parseICCID(["^ICCID: 98484008002143658739"]) == iccid, "nibble-swapped as on the card")
        #expect(ModemDialect.quectel.parseICCID(["+QCCID: 8984048000123456789F"]) == "8984048000123456789", "19 digits, F padded")
        #expect(ModemDialect.quectel.parseICCID(["+QCCID: garbage"]) == nil)
    }

    @Test func eachDialectsPINCountersParse() {
        func summary(_ states: [PINState]) -> String { states.map { "\($0.name)=\($0.remainingTries ?? -1)" }.joined(separator: " ") }
        #expect(summary(ModemDialect.quectel.parsePINCounters(["+QPINC: \"SC\",3,10", "+QPINC: \"P2\",2,9"])) == "PIN1=3 PUK1=10 PIN2=2 PUK2=9")
        #expect(summary(ModemDialect.simcom.parsePINCounters(["+SPIC: 3,10,2,9"])) == "PIN1=3 PUK1=10 PIN2=2 PUK2=9")
        #expect(summary(ModemDialect.huawei.parsePINCounters(["^CPIN: READY,,10,3,9,2"])) == "PIN1=3 PUK1=10 PIN2=2 PUK2=9")
        #expect(summary(ModemDialect.telit.parsePINCounters(["+CPINR: SIM PIN,3,3", "+CPINR: SIM PUK,10,10", "+CPINR: SIM PIN2,2,3",
                                                            "+CPINR: SIM PUK2,9,10"])) == "PIN1=3 PUK1=10 PIN2=2 PUK2=9")
        #expect(ModemDialect.simcom.parsePINCounters(["+QPINC: \"SC\",3,10"]).isEmpty, "another dialect's answer is not taken")
        #expect(ModemDialect.quectel.parsePINCounters(["+QPINC: \"SC\",0,10"]).first?.blocked == true)
    }

    @Test func imeiIsLuhnChecked() {
        #expect(ModuleIdentity.isIMEI("490154203237518"))
        #expect(!ModuleIdentity.isIMEI("490154203237517"))
        #expect(!ModuleIdentity.isIMEI("49015420323751"))
        #expect(!ModuleIdentity.isIMEI("+CGSN: 490154203237518"))
    }
}
