import ByteText
import SIMCard

/// The module families the virtual modem pool imitates (docs/CARD-PROFILES.md, "Virtual modem
/// pool"): identification strings, ICCID and PIN-counter commands, start-up URCs, CSIM support.
enum ModemDialect: String, CaseIterable, Sendable {
    case quectel, simcom, huawei, ublox, telit, goip

    /// AT+CGMI.
    var manufacturer: String {
        switch self {
        case .quectel, .goip: "Quectel"
        case .simcom: "SIMCOM_Ltd"
        case .huawei: "huawei"
        case .ublox: "u-blox"
        case .telit: "Telit"
        }
    }

    /// AT+CGMM.
    var model: String {
        switch self {
        case .quectel: "EC25"
        case .simcom: "SIMCOM_SIM800"
        case .huawei: "E173"
        case .ublox: "SARA-U270"
        case .telit: "LE910C4-EU"
        case .goip: "M35"
        }
    }

    /// AT+CGMR.
    var revision: String {
        switch self {
        case .quectel: "EC25EFAR06A06M4G"
        case .simcom: "Revision:1418B04SIM800C24"
        case .huawei: "11.126.85.00.209"
        case .ublox: "23.41"
        case .telit: "25.21.660"
        case .goip: "M35FAR01A03"
        }
    }

    /// The first 8 digits of this dialect's IMEIs (a type allocation code; fictitious serials follow).
    var typeAllocationCode: String {
        switch self {
        case .quectel: "86145803"
        case .simcom: "86204103"
        case .huawei: "35615704"
        case .ublox: "35260309"
        case .telit: "35170911"
        case .goip: "86296102"
        }
    }

    /// GoIP-style modules have AT+CRSM only: AT+CSIM answers ERROR.
    var hasCSIM: Bool { self != .goip }

    /// The IMEI of port `index` (from 1): TAC, a 6-digit serial from the index, the Luhn digit.
    func imei(port index: Int) -> String {
        let body = typeAllocationCode + String(String(100_000 + index * 7919 % 900_000).suffix(6))
        return body + String(Luhn.checkDigit(of: body))
    }

    /// AT+CGSN / AT+GSN: most modules print the bare IMEI, Telit "+CGSN: <imei>" to AT+CGSN.
    func imeiLines(_ imei: String, command: String) -> [String] {
        self == .telit && command == "AT+CGSN" ? ["+CGSN: \(imei)"] : [imei]
    }

    /// ATI: several lines, as the family prints them.
    func identificationLines(_ imei: String) -> [String] {
        switch self {
        case .huawei: ["Manufacturer: \(manufacturer)", "Model: \(model)", "Revision: \(revision)", "IMEI: \(imei)", "+GCAP: +CGSM,+DS,+ES"]
        case .simcom: ["SIM800 R14.18"]
        default: [manufacturer, model, "Revision: \(revision)"]
        }
    }

    /// The ICCID answer of the dialect to `command` (the command's name, e.g. "AT+QCCID"), or
    /// nil when the dialect has no such command. `efICCID`: the card's EF.ICCID bytes.
    func iccidLines(command: String, efICCID: [UInt8], digits: String) -> [String]? {
        switch (self, command) {
        case (.quectel, "AT+QCCID"): ["+QCCID: \(digits)"]
        case (.simcom, "AT+CCID"), (.goip, "AT+CCID"): [digits]
        case (.simcom, "AT+ICCID"): ["+ICCID: \(digits)"]
        // Huawei prints the EF.ICCID bytes as hex, i.e. the digits in the card's swapped nibble order.
        case (.huawei, "AT^ICCID?"): ["^ICCID: \(Hex.string(efICCID))"]
        case (.ublox, "AT+CCID"), (.quectel, "AT+CCID"): ["+CCID: \(digits)"]
        case (.telit, "AT#CCID"): ["#CCID: \(digits)"]
        default: nil
        }
    }

    /// The PIN-counter answer to `command`, or nil when the dialect has no such command.
    /// `argument`: the unquoted pattern of AT+CPINR="<pattern>".
    func pinCounterLines(command: String, argument: String, counters c: PinCounters) -> [String]? {
        switch (self, command) {
        case (.quectel, "AT+QPINC?"), (.goip, "AT+QPINC?"):
            ["+QPINC: \"SC\",\(c.pin1),\(c.puk1)", "+QPINC: \"P2\",\(c.pin2),\(c.puk2)"]
        case (.simcom, "AT+SPIC"):
            ["+SPIC: \(c.pin1),\(c.puk1),\(c.pin2),\(c.puk2)"]
        case (.huawei, "AT^CPIN?"):
            ["^CPIN: \(c.code),,\(c.puk1),\(c.pin1),\(c.puk2),\(c.pin2)"]
        case (.ublox, "AT+CPINR="), (.telit, "AT+CPINR="):
            c.cpinr(pattern: argument)
        default: nil
        }
    }

