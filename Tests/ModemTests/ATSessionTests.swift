import Foundation
import Testing
@testable import Modem

@Suite struct ATSessionTests {
    @Test func echoIsStrippedWhetherOnOrOff() throws {
        for echo in [true, false] {
            let module = ScriptedModule()
            module.echo = echo
            module.answers["AT+CGMI"] = ["Quectel", "OK"]
            let session = ATSession(transport: module)
            let response = try session.send("AT+CGMI")
            #expect(response.information == ["Quectel"])
            #expect(response.final == .ok)
            #expect(session.echoes == echo)
            #expect(session.transcript.entries.map(\.kind) == (echo ? [.command, .echo, .information, .final] : [.command, .information, .final]))
        }
    }

    @Test func unsolicitedCodesAreRecordedAndNeverTakenForTheAnswer() throws {
        let module = ScriptedModule()
        module.answers["AT+CIMI"] = ["452040123456789", "OK"]
        module.interleaved["AT+CIMI"] = ["+CREG: 1", "^RSSI:17", "+CMTI: \"SM\",3", "SMS Ready"]
        let session = ATSession(transport: module)
        module.push("+QIND: SMS DONE")
        #expect(try session.query("AT+CIMI") == ["452040123456789"])
        #expect(session.unsolicited.map(\.line) == ["+QIND: SMS DONE", "+CREG: 1", "^RSSI:17", "+CMTI: \"SM\",3", "SMS Ready"])
    }

    /// The command's own prefix wins: `+CPIN: SIM PIN` during AT+CPIN? is its answer, while the
    /// `+CREG:` URC in the same answer is not.
    @Test func theCommandsOwnPrefixIsInformation() throws {
        let module = ScriptedModule()
        module.answers["AT+CPIN?"] = ["+CREG: 2", "+CPIN: SIM PIN", "OK"]
        let session = ATSession(transport: module)
        #expect(try session.query("AT+CPIN?") == ["+CPIN: SIM PIN"])
        #expect(session.unsolicited.map(\.line) == ["+CREG: 2"])
    }

    @Test func errorResultsCarryTheirTS27007Meaning() throws {
        let module = ScriptedModule()
        module.answers["AT+CIMI"] = ["+CME ERROR: 10"]
        module.answers["AT+CPIN?"] = ["+CME ERROR: SIM not inserted"]
        module.answers["AT+CSQ"] = ["+CMS ERROR: 500"]
        let session = ATSession(transport: module)
        #expect(try session.send("AT+CIMI").final.description == "+CME ERROR: 10 (SIM not inserted)")
        #expect(try session.send("AT+CPIN?").final == .cmeError(code: nil, text: "SIM not inserted"))
        #expect(try session.send("AT+CSQ").final.description == "+CMS ERROR: 500 (unknown error)")
        #expect(ErrorMeanings.cme[16] == "incorrect password" && ErrorMeanings.cme[14] == "SIM busy")
        #expect(throws: ATError.self) { try session.query("AT+CIMI") }
    }

    @Test func aSilentModuleTimesOutWithOneClearLine() throws {
        let module = ScriptedModule()
        module.silent = ["AT+CGMM"]
        let session = ATSession(transport: module, timeouts: ATTimeouts(standard: .milliseconds(50)))
        do {
            _ = try session.send("AT+CGMM")
            Issue.record("no timeout")
        } catch {
            guard case .timeout = error else { Issue.record("\(error)"); return }
            #expect(error.description.hasPrefix("AT+CGMM got no final result code in"))
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func aRebootMidCommandFailsIt() throws {
        let module = ScriptedModule()
        module.interleaved["AT+CGSN"] = ["RDY"]
        module.silent = ["AT+CGSN"]
        let session = ATSession(transport: module)
        do {
            _ = try session.send("AT+CGSN")
            Issue.record("the restart went unnoticed")
        } catch {
            guard case .moduleRestarted(_, let line) = error else { Issue.record("\(error)"); return }
            #expect(line == "RDY")
        }
    }

    @Test func refusedCommandsAreLoggedAndNeverWritten() throws {
        let module = ScriptedModule()
        let session = ATSession(transport: module)
        for line in ["AT+CMGL=4", "AT+CIMI;+CMGD=1", "AT+CPIN=1234", "AT+CFUN=1"] {
            #expect(throws: ATError.self) { try session.send(line) }
        }
        #expect(module.received.isEmpty)
        #expect(session.transcript.refusedCount == 4)
        #expect(session.transcript.sentCount == 0)
    }

    @Test func radioOffIsAnExplicitRecordedIntervention() throws {
        let module = ScriptedModule()
        module.answers["AT+CFUN?"] = ["+CFUN: 1", "OK"]
        module.answers["AT+CFUN=4"] = ["OK"]
        let session = ATSession(transport: module)
        #expect(throws: ATError.self) { try session.send("AT+CFUN=4") }
        #expect(module.received.isEmpty)
        let intervention = try session.switchRadioOff()
        #expect(module.received == ["AT+CFUN?", "AT+CFUN=4", "AT+CFUN?"])
        #expect(intervention.stateBefore == "+CFUN: 1" && intervention.result == "OK")
        #expect(session.interventions == [intervention])
        #expect(session.transcript.entries.contains { $0.note?.hasPrefix("intervention") == true })
    }

    @Test func loneLineFeedsAndCarriageReturnsEndLinesToo() throws {
        final class Bare: LineTransport {
            var answer: [UInt8] = []
            func write(_ bytes: [UInt8]) throws { answer = Array("\nSIMCOM_Ltd\rOK\n".utf8) }
            func read(before deadline: ContinuousClock.Instant) throws -> [UInt8] { defer { answer = [] }; return answer }
        }
        #expect(try ATSession(transport: Bare()).query("AT+CGMI") == ["SIMCOM_Ltd"])
    }

    /// The hash covers direction, kind, time and bytes in a documented form: equal sessions
    /// hash equal once times are equal, and any changed byte changes it.
    @Test func transcriptHashIsCanonical() throws {
        var transcript = ATTranscript()
        transcript.append(.sent, .command, bytes: Array("AT+CGMI\r".utf8), offset: .microseconds(10))
        transcript.append(.received, .information, bytes: Array("Quectel".utf8), offset: .microseconds(2_000))
        transcript.append(.received, .final, bytes: Array("OK".utf8), offset: .microseconds(2_100))
        #expect(transcript.entries[0].text == "AT+CGMI<0D>")
        #expect(transcript.entries.map(\.canonicalLine).joined() == "sent|command|10|41542B43474D490D|\nreceived|information|2000|5175656374656C|\nreceived|final|2100|4F4B|\n")
        #expect(transcript.sha256 == "d4864e30496d6a2d5ac1632f8a270c39aaf75a1fa47eb19fb08ca746ba83b594")
        var changed = ATTranscript()
        changed.append(.sent, .command, bytes: Array("AT+CGMI\r".utf8), offset: .microseconds(10))
        changed.append(.received, .information, bytes: Array("Quectes".utf8), offset: .microseconds(2_000))
        changed.append(.received, .final, bytes: Array("OK".utf8), offset: .microseconds(2_100))
        #expect(changed.sha256 != transcript.sha256)
    }
}
