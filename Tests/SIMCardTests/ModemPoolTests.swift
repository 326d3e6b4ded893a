import ByteText
import Foundation
import Testing
@testable import SIMCard
@testable import virtual_sim
#if canImport(Glibc)
import Glibc
#endif

/// A client of one virtual modem port: opens the pty's slave as a program opens /dev/ttyUSB0.
private final class PtyClient {
    let fd: Int32

    init(path: String) throws {
        fd = open(path, O_RDWR | O_NOCTTY)
        guard fd >= 0 else { throw ProfileError("cannot open \(path)") }
        var settings = termios()
        tcgetattr(fd, &settings)
        cfmakeraw(&settings)
        tcsetattr(fd, TCSANOW, &settings)
    }

    deinit { close(fd) }

    /// Everything the module sends within `milliseconds` (or until `done` holds of it).
    func read(for milliseconds: Int, until done: (String) -> Bool = { _ in false }) -> String {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = Date(timeIntervalSinceNow: Double(milliseconds) / 1000)
        while Date() < deadline {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 10) > 0 else { continue }
            let n = Glibc.read(fd, &buffer, buffer.count)
            if n > 0 { received += buffer[0..<n] }
            if done(String(decoding: received, as: UTF8.self)) { break }
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// Sends one command line and returns the non-empty lines up to the final result (echo and
    /// any URC included).
    func command(_ line: String) -> [String] {
        _ = Array((line + "\r").utf8).withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
        let text = read(for: 3000) { text in
            let lines = text.components(separatedBy: "\r\n")
            return lines.contains { $0 == "OK" || $0 == "ERROR" || $0 == "NO CARRIER" || $0.hasPrefix("+CME ERROR:") || $0.hasPrefix("+CMS ERROR:") }
                && text.hasSuffix("\r\n")
        }
        return text.components(separatedBy: CharacterSet(charactersIn: "\r\n")).filter { !$0.isEmpty }
    }
}

@Suite struct ModemPoolTests {
    static let profilesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Evidence/cards").path

    /// One port with `dialect` and the SIM of `profile` (nil: empty), served while `body` runs;
    /// the start-up URCs are read away first unless `keepStartURCs`.
    private func withPort(_ dialect: ModemDialect, _ profile: String?, keepStartURCs: Bool = false,
                          _ body: (PtyClient, ModemState) throws -> Void) throws {
        let loaded = try profile.map { try Profile.load(path: "\(Self.profilesDirectory)/\($0).json") }
        let port = try ModemPort(index: 3, spec: PortSpec(dialect: dialect, profile: loaded, latencyMilliseconds: 0))
        port.start()
        defer { port.stop() }
        let client = try PtyClient(path: port.state.slavePath)
        if !keepStartURCs { _ = client.read(for: 100) }
        try body(client, port.state)
    }