    /// URCs printed at power-up (and after a reboot) for a SIM in `pinState` ("READY",
    /// "SIM PIN", "SIM PUK", "NOT INSERTED").
    func startURCs(pinState: String) -> [String] {
        let ready = pinState == "READY"
        switch self {
        case .quectel:
            return ["RDY", "+CPIN: \(pinState)"] + (ready ? ["+QIND: SMS DONE", "+QIND: PB DONE"] : [])
        case .simcom, .goip:
            return ["RDY", "+CFUN: 1", "+CPIN: \(pinState)"] + (ready ? ["Call Ready", "SMS Ready"] : [])
        case .huawei:
            return ["^SIMST: \(pinState == "NOT INSERTED" ? 255 : 1)", "^RSSI: 21"]
        case .ublox, .telit:
            return ["+CPIN: \(pinState)"]
        }
    }
}

/// The SIM's PIN state as the AT commands report it.
struct PinCounters {
    var code: String          // AT+CPIN? value: READY, SIM PIN, SIM PUK
    var pin1, puk1, pin2, puk2: Int
    var pin1Max, puk1Max, pin2Max, puk2Max: Int

    /// u-blox/Telit AT+CPINR="SIM*": one line per code the pattern (with * wildcards) matches.
    func cpinr(pattern: String) -> [String] {
        let codes: [(String, Int, Int)] = [("SIM PIN", pin1, pin1Max), ("SIM PUK", puk1, puk1Max),
                                           ("SIM PIN2", pin2, pin2Max), ("SIM PUK2", puk2, puk2Max)]
        let wanted = pattern.isEmpty ? "*" : pattern
        return codes.filter { Self.matches($0.0, wanted) }.map { "+CPINR: \($0.0),\($0.1),\($0.2)" }
    }

    private static func matches(_ name: String, _ pattern: String) -> Bool {
        guard let star = pattern.firstIndex(of: "*") else { return name == pattern }
        return name.hasPrefix(pattern[..<star])
    }
}

/// Issue 17's allow-list: the AT commands an examination may send. Everything else is counted
/// as forbidden. AT+CRSM and AT+CSIM are on it only with a read-only APDU (checked apart);
/// AT+CFUN=0 and AT+CFUN=4 are the one intervention (`--radio-off`), counted as radio changes.
enum ATAllowList {
    static let names: Set<String> = [
        "AT", "ATE0", "ATI", "AT+CMEE=", "AT+CGMI", "AT+CGMM", "AT+CGMR", "AT+CGSN", "AT+GSN", "AT+CIMI",
        "AT+CCID", "AT+QCCID", "AT+ICCID", "AT^ICCID?", "AT#CCID",
        "AT+CPIN?", "AT+CPINR=", "AT+QPINC?", "AT+SPIC", "AT^CPIN?",
        "AT+CFUN?", "AT+CREG?", "AT+CGREG?", "AT+COPS?", "AT+CSQ", "AT+CSCS?", "AT+CRSM=", "AT+CSIM=",
    ]

    /// The command's name: "AT" plus, for an extended command (+ ^ # $ %), its name and "=", "?"
    /// or "=?"; for a basic one, its letter and digits ("ATE0", "ATZ", "ATD", "AT&F").
    static func name(of line: String) -> String {
        let body = Array(line.uppercased().dropFirst(2))
        guard let first = body.first else { return "AT" }
        if "+^#$%".contains(first) {
            let end = body.firstIndex { $0 == "=" || $0 == "?" } ?? body.count
            var name = "AT" + String(body[..<end])
            if end < body.count {
                name += body[end] == "=" && end + 1 < body.count && body[end + 1] == "?" ? "=?" : String(body[end])
            }
            return name
        }
        if first == "&" { return "AT" + String(body.prefix(2)) }
        if first == "D" { return "ATD" }
        return "AT" + String(first) + String(body.dropFirst().prefix { $0.isNumber })
    }
}
