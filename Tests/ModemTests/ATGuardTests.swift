import Testing
@testable import Modem

@Suite struct ATGuardTests {
    static let allowed = [
        "AT", "ATE0", "ATI", "AT+CMEE=1", "AT+CMEE=2", "AT+CGMI", "AT+CGMM", "AT+CGMR", "AT+CGSN", "AT+GSN", "AT+CIMI",
        "AT+CCID", "AT+QCCID", "AT+ICCID", "AT^ICCID?", "AT#CCID", "AT+CPIN?", "AT+CPINR=\"SIM*\"", "AT+QPINC?",
        "AT+SPIC", "AT^CPIN?", "AT+CFUN?", "AT+CREG?", "AT+CGREG?", "AT+COPS?", "AT+CSQ", "AT+CSCS?",
        "AT+CRSM=176,12258,0,0,10", "AT+CRSM=176,28423,0,0,9,,\"3F007FFF\"", "AT+CRSM=178,28474,1,4,28,\"\",\"3f007f10\"",
        "AT+CRSM=192,12258", "AT+CRSM=192,28423,0,0,0,,\"3F007F20\"", "AT+CRSM=242",
        "AT+CSIM=14,\"00A4000C023F00\"", "AT+CSIM=10,\"00B000000A\"", "AT+CSIM=10,\"0020000100\"", "AT+CSIM=8,\"00200001\"",
    ]

    static let refused = [
        // SMS: reading marks unread as read, deleting, sending, storage selection.
        "AT+CMGL=4", "AT+CMGL=\"ALL\"", "AT+CMGR=1", "AT+CMGD=1", "AT+CMGS=20", "AT+CMGW", "AT+CPMS=\"SM\"",
        // PIN, facility locks, IMEI rewrite, radio, resets, stored profiles, dialling.
        "AT+CPIN=1234", "AT+CPIN=\"1234\"", "AT+CLCK=\"SC\",2", "AT+CPWD=\"SC\",\"1234\",\"0000\"", "AT+EGMR=1,7,\"490154203237518\"",
        "AT+CFUN=1", "AT+CFUN=4", "AT+CFUN=0", "AT+CFUN=1,1", "ATZ", "AT&F", "AT&W", "ATD112;", "ATE1",
        // Several commands on one line, case, spaces, control characters.
        "AT+CIMI;+CMGD=1", "AT+CGMI;", "at+cimi", "At+CIMI", "AT+CIMI ", " AT+CIMI", "AT +CIMI", "AT+CIMI\r+CMGD=1", "AT+CIMI\n",
        "AT+CPIN?;+CPIN=1234", "AT+CPINR=\"SIM*\";+CLCK", "AT+CPINR=\"SC\"",
        // CRSM writes and malformed reads.
        "AT+CRSM=214,28486,0,0,1,\"00\"", "AT+CRSM=220,28474,1,4,28,\"FF\"", "AT+CRSM=176,12258,0,0,10,\"00\"",
        "AT+CRSM=176,+12258,0,0,10", "AT+CRSM=176, 12258,0,0,10", "AT+CRSM=176,012258,0,0,10", "AT+CRSM=176,12258,0,0,256",
        "AT+CRSM=176,12258,0,0", "AT+CRSM=176,12258,0,0,10,,\"3F0\"", "AT+CRSM=176,12258,0,0,10,,3F00", "AT+CRSM=176,12258,0,0,10,,\"3F00",
        "AT+CRSM=0176,12258", "AT+CRSM=176", "AT+CRSM=44,12258", "AT+CRSM=176,12258,0,0,10,,\"3F:007F:\"",
        // CSIM with write-class APDUs, a PIN, or a wrong length.
        "AT+CSIM=20,\"00D6000005FFFFFFFFFF\"", "AT+CSIM=26,\"0020000108313233340000\"", "AT+CSIM=12,\"00A4000C023F00\"",
        "AT+CSIM=14,00A4000C023F00", "AT+CSIM=14,\"00A4::0C023F00\"", "AT+CSIM=10,\"00E4000000\"", "AT+CSIM=14,\"00A4000C023F00\",1",
    ]

    @Test func theAllowListPasses() {
        for line in Self.allowed { #expect(ATGuard.refusal(for: line) == nil, "\(line)") }
    }

    @Test func everythingElseIsRefusedWithAReason() {
        for line in Self.refused {
            let reason = ATGuard.refusal(for: line)
            #expect(reason != nil, "\(line)")
            #expect(reason?.contains("\n") == false)
        }
    }

    @Test func csimRefusalsComeFromTheSharedAPDUPolicy() {
        #expect(ATGuard.refusal(for: "AT+CSIM=20,\"00D6000005FFFFFFFFFF\"") == "AT+CSIM UPDATE BINARY is not a read-only instruction")
        #expect(ATGuard.refusal(for: "AT+CIMI;+CMGD=1") == "several commands on one line (;) are never sent")
    }
}