    private func stats(_ state: ModemState) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(state.statsJSON().utf8)) as? [String: Any])
    }

    private func iccidHex(_ digits: String) throws -> String { Hex.string(try ICCID(digits: digits).encoded) }

    static let mobifoneICCID = "8984012204000123456"

    @Test(arguments: [
        (ModemDialect.quectel, "AT+QCCID", "+QCCID: \(mobifoneICCID)", "AT+QPINC?", "+QPINC: \"SC\",3,10"),
        (.simcom, "AT+CCID", mobifoneICCID, "AT+SPIC", "+SPIC: 3,10,3,10"),
        (.huawei, "AT^ICCID?", "^ICCID: 984810224000103254F6", "AT^CPIN?", "^CPIN: READY,,10,3,10,3"),
        (.ublox, "AT+CCID", "+CCID: \(mobifoneICCID)", "AT+CPINR=\"SIM*\"", "+CPINR: SIM PIN,3,3"),
        (.telit, "AT#CCID", "#CCID: \(mobifoneICCID)", "AT+CPINR=\"SIM PIN\"", "+CPINR: SIM PIN,3,3"),
        (.goip, "AT+CCID", mobifoneICCID, "AT+QPINC?", "+QPINC: \"SC\",3,10"),
    ])
    func eachDialectAnswersItsICCIDAndPINCounterCommands(dialect: ModemDialect, iccidCommand: String, iccidLine: String,
                                                        pinCommand: String, pinLine: String) throws {
        try withPort(dialect, "usim-mobifone") { client, state in
            #expect(client.command("AT+CGMI").contains(dialect.manufacturer))
            let iccid = client.command(iccidCommand)
            #expect(iccid.contains(iccidLine), "\(iccid)")
            #expect(iccid.last == "OK")
            let pins = client.command(pinCommand)
            #expect(pins.contains(pinLine), "\(pins)")
            let imei = try #require(client.command("AT+CGSN").first { $0.hasSuffix(state.imei) })
            #expect(state.imei.count == 15 && Luhn.isValid(state.imei), "\(imei)")
            let counters = try stats(state)
            #expect(counters["forbiddenCommands"] as? Int == 0)
            #expect(counters["writeClassAPDUs"] as? Int == 0)
            #expect(counters["commandsTotal"] as? Int == 4)
        }
    }

    @Test(arguments: [("usim-mobifone", "8984012204000123456"), ("classic-viettel", "8984041907123456786")])
    func crsmReadBinaryOfEFICCIDGivesTheProfilesICCID(profile: String, iccid: String) throws {
        try withPort(.quectel, profile) { client, state in
            let expected = "+CRSM: 144,0,\"\(try iccidHex(iccid))\""
            #expect(client.command("AT+CRSM=176,12258,0,0,10").contains(expected))
            #expect(client.command("AT+CRSM=176,12258,0,0,10,,\"3F00\"").contains(expected))
            #expect(client.command("AT+CRSM=192,12258").contains { $0.hasPrefix("+CRSM: 144,0,\"") })
            let missing = client.command("AT+CRSM=176,12033,0,0,10")
            #expect(missing.contains("+CRSM: 106,130") || missing.contains("+CRSM: 148,4"), "\(missing)")
            let snapshot = try stats(state)
            #expect(snapshot["writeClassAPDUs"] as? Int == 0)
        }
    }

    @Test func crsmReadsTheIMSIUnderTheUSIMApplicationByPath() throws {
        try withPort(.simcom, "usim-mobifone") { client, _ in
            let line = try #require(client.command("AT+CRSM=176,28423,0,0,9,,\"3F007FFF\"").first { $0.hasPrefix("+CRSM: 144,0,") })
            let hex = String(line.dropFirst("+CRSM: 144,0,\"".count).dropLast())
            #expect(try IMSI(decoding: Hex.bytes(hex)![...]).digits == "452011234567890")
            #expect(client.command("AT+CIMI").contains("452011234567890"))
        }
    }

    @Test func csimPassesSelectAndReadToTheCard() throws {
        try withPort(.quectel, "usim-mobifone") { client, state in
            #expect(client.command("AT+CSIM=14,\"00A4080C022FE2\"").contains("+CSIM: 4,\"9000\""))
            let expected = try iccidHex(Self.mobifoneICCID) + "9000"
            #expect(client.command("AT+CSIM=10,\"00B000000A\"").contains("+CSIM: \(expected.count),\"\(expected)\""))
            #expect(client.command("AT+CSIM=9,\"00B000000A\"").last == "ERROR")
            let snapshot = try stats(state)
            #expect(snapshot["forbiddenCommands"] as? Int == 0)
        }
    }

    @Test func theGoIPModuleHasNoCSIMButAnswersCRSM() throws {
        try withPort(.goip, "usim-mobifone") { client, state in
            #expect(client.command("AT+CGMM").contains("M35"))
            #expect(client.command("AT+CSIM=14,\"00A4080C022FE2\"").last == "ERROR")
            let expected = "+CRSM: 144,0,\"\(try iccidHex(Self.mobifoneICCID))\""
            #expect(client.command("AT+CRSM=176,12258,0,0,10").contains(expected))
            let snapshot = try stats(state)
            #expect(snapshot["forbiddenCommands"] as? Int == 0)
        }
    }

    @Test func echoIsOnUntilATE0() throws {
        try withPort(.ublox, "usim-mobifone") { client, _ in
            #expect(client.command("AT+CGMM") == ["AT+CGMM", "SARA-U270", "OK"])
            #expect(client.command("ATE0") == ["ATE0", "OK"])
            #expect(client.command("AT+CGMM") == ["SARA-U270", "OK"])
        }
    }

    @Test func startUpURCsFollowTheDialectAndTheSIM() throws {
        try withPort(.quectel, "usim-mobifone", keepStartURCs: true) { client, _ in
            let urcs = client.read(for: 300) { $0.contains("PB DONE") }
            #expect(urcs == "\r\nRDY\r\n\r\n+CPIN: READY\r\n\r\n+QIND: SMS DONE\r\n\r\n+QIND: PB DONE\r\n")
        }
        try withPort(.simcom, "usim-pin-enabled", keepStartURCs: true) { client, _ in
            let urcs = client.read(for: 300)
            #expect(urcs.contains("\r\n+CPIN: SIM PIN\r\n") && !urcs.contains("SMS Ready"), "\(urcs)")
        }
    }

    @Test func anEmptyPortHasNoSIM() throws {
        try withPort(.quectel, nil, keepStartURCs: true) { client, state in
            #expect(client.read(for: 300) { $0.contains("NOT INSERTED") }.contains("+CPIN: NOT INSERTED"))
            #expect(client.command("AT+CPIN?").last == "ERROR")
            #expect(client.command("AT+CMEE=1").last == "OK")
            #expect(client.command("AT+CPIN?").last == "+CME ERROR: 10")
            #expect(client.command("AT+CIMI").last == "+CME ERROR: 10")
            #expect(client.command("AT+QCCID").last == "+CME ERROR: 10")
            #expect(client.command("AT+CRSM=176,12258,0,0,10").last == "+CME ERROR: 10")
            let snapshot = try stats(state)
            #expect(snapshot["simState"] as? String == "NOT INSERTED")
        }
    }

    @Test func aPINLockedSIMKeepsItsIMSIButShowsItsICCID() throws {
        try withPort(.quectel, "usim-pin-enabled") { client, state in
            #expect(client.command("AT+CPIN?").contains("+CPIN: SIM PIN"))
            _ = client.command("AT+CMEE=1")
            #expect(client.command("AT+CIMI").last == "+CME ERROR: 11")
            #expect(client.command("AT+QCCID").contains { $0.hasPrefix("+QCCID: 89") })
            #expect(client.command("AT+CREG?").contains("+CREG: 0,0"))
            let snapshot = try stats(state)
            #expect(snapshot["pinTriesConsumed"] as? Int == 0)
        }
        try withPort(.quectel, "usim-pin-blocked") { client, _ in
            #expect(client.command("AT+CPIN?").contains("+CPIN: SIM PUK"))
            #expect(client.command("AT+QPINC?").contains("+QPINC: \"SC\",0,10"))
        }
    }

    @Test func aForbiddenCommandIsCountedAndAnsweredAsAModuleWould() throws {
        try withPort(.simcom, "usim-mobifone") { client, state in
            let snapshot = try stats(state)
            #expect(snapshot["smsUnread"] as? Int == 2)
            let listed = client.command("AT+CMGL=\"ALL\"")
            #expect(listed.contains { $0.hasPrefix("+CMGL: 1,\"REC UNREAD\"") }, "\(listed)")
            #expect(client.command("AT+CMGL=\"REC UNREAD\"") == ["AT+CMGL=\"REC UNREAD\"", "OK"])
            _ = client.command("ATZ")
            let counters = try stats(state)
            #expect(counters["forbiddenCommands"] as? Int == 3)
            #expect(counters["forbiddenCommandNames"] as? [String] == ["AT+CMGL=", "AT+CMGL=", "ATZ"])
            #expect(counters["smsUnread"] as? Int == 0)
            #expect(state.handle("reset-stats") == "{\"ok\":true}")
            let afterReset = try stats(state)
            #expect(afterReset["forbiddenCommands"] as? Int == 0)
        }
    }

    @Test func aWrongPINThroughCPINConsumesATry() throws {
        try withPort(.quectel, "usim-pin-enabled") { client, state in
            _ = client.command("AT+CMEE=1")
            #expect(client.command("AT+CPIN=0000").last == "+CME ERROR: 16")
            #expect(client.command("AT+QPINC?").contains("+QPINC: \"SC\",2,10"))
            let counters = try stats(state)
            #expect(counters["pinTriesConsumed"] as? Int == 1)
            #expect(counters["forbiddenCommandNames"] as? [String] == ["AT+CPIN="])
        }
    }

    @Test func aWriteThroughCRSMAndCSIMIsCounted() throws {
        try withPort(.telit, "usim-mobifone") { client, state in
            #expect(client.command("AT+CRSM=214,12258,0,0,1,\"00\",\"3F00\"").contains { $0.hasPrefix("+CRSM: ") })
            #expect(client.command("AT+CSIM=12,\"00D6000001FF\"").contains { $0.hasPrefix("+CSIM: 4,") })
            let counters = try stats(state)
            #expect(counters["writeClassAPDUs"] as? Int == 2)
            #expect(counters["forbiddenCommandNames"] as? [String] == ["AT+CRSM=214", "AT+CSIM= UPDATE BINARY"])
        }
    }

    @Test func theRadioChangeIsRecorded() throws {
        try withPort(.huawei, "usim-mobifone") { client, state in
            #expect(client.command("AT+COPS?").contains("+COPS: 0,0,\"Viettel\",7"))
            #expect(client.command("AT+CFUN=4").last == "OK")
            #expect(client.command("AT+CFUN?").contains("+CFUN: 4"))
            #expect(client.command("AT+CREG?").contains("+CREG: 0,0"))
            var counters = try stats(state)
            #expect(counters["radioChanges"] as? [String] == ["1>4"])
            #expect(counters["radio"] as? Int == 4)
            #expect(counters["forbiddenCommands"] as? Int == 0)
            _ = client.command("AT+CFUN=1")
            counters = try stats(state)
            #expect(counters["radioChanges"] as? [String] == ["1>4", "4>1"])
            #expect(counters["forbiddenCommandNames"] as? [String] == ["AT+CFUN="])
        }
    }

    @Test func faultsArmedOnTheControlSocket() throws {
        try withPort(.quectel, "usim-mobifone") { client, state in
            _ = client.command("ATE0")
            #expect(state.handle("reboot-after 1").contains("\"ok\":true"))
            #expect(client.command("AT+CGMI") == ["Quectel", "OK"])
            // Mid-read the module restarts: RDY and the start-up URCs, no answer, echo back on.
            _ = Array("AT+QCCID\r".utf8).withUnsafeBytes { write(client.fd, $0.baseAddress!, $0.count) }
            #expect(client.read(for: 500) { $0.contains("PB DONE") }.hasPrefix("\r\nRDY\r\n"))
            #expect(client.command("AT") == ["AT", "OK"])
            #expect(state.handle("garbage-after 0").contains("\"ok\":true"))
            _ = Array("AT\r".utf8).withUnsafeBytes { write(client.fd, $0.baseAddress!, $0.count) }
            let garbage = client.read(for: 300)
            #expect(garbage.hasPrefix("AT\r\r\n") && !garbage.contains("OK"))
            #expect(state.handle("clear") == "{\"ok\":true}")
            #expect(client.command("AT") == ["AT", "OK"])
            #expect(state.handle("mute-after 1").contains("\"ok\":true"))
            #expect(client.command("AT") == ["AT", "OK"])
            _ = Array("AT+CGMI\r".utf8).withUnsafeBytes { write(client.fd, $0.baseAddress!, $0.count) }
            #expect(client.read(for: 300).isEmpty)
            #expect(state.handle("clear") == "{\"ok\":true}")
            #expect(state.handle("urc +CMTI: \"SM\",4") == "{\"ok\":true}")
            #expect(client.read(for: 300) { $0.contains("+CMTI") } == "\r\n+CMTI: \"SM\",4\r\n")
            let snapshot = try stats(state)
            #expect(snapshot["reboots"] as? Int == 1)
            #expect(state.handle("bogus").hasPrefix("{\"ok\":false"))
        }
    }

    @Test func latencyDelaysEveryAnswer() throws {
        try withPort(.telit, "usim-mobifone") { client, state in
            #expect(state.handle("latency 150") == "{\"ok\":true}")
            let started = Date()
            #expect(client.command("AT+CGMI") == ["AT+CGMI", "Telit", "OK"])
            #expect(Date().timeIntervalSince(started) >= 0.15)
            #expect(state.handle("latency -1").hasPrefix("{\"ok\":false"))
        }
    }

    @Test func statsAnswerOnTheControlSocket() throws {
        try withPort(.quectel, "usim-mobifone") { _, state in
            let path = NSTemporaryDirectory() + "modem-test-\(getpid()).sock"
            let listening = try Control.listen(path: path)
            defer { unlink(path) }
            Control.serve(listenFD: listening) { state.handle($0) }
            let fd = try Control.connectUnix(path: path)
            defer { close(fd) }
            #expect(Sock.sendAll(fd, Array("stats\n".utf8)))
            var reply: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while case let n = recv(fd, &buffer, buffer.count, 0), n > 0 { reply += buffer[0..<n] }
            let json = try #require(JSONSerialization.jsonObject(with: Data(reply)) as? [String: Any])
            #expect(json["dialect"] as? String == "quectel")
            #expect(json["imei"] as? String == state.imei)
        }
    }

    @Test func commandNames() {
        #expect(ATAllowList.name(of: "at+cmgl=\"ALL\"") == "AT+CMGL=")
        #expect(ATAllowList.name(of: "AT^ICCID?") == "AT^ICCID?")
        #expect(ATAllowList.name(of: "AT+CPINR=?") == "AT+CPINR=?")
        #expect(ATAllowList.name(of: "ATD+84901234567;") == "ATD")
        #expect(ATAllowList.name(of: "AT&F0") == "AT&F")
        #expect(ATAllowList.name(of: "ATE0") == "ATE0")
        #expect(Module.forbiddenName("AT+CFUN=4") == nil)
        #expect(Module.forbiddenName("AT+CRSM=178,28476,1,4,176") == nil)
        #expect(Module.forbiddenName("AT+CSIM=18,\"0020000108\"") == nil)
        #expect(Module.forbiddenName("AT+EGMR=1,7,\"351234567890123\"") == "AT+EGMR=")
    }
}
