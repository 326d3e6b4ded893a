import SIMCard
import Testing
@testable import Modem

@Suite struct ModuleIdentityTests {
    static func quectel() -> ScriptedModule {
        let module = ScriptedModule()
        module.answers = [
            "AT+CMEE=1": ["OK"], "AT+CGMI": ["Quectel", "OK"], "AT+CGMM": ["EC25", "OK"], "AT+CGMR": ["EC25EFAR06A06M4G", "OK"],
            "AT+CGSN": ["490154203237518", "OK"], "AT+CFUN?": ["+CFUN: 1", "OK"], "AT+CREG?": ["+CREG: 0,1", "OK"],
            "AT+COPS?": ["+COPS: 0,0,\"Viettel\",7", "OK"], "AT+CSQ": ["+CSQ: 21,99", "OK"], "AT+CPIN?": ["+CPIN: READY", "OK"],
            "AT+QCCID": ["+QCCID: 89840480001234567893", "OK"], "AT+CIMI": ["452040123456789", "OK"],
            "AT+QPINC?": ["+QPINC: \"SC\",3,10", "+QPINC: \"P2\",3,10", "OK"],
        ]
        return module
    }

    @Test func theMinimalSequenceReadsEverything() throws {
        let module = Self.quectel()
        let identity = try ModuleIdentity.read(session: ATSession(transport: module))
        #expect(identity.dialect == .quectel && identity.model == "EC25" && identity.imei == "490154203237518")
        #expect(identity.radio == "+CFUN: 1" && identity.operatorSelection == "+COPS: 0,0,\"Viettel\",7")
        #expect(identity.simState == "READY" && identity.iccid == "89840480001234567893" && identity.iccidCommand == "AT+QCCID")
        #expect(identity.imsi == "452040123456789")
        #expect(identity.pins.map(\.name) == ["PIN1", "PUK1", "PIN2", "PUK2"])
        #expect(module.received.count == 13 && identity.failures.isEmpty)
        #expect(module.forbiddenReceived.isEmpty)
    }

    @Test func anEmptyPortStopsAtTheSIMState() throws {
        let module = Self.quectel()
        module.answers["AT+CPIN?"] = ["+CME ERROR: 10"]
        let identity = try ModuleIdentity.read(session: ATSession(transport: module))
        #expect(identity.simState == "+CME ERROR: 10 (SIM not inserted)")
        #expect(identity.iccid == nil && identity.imsi == nil)
        #expect(module.received.count == 10)
    }

    @Test func aPINLockedSIMGivesItsICCIDAndCountersButNoIMSI() throws {
        let module = Self.quectel()
        module.answers["AT+CPIN?"] = ["+CPIN: SIM PIN", "OK"]
        module.answers["AT+CGSN"] = ["+CGSN: 490154203237517", "OK"]
        module.answers["AT+QCCID"] = ["ERROR"]
        module.answers["AT+CCID"] = ["+CCID: 89840480001234567893", "OK"]
        let identity = try ModuleIdentity.read(session: ATSession(transport: module))
        #expect(identity.simState == "SIM PIN" && identity.imsi == nil && identity.pins.count == 4)
        #expect(identity.iccidCommand == "AT+CCID")
        #expect(identity.imei == nil && identity.imeiAnswer == "490154203237517", "Luhn fails")
        #expect(!module.received.contains("AT+CIMI"))
    }
}
