import Foundation
import SIMCard

/// The module families whose AT commands differ where Custody needs them: the ICCID and
/// PIN-counter queries, AT+CSIM support and AT+CRSM quirks. One table, `traits`, holds every
/// difference (docs/MODEMS.md "Dialects" gives the sources).
public enum ModemDialect: String, CaseIterable, Codable, Sendable {
    case quectel, simcom, huawei, ublox, telit, goip, generic

    /// The dialect from AT+CGMI and AT+CGMM. A Quectel M35 is the GSM module of GoIP-style
    /// SIM boxes: it has no AT+CSIM, so it gets the `goip` dialect.
    public static func identify(manufacturer: String, model: String) -> ModemDialect {
        let maker = manufacturer.lowercased()
        let model = model.uppercased()
        if maker.contains("quectel") { return model.contains("M35") ? .goip : .quectel }
        if maker.contains("simcom") { return .simcom }
        if maker.contains("huawei") { return .huawei }
        if maker.contains("u-blox") || maker.contains("ublox") { return .ublox }
        if maker.contains("telit") { return .telit }
        return .generic
    }

    /// How a dialect's answer to its PIN-counter query is laid out.
    public enum PINCounterFormat: String, Sendable {
        /// `+QPINC: "SC",<pin1>,<puk1>` and `+QPINC: "P2",<pin2>,<puk2>` (Quectel).
        case qpinc
        /// `+SPIC: <pin1>,<puk1>,<pin2>,<puk2>` (SIMCom).
        case spic
        /// `^CPIN: <code>,[<times>],<puk>,<pin>,<puk2>,<pin2>` (Huawei).
        case huaweiCPIN
        /// `+CPINR: <code>,<retries>[,<default>]`, one line per PIN (TS 27.007 §8.65).
        case cpinr
    }

    public struct Traits: Sendable {
        /// ICCID queries, first choice first: the next is tried only when one fails.
        public var iccidCommands: [String]
        /// Whether the ICCID comes in EF.ICCID nibble order (each digit pair swapped).
        public var iccidNibbleSwapped: Bool
        public var pinCounterCommand: String
        public var pinCounterFormat: PINCounterFormat
        /// Whether the module has AT+CSIM; without it the card is read over AT+CRSM.
        public var hasCSIM: Bool
        /// The largest P3 a READ BINARY over AT+CRSM may ask for on this module.
        public var maximumCRSMLength: Int
        /// Path id of the USIM application's ADF in AT+CRSM (TS 102 221 §8.4.2: 7FFF, the current ADF).
        public var usimPath: String
    }

    public var traits: Traits {
        switch self {
        case .quectel:
            Traits(iccidCommands: ["AT+QCCID", "AT+CCID"], iccidNibbleSwapped: false, pinCounterCommand: "AT+QPINC?",
                   pinCounterFormat: .qpinc, hasCSIM: true, maximumCRSMLength: 255, usimPath: "3F007FFF")
        case .simcom:
            Traits(iccidCommands: ["AT+CCID", "AT+ICCID"], iccidNibbleSwapped: false, pinCounterCommand: "AT+SPIC",
                   pinCounterFormat: .spic, hasCSIM: true, maximumCRSMLength: 255, usimPath: "3F007FFF")
        case .huawei:
            Traits(iccidCommands: ["AT^ICCID?"], iccidNibbleSwapped: true, pinCounterCommand: "AT^CPIN?",
                   pinCounterFormat: .huaweiCPIN, hasCSIM: true, maximumCRSMLength: 255, usimPath: "3F007FFF")
        case .ublox:
            Traits(iccidCommands: ["AT+CCID"], iccidNibbleSwapped: false, pinCounterCommand: "AT+CPINR=\"SIM*\"",
                   pinCounterFormat: .cpinr, hasCSIM: true, maximumCRSMLength: 255, usimPath: "3F007FFF")
        case .telit:
            Traits(iccidCommands: ["AT#CCID", "AT+CCID"], iccidNibbleSwapped: false, pinCounterCommand: "AT+CPINR=\"SIM*\"",
                   pinCounterFormat: .cpinr, hasCSIM: true, maximumCRSMLength: 255, usimPath: "3F007FFF")
        case .goip:
            Traits(iccidCommands: ["AT+CCID", "AT+QCCID"], iccidNibbleSwapped: false, pinCounterCommand: "AT+QPINC?",
                   pinCounterFormat: .qpinc, hasCSIM: false, maximumCRSMLength: 255, usimPath: "3F007FFF")
        case .generic:
            Traits(iccidCommands: ["AT+CCID", "AT+ICCID", "AT+QCCID"], iccidNibbleSwapped: false, pinCounterCommand: "AT+CPINR=\"SIM*\"",
                   pinCounterFormat: .cpinr, hasCSIM: true, maximumCRSMLength: 255, usimPath: "3F007FFF")
        }
    }

