import ByteText
import Foundation
@testable import Modem
import SIMCard
@testable import virtual_sim

/// An in-memory module answering like a real one (TS 27.007 framing: echo, CR LF around every
/// line), from a table of answers, with an optional simulated card behind AT+CSIM and AT+CRSM.
/// It counts what a forensic read must never send.
final class ScriptedModule: LineTransport {
    var echo = true
    /// Information lines and final result code, by command line.
    var answers: [String: [String]] = [:]
    /// Lines sent after the echo and before the answer of a command (URCs mid-command, RDY).
    var interleaved: [String: [String]] = [:]
    /// Commands that get no answer (the session must time out).
    var silent: Set<String> = []
    /// The card behind AT+CSIM / AT+CRSM; nil: both answer +CME ERROR: 10.
    let card: Card?
    var csimSupported = true
    /// Command lines received, in order.
    private(set) var received: [String] = []
    private(set) var writeClassAPDUs = 0
    private var input: [UInt8] = []
    private var output: [UInt8] = []

    init(card: Card? = nil) {
        self.card = card
        // A module activates the USIM at power-up: 7FFF in a CRSM path is its ADF.
        if let card, card.profile.mode == .uicc { _ = card.process(Hex.bytes("00A4040C07A0000000871002")!) }
    }

    /// Command lines a read-only examination must never send (the common brief's list).
    static let forbiddenPrefixes = ["AT+CMGL", "AT+CMGR", "AT+CMGD", "AT+CMGS", "AT+CMGW", "AT+CPMS=", "AT+CPIN=", "AT+CLCK",
                                    "AT+CPWD", "AT+EGMR", "AT+CFUN=", "AT+CRSM=214", "AT+CRSM=220", "ATZ", "AT&F", "AT&W", "ATD"]
    var forbiddenReceived: [String] { received.filter { line in Self.forbiddenPrefixes.contains { line.hasPrefix($0) } } }

    /// Sends `line` at once, as a URC between commands.
    func push(_ line: String) { emit(line) }

    func write(_ bytes: [UInt8]) throws {
        input += bytes
        while let end = input.firstIndex(of: 0x0D) {
            let line = String(decoding: input[..<end], as: UTF8.self)
            input.removeSubrange(...end)
            respond(to: line)
        }
    }

    func read(before deadline: ContinuousClock.Instant) throws -> [UInt8] {
        defer { output = [] }
        return output
    }

    private func emit(_ line: String) { output += Array("\r\n\(line)\r\n".utf8) }

    private func respond(to line: String) {
        received.append(line)
        if echo { output += Array("\(line)\r".utf8) }
        for urc in interleaved[line] ?? [] { emit(urc) }
        if silent.contains(line) { return }
        for answer in answer(to: line) { emit(answer) }
    }

    private func answer(to line: String) -> [String] {
        if let scripted = answers[line] { return scripted }
        if line.hasPrefix("AT+CSIM="), csimSupported, let card {
            let fields = ATGuard.splitArguments(String(line.dropFirst(8)))!
            let apdu = Hex.bytes(fields[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")))!
            let response = transmit(apdu, to: card).bytes
            return ["+CSIM: \(response.count * 2),\"\(Hex.string(response))\"", "OK"]
        }
        if line.hasPrefix("AT+CRSM="), let card { return crsm(String(line.dropFirst(8)), card: card) }
        if line.hasPrefix("AT+CSIM=") || line.hasPrefix("AT+CRSM=") { return [card == nil ? "+CME ERROR: 10" : "ERROR"] }
        return ["ERROR"]
    }

    private func transmit(_ apdu: [UInt8], to card: Card) -> ResponseAPDU {
        if let command = try? CommandAPDU(parsing: apdu[...]), !ReadOnlyPolicy.isAllowed(command) { writeClassAPDUs += 1 }
        return card.process(apdu).response
    }

    /// Sends `apdu` and follows 61xx / 9Fxx with GET RESPONSE, as a module does for CRSM.
    private func exchange(_ apdu: [UInt8], with card: Card) -> ResponseAPDU {
        let response = transmit(apdu, to: card)
        if response.status.sw1 == 0x61 || response.status.sw1 == 0x9F {
            return transmit([apdu[0], 0xC0, 0, 0, response.status.sw2], to: card)
        }
        return response
    }

    /// AT+CRSM as a module implements it: select the file by path, then the command.
    private func crsm(_ arguments: String, card: Card) -> [String] {
        let fields = ATGuard.splitArguments(arguments)!
        let command = Int(fields[0])!
        let uicc = card.profile.mode == .uicc
        let cla: UInt8 = uicc ? 0x00 : 0xA0
        var response: ResponseAPDU
        if command == 242 {
            response = exchange([cla, 0xF2, 0, 0, 0], with: card)
        } else {
            let fid = UInt16(fields[1])!
            let pathText = fields.count >= 7 ? fields[6].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) : "3F00"
            let pathBytes = Hex.bytes(pathText)!
            var ids = stride(from: 0, to: pathBytes.count, by: 2).map { UInt16(pathBytes[$0]) << 8 | UInt16(pathBytes[$0 + 1]) }
            if fid != 0x3F00 { ids.append(fid) }
            if uicc {
                let below = ids.dropFirst().flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
                response = below.isEmpty ? exchange([0x00, 0xA4, 0x00, 0x04, 0x02, 0x3F, 0x00], with: card)
                    : exchange([0x00, 0xA4, 0x08, 0x04, UInt8(below.count)] + below, with: card)
            } else {
                response = ResponseAPDU(data: [], status: .ok)
                for id in ids where response.status.isSuccess {
                    response = exchange([0xA0, 0xA4, 0x00, 0x00, 0x02, UInt8(id >> 8), UInt8(id & 0xFF)], with: card)
                }
            }
            let p1 = UInt8(fields[2])!, p2 = UInt8(fields[3])!, p3 = UInt8(fields[4])!
            if response.status.isSuccess, command == 176 { response = transmit([cla, 0xB0, p1, p2, p3], to: card) }
            if response.status.isSuccess, command == 178 { response = transmit([cla, 0xB2, p1, p2, p3], to: card) }
        }
        let data = response.data.isEmpty ? "" : ",\"\(Hex.string(response.data))\""
        return ["+CRSM: \(response.status.sw1),\(response.status.sw2)\(data)", "OK"]
    }
}

enum Fixtures {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func card(_ name: String) throws -> Card {
        Card(profile: try Profile.load(path: repository.appendingPathComponent("Evidence/cards/\(name).json").path))
    }
}