    /// The ICCID in an answer to one of `iccidCommands`: the first line of 18 to 20 digits
    /// (a trailing F of a 19-digit ICCID dropped), after an optional `<prefix>:`; digit pairs
    /// swapped back for a nibble-swapped dialect. Nil when no line holds one.
    public func parseICCID(_ lines: [String]) -> String? {
        for line in lines {
            var value = Substring(line)
            if let colon = value.firstIndex(of: ":"), value.first.map({ "+^#".contains($0) }) == true {
                value = value[value.index(after: colon)...]
            }
            var digits = value.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"")).uppercased()
            if traits.iccidNibbleSwapped {
                guard digits.count % 2 == 0 else { continue }
                let characters = Array(digits)
                digits = String(stride(from: 0, to: characters.count, by: 2).flatMap { [characters[$0 + 1], characters[$0]] })
            }
            while digits.hasSuffix("F") { digits.removeLast() }
            if (18...20).contains(digits.count), digits.allSatisfy(\.isASCIIDigit) { return digits }
        }
        return nil
    }

    /// PIN1, PUK1, PIN2, PUK2 tries left from the answer to `pinCounterCommand`; a counter the
    /// answer does not give is left out.
    public func parsePINCounters(_ lines: [String]) -> [PINState] {
        let source = "\(traits.pinCounterCommand) (module)"
        func state(_ name: String, _ text: String?) -> PINState? {
            guard let text, let tries = Int(text.trimmingCharacters(in: .whitespaces)) else { return nil }
            return PINState(name: name, enabled: nil, remainingTries: tries, source: source)
        }
        var states: [PINState] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let fields = line[line.index(after: colon)...].split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            switch traits.pinCounterFormat {
            case .qpinc where line.hasPrefix("+QPINC:") && fields.count >= 3:
                let names: (String, String)? = fields[0] == "\"SC\"" ? ("PIN1", "PUK1") : fields[0] == "\"P2\"" ? ("PIN2", "PUK2") : nil
                if let names { states += [state(names.0, fields[1]), state(names.1, fields[2])].compactMap { $0 } }
            case .spic where line.hasPrefix("+SPIC:") && fields.count >= 4:
                states += [state("PIN1", fields[0]), state("PUK1", fields[1]), state("PIN2", fields[2]), state("PUK2", fields[3])].compactMap { $0 }
            case .huaweiCPIN where line.hasPrefix("^CPIN:") && fields.count >= 6:
                states += [state("PIN1", fields[3]), state("PUK1", fields[2]), state("PIN2", fields[5]), state("PUK2", fields[4])].compactMap { $0 }
            case .cpinr where line.hasPrefix("+CPINR:") && fields.count >= 2:
                let names = ["SIM PIN": "PIN1", "SIM PUK": "PUK1", "SIM PIN2": "PIN2", "SIM PUK2": "PUK2"]
                if let name = names[fields[0].trimmingCharacters(in: CharacterSet(charactersIn: "\""))], let parsed = state(name, fields[1]) {
                    states.append(parsed)
                }
            default: continue
            }
        }
        return states
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
